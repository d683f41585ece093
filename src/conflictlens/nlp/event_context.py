"""Where and when an event happened, from the places and times the earlier components found.

Location: the most specific place of the trigger's clause, then of its sentence, then of the
sentences before it in the paragraph, then the dateline, then the article's country; places that
belong to a source ("an official in Douentza told") or the dateline are not the event's place.
Date: a time of the sentence that dates the event; a time tied to a reporting verb ("said on
Tuesday") only bounds it from above (precision "range"); with none, the publication day is the
latest possible day and the earliest stays open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span

from ..model import Location, When
from .rulekit import lower_words

DATELINE_MARKS = frozenset({"–", "—", "-", "(", "--"})
RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which"})
EVENT_PRECISIONS = frozenset({"day", "week", "month"})
LONG_RANGE_DAYS = 31
JOINERS = frozenset({"and", "to", "through", "until", "till", "into", "-", "–"})


@dataclass
class DocPlaces:
    """The Doc's place and time spans, split into the ones that can locate or date events."""

    places: list[Span]
    times: list[Span]
    dateline_end: int  # character offset where the dateline ends (0 when there is none)
    dateline_place: Optional[Location]
    country: Optional[str]
    report_verbs: frozenset[str]
    main_country: Optional[str] = None  # the country most places of the article are in

    @classmethod
    def of(cls, doc: Doc, report_verbs: frozenset[str]) -> "DocPlaces":
        blocked = [(s.start_char, s.end_char) for s in doc.spans.get("sources", [])]
        blocked += [(s.start_char, s.end_char) for s in doc.spans.get("actors", [])
                    if s._.actor is not None and s._.actor.kind not in ("state",)]
        dateline_end = 0
        first_tokens = doc[:12]
        for tok in first_tokens:
            spaced = tok.i > 0 and bool(doc[tok.i - 1].whitespace_) and bool(tok.whitespace_)  # not "Al-Shabaab"
            if spaced and (tok.text in ("–", "—", "--") or (tok.text == "-" and tok.i > 1)):
                dateline_end = tok.idx + 1
                break
        places, dateline_place = [], None
        for span in doc.spans.get("places", []):
            loc = span._.location
            if loc is None:
                continue
            if span.start_char < dateline_end:
                dateline_place = dateline_place or loc
                continue
            if any(s <= span.start_char < e for s, e in blocked) or span.text.islower():
                continue
            places.append(span)
        counts = Counter(s._.location.country for s in places if s._.location.country)
        country = (dateline_place.country if dateline_place and dateline_place.country else None)
        if counts:
            country = counts.most_common(1)[0][0] if not country else country
        times = [s for s in doc.spans.get("times", []) if s._.when is not None and s.start_char >= dateline_end]
        main = counts.most_common(1)[0][0] if counts else None
        return cls(places, times, dateline_end, dateline_place, country, report_verbs, main)

    def _reported(self, doc: Doc, start: int) -> bool:
        """A reporting verb among the few words before token `start` ("said on Tuesday", "told reporters in X on Monday")."""
        j, lowers = start - 1, lower_words(doc)
        while j >= 0 and start - j <= 5 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace():
            if lowers[j] in self.report_verbs:
                return True
            j -= 1
        return False

    def best_place(self, start: int, end: int, anchor: int) -> Optional[Span]:
        """The most specific place between character offsets start and end. Ties go to places in the
        article's main country, then to the one closest to the anchor (places after it slightly
        preferred). Left out: places in a relative clause ("survivors who fled to Dori"), a
        neighbour named as a border ("the border with Niger") and an appositive "west of X" that
        only situates the place before it ("Zawiya, west of Tripoli")."""
        inside = [s for s in self.places if start <= s.start_char and s.end_char <= end and not self._aside(s)]
        if not inside:
            return None
        inside = [s for s in inside if not self._appositive(s, inside)]

        def rank(span: Span):
            loc = span._.location
            tier = 0 if loc.precision in (1, 2) else 1
            foreign = 0 if (self.main_country is None or loc.country == self.main_country) else 1
            distance = span.start_char - anchor
            return (tier, foreign, abs(distance) * (1 if distance >= 0 else 1.5))

        return min(inside, key=rank)

    def _aside(self, place: Span) -> bool:
        doc = place.doc
        j = place.start - 1
        words, lowers = [], lower_words(doc)
        while j >= 0 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace() and place.start - j <= 8:
            words.append(lowers[j])
            j -= 1
        if set(words) & RELATIVE_WORDS:
            return True
        return words[:2] == ["with", "border"] or words[:2] == ["of", "border"]

    @staticmethod
    def _appositive(place: Span, others: list[Span]) -> bool:
        if place._.location.precision != 2:
            return False
        doc = place.doc
        for other in others:
            if other is place or other._.location.precision != 1 or other.end_char > place.start_char:
                continue
            between = doc.text[other.end_char:place.start_char].strip()
            if between.startswith(",") and len(between.split()) <= 5:
                return True
        return False

    def event_time(self, doc: Doc, start: int, end: int, anchor: int = 0) -> tuple[Optional[When], Optional[When]]:
        """(event time, report time) among the times between character offsets start and end; the
        event time closest to the trigger at `anchor` wins ("in Wad Madani, which the RSF seized in
        December, fighters looted shops over the weekend")."""
        event, report = None, None
        for span in sorted(self.times, key=lambda s: abs(s.start_char - anchor)):
            if not (start <= span.start_char and span.end_char <= end):
                continue
            when: When = span._.when
            if when.latest is None:
                continue
            if when.earliest and when.latest and (when.latest - when.earliest).days > LONG_RANGE_DAYS:
                continue
            if self._relative_aside(doc, span, anchor):
                continue  # "in Wad Madani, which the RSF seized in December, fighters looted shops"
            k = span.end
            after = doc[k].lower_ if k < len(doc) else ""
            if self._reported(doc, span.start) or after in self.report_verbs:
                report = report or when
                continue
            if event is None:
                event = self._joined(doc, span, when, start, end)
        return event, report

    @staticmethod
    def _relative_aside(doc: Doc, span: Span, anchor: int) -> bool:
        """The time sits in a relative clause set off by commas ("which the RSF seized in December") that
        does not hold the trigger at character `anchor`."""
        j, words, lowers = span.start - 1, [], lower_words(doc)
        while j >= 0 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace() and span.start - j <= 10:
            words.append(lowers[j])
            j -= 1
        if not set(words) & RELATIVE_WORDS:
            return False
        k = span.end
        while k < len(doc) and lowers[k] not in (",", ";", ".") and not lowers[k].isspace():
            k += 1
        lo = doc[j + 1].idx if j + 1 < len(doc) else 0
        hi = doc[k - 1].idx + len(doc[k - 1]) if k > 0 else 0
        return not (lo <= anchor < hi)

    def _joined(self, doc: Doc, span: Span, when: When, start: int, end: int) -> When:
        """"on Sunday and Monday", "from Friday to Sunday": two times joined by a connector are one stretch."""
        for other in self.times:
            if other is span or not (start <= other.start_char and other.end_char <= end) or other._.when is None:
                continue
            first, second = (span, other) if span.start < other.start else (other, span)
            between = [t.lower_ for t in doc[first.end:second.start]]
            if 1 <= len(between) <= 2 and between[-1] in JOINERS and all(w in JOINERS | {"on", "the"} for w in between):
                a, b = first._.when, second._.when
                lo, hi = a.earliest or a.latest, b.latest
                if lo and hi and lo < hi and (hi - lo).days <= LONG_RANGE_DAYS:
                    return When(text=doc.text[first.start_char:second.end_char], span=(first.start_char, second.end_char),
                                earliest=lo, latest=hi, precision="range")
        return when


def location_of(place: Span) -> Location:
    loc: Location = place._.location
    return loc.model_copy(update={"text": place.text, "span": (place.start_char, place.end_char)})


def date_for(event_when: Optional[When], report_when: Optional[When], published: Optional[dt.date]) -> tuple[When, str]:
    """The event's When and how it was found (sentence, report, publication, none)."""
    if event_when is not None:
        return event_when, "sentence"
    if report_when is not None:
        return When(text=report_when.text, span=report_when.span, latest=report_when.latest, precision="range"), "report"
    if published is not None:
        return When(latest=published, precision="range"), "publication"
    return When(), "none"
