"""Pipeline component 'actors' (placeholder until implemented)."""

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_actors")
def actors(doc: Doc) -> Doc:
    doc.spans["actors"] = []
    return doc
