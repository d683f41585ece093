"""Pipeline component 'places' (placeholder until implemented)."""

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_places")
def places(doc: Doc) -> Doc:
    doc.spans["places"] = []
    return doc
