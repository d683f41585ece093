"""Tallies: aggregate counts ("106 attacks since October 17"), which are not events.

(Placeholder component: fills doc._.tallies with nothing until the component lands.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_tallies")
def tallies_component(doc: Doc) -> Doc:
    doc._.tallies = []
    return doc
