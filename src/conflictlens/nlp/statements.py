"""Statements: threats, demands, negotiations, denials, with speaker and attribution.

(Placeholder component: fills doc._.statements with nothing until the component lands.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_statements")
def statements_component(doc: Doc) -> Doc:
    doc._.statements = []
    return doc
