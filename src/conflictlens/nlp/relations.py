"""Relations between actors stated in the text: member_of, formed, allied_with, backed_by, leads.

(Placeholder component: fills doc._.relations with nothing until the component lands.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_relations")
def relations_component(doc: Doc) -> Doc:
    doc._.relations = []
    return doc
