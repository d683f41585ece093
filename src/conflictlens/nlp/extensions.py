"""Custom attributes the components write on the Doc and its Spans.

Each component fills one span group (doc.spans[NAME]) and sets the matching
Span attribute holding the contract object for that span:

    doc.spans["actors"]   span._.actor   -> model.Actor     (persons too: kind "person")
    doc.spans["places"]   span._.location-> model.Location
    doc.spans["times"]    span._.when    -> model.When
    doc.spans["sources"]  span._.source  -> model.Source
    doc._.published       datetime.date | None, set before the pipeline runs
    doc._.frames          list[Frame]: attribution frames (who says so, over which characters)
    doc._.events          list[model.Event]      (events component)
    doc._.tallies         list[model.Tally]      (tallies component)
    doc._.statements      list[model.Statement]  (statements component)
    doc._.relations       list[model.Relation]   (relations component)
    doc._.flags           list[model.Flag]       (checks component)
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..model import Source

SPAN_ATTRS = ("actor", "location", "when", "source")
DOC_ATTRS = ("published", "frames", "events", "tallies", "statements", "relations", "flags")


@dataclass
class Frame:
    """A reporting frame: `source` vouches for the text between start and end (character offsets)."""

    source: Source
    start: int
    end: int
    depth: int = 0


def register() -> None:
    """Declare the extensions once per process (idempotent)."""
    for name in SPAN_ATTRS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for name in DOC_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register()
