"""Pipeline component 'times' (placeholder until implemented)."""

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_times")
def times(doc: Doc) -> Doc:
    doc.spans["times"] = []
    return doc
