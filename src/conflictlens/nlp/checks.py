"""Checks: flags where the text contradicts the knowledge base on the document date.

(Placeholder component: fills doc._.flags with nothing until the component lands.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_checks")
def checks_component(doc: Doc) -> Doc:
    doc._.flags = []
    return doc
