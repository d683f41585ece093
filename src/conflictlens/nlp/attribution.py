"""Pipeline component 'attribution' (placeholder until implemented)."""

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_attribution")
def attribution(doc: Doc) -> Doc:
    doc.spans["sources"] = []
    doc._.frames = []
    return doc
