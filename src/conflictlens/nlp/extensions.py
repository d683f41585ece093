"""Custom attributes the components write on the Doc and its Spans.

Each component fills one span group (doc.spans[NAME]) and sets the matching
Span attribute holding the contract object for that span:

    doc.spans["actors"]   span._.actor   -> model.Actor     (persons too: kind "person")
    doc.spans["places"]   span._.location-> model.Location
    doc.spans["times"]    span._.when    -> model.When
    doc.spans["sources"]  span._.source  -> model.Source
    doc._.published       datetime.date | None, set before the pipeline runs
    doc._.frames          list[Frame]: attribution frames (who says so, over which characters)
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..model import Source

SPAN_ATTRS = ("actor", "location", "when", "source")


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
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    if not Doc.has_extension("frames"):
        Doc.set_extension("frames", default=None)


register()
