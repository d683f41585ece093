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
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span

from ..model import Source
from .tokentable import token_table

SPAN_ATTRS = ("actor", "location", "when", "source")
GROUP_ATTR = {"actors": "actor", "places": "location", "times": "when", "sources": "source"}
DOC_ATTRS = ("published", "frames", "events", "tallies", "statements", "relations", "flags")


@dataclass
class Frame:
    """A reporting frame: `source` vouches for the text between start and end (character offsets)."""

    source: Source
    start: int
    end: int
    depth: int = 0


class Marked:
    """One span of a span group as plain values: token bounds, character offsets, text, and the contract
    object of its attribute (None where unset). No Span, so nothing that holds the Doc."""

    __slots__ = ("start", "end", "start_char", "end_char", "text", "value")

    def __init__(self, start: int, end: int, start_char: int, end_char: int, text: str, value: Any):
        self.start, self.end, self.start_char, self.end_char, self.text, self.value = start, end, start_char, end_char, text, value

    # the value under its attribute's name, as the rules say it (an "actors" span's .actor, ...)
    actor = property(lambda self: self.value, doc="span._.actor of an actors span")
    location = property(lambda self: self.value, doc="span._.location of a places span")
    when = property(lambda self: self.value, doc="span._.when of a times span")
    source = property(lambda self: self.value, doc="span._.source of a sources span")


def actor_mentions(doc: Doc) -> list[Marked]:
    """The actor mentions that have an actor, in the group's order (shared by the rule components)."""
    return [m for m in marked(doc, "actors") if m.value is not None]


_MARKED_KEY = "conflictlens.extensions.marked"


def marked(doc: Doc, group: str) -> list[Marked]:
    """The spans of a span group, in the group's order, with the values of their attribute (GROUP_ATTR),
    read once per Doc and shared by the components after the one that fills the group.

    The rules look at each span many times: each Span made from a group makes Token objects for its text,
    and each `span._.x` builds an Underscore object. Values are read where spaCy's Underscore keeps them
    for an extension with a plain default (doc.user_data[("._.", name, start_char, end_char)]) when this
    spaCy keeps them there (`_underscore_keys_known`), else through `span._`. Kept in
    doc.user_data for as long as the group is the same object of the same length (components that set a
    group replace it).
    """
    spans = doc.spans.get(group)
    if spans is None:
        return []
    cache = doc.user_data.setdefault(_MARKED_KEY, {})
    held = cache.get(group)
    if held is None or held[0] is not spans or held[1] != len(spans):
        attr, text, user_data = GROUP_ATTR[group], token_table(doc).doc_text, doc.user_data
        default, method, getter, _ = Span.get_extension(attr)
        stored = default is None and method is None and getter is None and _underscore_keys_known()
        values = []
        for span in spans:
            start_char, end_char = span.start_char, span.end_char
            value = user_data.get(("._.", attr, start_char, end_char)) if stored else getattr(span._, attr)
            values.append(Marked(span.start, span.end, start_char, end_char, text[start_char:end_char], value))
        held = cache[group] = (spans, len(spans), values)
    return held[2]


@lru_cache(maxsize=None)
def _underscore_keys_known() -> bool:
    """Whether this spaCy keeps a Span's plain extension values under ("._.", name, start_char, end_char)
    in doc.user_data, as spaCy 3 does: `marked` reads them there, and falls back to `span._` otherwise."""
    from spacy.vocab import Vocab

    doc = Doc(Vocab(), words=["a", "b"])
    marker = object()
    doc[0:2]._.actor = marker
    return doc.user_data.get(("._.", "actor", 0, doc[0:2].end_char)) is marker


def register() -> None:
    """Declare the extensions once per process (idempotent)."""
    for name in SPAN_ATTRS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for name in DOC_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register()
