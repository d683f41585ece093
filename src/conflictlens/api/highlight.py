"""Marked text: character spans of a document turned into segments a template can show.

Pages highlight mentions, event roles and triggers the way displaCy does. Spans are
offsets into the document text; a span that does not fit the text it is laid on, or
that overlaps one already placed, is left out rather than drawn wrong. Segments carry
plain text only: the template escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str                     # css class suffix: actor, place, time, source, person, quantity, trigger
    label: str                    # the small label after the words (ACTOR1, PLACE, ...)
    href: Optional[str] = None
    title: Optional[str] = None   # tooltip: what the words were linked or resolved to
    expect: Optional[str] = None  # the words the span should cover, when known: a mismatch drops the mark


@dataclass(frozen=True)
class Segment:
    text: str
    mark: Optional[Mark] = None


def segments(text: str, marks: Iterable[Mark], offset: int = 0) -> list[Segment]:
    """Split `text` (which starts at document offset `offset`) into plain and marked segments.

    Longer spans win over the spans they overlap; marks outside the text, or over other
    words than they expect (a span of another document), are dropped.
    """
    placed: list[Mark] = []
    usable = []
    for mark in marks:
        start, end = mark.start - offset, mark.end - offset
        if 0 <= start < end <= len(text) and (mark.expect is None or _same(text[start:end], mark.expect)):
            usable.append((start, end, mark))
    usable.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    taken: list[tuple[int, int]] = []
    for start, end, mark in usable:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        placed.append(Mark(start, end, mark.kind, mark.label, mark.href, mark.title))
    placed.sort(key=lambda m: m.start)
    out: list[Segment] = []
    cursor = 0
    for mark in placed:
        if mark.start > cursor:
            out.append(Segment(text[cursor:mark.start]))
        out.append(Segment(text[mark.start:mark.end], mark))
        cursor = mark.end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _span(value) -> Optional[tuple[int, int]]:
    """A [start, end] pair from a contract object dict (Actor/Location/When/Source span)."""
    if not isinstance(value, dict):
        return None
    span = value.get("span")
    if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span):
        return span[0], span[1]
    return None


def actor_href(actor: dict) -> Optional[str]:
    return f"/actors/{actor['kb_id']}" if actor.get("kb_id") else None


def event_marks(event: dict) -> list[Mark]:
    """The roles of one contract Event (trigger, actors, place, time, sources) as marks."""
    marks: list[Mark] = []
    trigger = event.get("trigger") or {}
    if isinstance(trigger.get("start"), int) and isinstance(trigger.get("end"), int):
        marks.append(Mark(trigger["start"], trigger["end"], "trigger", event.get("sub_event_type") or "EVENT",
                          title=f"{event.get('event_type')} / {event.get('sub_event_type')}",
                          expect=trigger.get("text")))
    roles = [("actor1", "ACTOR1"), ("actor2", "ACTOR2"), ("claimed_by", "CLAIMED BY")]
    for key, label in roles:
        actor = event.get(key)
        if span := _span(actor):
            marks.append(Mark(*span, "actor", label, actor_href(actor), actor.get("kb_id") or actor.get("name"),
                              actor.get("text")))
    for key, label in (("assoc_actor1", "ASSOC1"), ("assoc_actor2", "ASSOC2")):
        for actor in event.get(key) or []:
            if span := _span(actor):
                marks.append(Mark(*span, "actor", label, actor_href(actor), actor.get("kb_id") or actor.get("name"),
                                  actor.get("text")))
    location = event.get("location")
    if span := _span(location):
        marks.append(Mark(*span, "place", "PLACE", None,
                          f"{location.get('name')} ({location.get('country') or '?'}) "
                          f"{location.get('lat'):.4f}, {location.get('lon'):.4f}", location.get("text")))
    when = event.get("date")
    if span := _span(when):
        marks.append(Mark(*span, "time", "TIME", None, str(when.get("date") or when.get("earliest") or ""),
                          when.get("text")))
    for source in event.get("attribution") or []:
        if span := _span(source):
            marks.append(Mark(*span, "source", "SOURCE", None, f"{source.get('kind')}: {source.get('verb') or ''}"))
    return marks


def evidence_segments(event: dict) -> list[Segment]:
    """The event's source sentence with its roles marked."""
    evidence = event.get("evidence") or {}
    text = evidence.get("text") or ""
    return segments(text, event_marks(event), offset=evidence.get("start") or 0)


def mention_marks(mentions: Iterable[dict], event_links: dict[tuple[int, int], str] | None = None) -> list[Mark]:
    """Every mention of an extraction as a mark, linked where it points somewhere."""
    marks = []
    for mention in mentions:
        span = mention.get("span")
        if not span:
            continue
        kind = mention.get("kind", "other")
        href, title = None, mention.get("kb_id")
        if kind in ("actor", "person") and mention.get("kb_id"):
            href = f"/actors/{mention['kb_id']}"
        elif kind == "place" and mention.get("location"):
            loc = mention["location"]
            href = f"/?near={loc['lat']:.4f},{loc['lon']:.4f},50"
            title = f"{loc.get('name')} ({loc.get('country') or '?'})"
        elif kind == "time" and mention.get("when"):
            when = mention["when"]
            title = f"{when.get('date') or ''} [{when.get('earliest')} .. {when.get('latest')}] {when.get('precision')}"
        marks.append(Mark(span[0], span[1], kind, kind.upper(), href, title, mention.get("text")))
    for (start, end), href in (event_links or {}).items():
        marks.append(Mark(start, end, "trigger", "EVENT", href, "open the event"))
    return marks
