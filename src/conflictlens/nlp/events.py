"""Events: trigger lexicon -> ACLED type and sub-type, roles, location, date, fatalities, claims.

(Placeholder component: fills doc._.events with nothing until the component lands.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401


@Language.component("conflictlens_events")
def events_component(doc: Doc) -> Doc:
    doc._.events = []
    return doc
