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

from spacy.tokens import Doc

from ..model import Location, When
from .extensions import Marked
from .tokentable import TokenTable

DATELINE_MARKS = frozenset({"–", "—", "-", "(", "--"})
RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which"})
PROGRESSIVE_AUXILIARIES = frozenset({"was", "were"})
DESTINATION_WORDS = frozenset({"to", "towards", "toward", "into"})
EVENT_PRECISIONS = frozenset({"day", "week", "month"})
LONG_RANGE_DAYS = 31
JOINERS = frozenset({"and", "to", "through", "until", "till", "into", "-", "–"})


def _spaced(table: TokenTable, i: int) -> bool:
    """Whether whitespace follows token i (spaCy's `token.whitespace_`)."""
    following = table.idx[i + 1] if i + 1 < len(table) else len(table.doc_text)
    return table.char_end(i) < following


@dataclass
class DocPlaces:
    """The Doc's place and time spans, split into the ones that can locate or date events."""

    places: list[Marked]
    times: list[Marked]
    dateline_end: int  # character offset where the dateline ends (0 when there is none)
    dateline_place: Optional[Location]
    country: Optional[str]
    report_verbs: frozenset[str]
    main_country: Optional[str] = None  # the country most places of the article are in
    table: Optional[TokenTable] = None  # the Doc's words and offsets

    def __post_init__(self) -> None:
        self.open_places = [s for s in self.places if not self._aside(s)]  # the places that can be an event's
        self._facts: dict[tuple[int, int], tuple[Optional[tuple[int, int]], bool]] = {}  # _time_facts by span bounds

    @classmethod
    def of(cls, table: TokenTable, actors: list[Marked], places: list[Marked], times: list[Marked],
           sources: list[Marked], report_verbs: frozenset[str]) -> "DocPlaces":
        """From the Doc's span groups (extensions.marked: actors with .actor, places with .location, times with .when)."""
        # the tokens of sources and of actors other than states (a place starting there is theirs)
        blocked = {i for s in sources for i in range(s.start, s.end)}
        blocked.update(i for s in actors if s.actor is not None and s.actor.kind not in ("state",) for i in range(s.start, s.end))
        dateline_end = 0
        for i in range(min(12, len(table))):
            spaced = i > 0 and _spaced(table, i - 1) and _spaced(table, i)  # not "Al-Shabaab"
            word = table.text[i]
            if spaced and (word in ("–", "—", "--") or (word == "-" and i > 1)):
                dateline_end = table.idx[i] + 1
                break
        kept, dateline_place = [], None
        for span in places:
            loc = span.location
            if loc is None:
                continue
            if span.start_char < dateline_end:
                dateline_place = dateline_place or loc
                continue
            if span.start in blocked or span.text.islower():
                continue
            kept.append(span)
        counts = Counter(s.location.country for s in kept if s.location.country)
        country = (dateline_place.country if dateline_place and dateline_place.country else None)
        if counts:
            country = counts.most_common(1)[0][0] if not country else country
        dated = [s for s in times if s.when is not None and s.start_char >= dateline_end]
        main = counts.most_common(1)[0][0] if counts else None
        return cls(kept, dated, dateline_end, dateline_place, country, report_verbs, main, table)

    def _reported(self, start: int) -> bool:
        """A reporting verb among the few words before token `start` ("said on Tuesday", "told reporters in X on Monday")."""
        j, lowers = start - 1, self.table.lower
        while j >= 0 and start - j <= 5 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace():
            if lowers[j] in self.report_verbs:
                return True
            j -= 1
        return False

    def best_place(self, start: int, end: int, anchor: int) -> Optional[Marked]:
        """The most specific place between character offsets start and end. Ties go to places in the
        article's main country, then to the one closest to the anchor (places after it slightly
        preferred). Left out: places in a relative clause ("survivors who fled to Dori"; but not "women
        who were collecting firewood near X", where the victims were when it happened), a neighbour
        named as a border ("the border with Niger") and an appositive "west of X" that only situates
        the place before it ("Zawiya, west of Tripoli")."""
        inside = [s for s in self.open_places if start <= s.start_char and s.end_char <= end]
        if not inside:
            return None
        inside = [s for s in inside if not self._appositive(s, inside)]

        def rank(span: Marked):
            loc = span.location
            tier = 0 if loc.precision in (1, 2) else 1
            foreign = 0 if (self.main_country is None or loc.country == self.main_country) else 1
            distance = span.start_char - anchor
            return (tier, foreign, abs(distance) * (1 if distance >= 0 else 1.5))

        return min(inside, key=rank)

    def _aside(self, place: Marked) -> bool:
        j = place.start - 1
        words, lowers = [], self.table.lower
        while j >= 0 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace() and place.start - j <= 8:
            words.append(lowers[j])
            j -= 1
        relative = next((k for k, w in enumerate(words) if w in RELATIVE_WORDS), None)
        if relative is not None:
            heading = bool(set(words[:2]) & DESTINATION_WORDS)  # "who were travelling to X": not there yet
            return heading or not self._progressive(words[:relative][::-1])
        return words[:2] == ["with", "border"] or words[:2] == ["of", "border"]

    @staticmethod
    def _progressive(clause: list[str]) -> bool:
        """The words after a relative pronoun start "were/was (still) <verb>-ing" ("women who were collecting
        firewood outside X"): what the people were doing when it happened, so its place is the event's."""
        rest = [w for w in clause if w != "still"]
        return len(rest) >= 2 and rest[0] in PROGRESSIVE_AUXILIARIES and rest[1].endswith("ing") and len(rest[1]) > 4

    def _appositive(self, place: Marked, others: list[Marked]) -> bool:
        if place.location.precision != 2:
            return False
        for other in others:
            if other is place or other.location.precision != 1 or other.end_char > place.start_char:
                continue
            between = self.table.doc_text[other.end_char:place.start_char].strip()
            if between.startswith(",") and len(between.split()) <= 5:
                return True
        return False

    def event_time(self, start: int, end: int, anchor: int = 0) -> tuple[Optional[When], Optional[When]]:
        """(event time, report time) among the times between character offsets start and end; the
        event time closest to the trigger at `anchor` wins ("in Wad Madani, which the RSF seized in
        December, fighters looted shops over the weekend")."""
        event, report = None, None
        inside = [s for s in self.times if start <= s.start_char and s.end_char <= end]
        for span in sorted(inside, key=lambda s: abs(s.start_char - anchor)):
            when: When = span.when
            if when.latest is None:
                continue
            if when.earliest and when.latest and (when.latest - when.earliest).days > LONG_RANGE_DAYS:
                continue
            aside, reported = self._time_facts(span)
            if aside is not None and not (aside[0] <= anchor < aside[1]):
                continue  # "in Wad Madani, which the RSF seized in December, fighters looted shops"
            if reported:
                report = report or when
                continue
            if event is None:
                event = self._joined(span, when, start, end)
        return event, report

    def _time_facts(self, span: Marked) -> tuple[Optional[tuple[int, int]], bool]:
        """What event_time asks of a time span, found once per span: the character bounds of the relative
        clause it sits in (None when it sits in none), and whether it dates a report ("said on Tuesday",
        "Tuesday, officials said")."""
        facts = self._facts.get((span.start, span.end))
        if facts is None:
            k, lowers = span.end, self.table.lower
            after = lowers[k] if k < len(lowers) else ""
            facts = self._facts[(span.start, span.end)] = (
                self._relative_clause(span), self._reported(span.start) or after in self.report_verbs)
        return facts

    def _relative_clause(self, span: Marked) -> Optional[tuple[int, int]]:
        """The character bounds of the relative clause set off by commas that holds the time ("which the
        RSF seized in December"), or None; a time there dates no trigger outside those bounds."""
        table = self.table
        j, words, lowers = span.start - 1, [], table.lower
        while j >= 0 and lowers[j] not in (",", ";", ".") and not lowers[j].isspace() and span.start - j <= 10:
            words.append(lowers[j])
            j -= 1
        if not set(words) & RELATIVE_WORDS:
            return None
        k = span.end
        while k < len(lowers) and lowers[k] not in (",", ";", ".") and not lowers[k].isspace():
            k += 1
        lo = table.idx[j + 1] if j + 1 < len(lowers) else 0
        hi = table.char_end(k - 1) if k > 0 else 0
        return lo, hi

    def _joined(self, span: Marked, when: When, start: int, end: int) -> When:
        """"on Sunday and Monday", "from Friday to Sunday": two times joined by a connector are one stretch."""
        for other in self.times:
            if other is span or not (start <= other.start_char and other.end_char <= end) or other.when is None:
                continue
            first, second = (span, other) if span.start < other.start else (other, span)
            between = self.table.lower[first.end:second.start]
            if 1 <= len(between) <= 2 and between[-1] in JOINERS and all(w in JOINERS | {"on", "the"} for w in between):
                a, b = first.when, second.when
                lo, hi = a.earliest or a.latest, b.latest
                if lo and hi and lo < hi and (hi - lo).days <= LONG_RANGE_DAYS:
                    return When(text=self.table.doc_text[first.start_char:second.end_char],
                                span=(first.start_char, second.end_char), earliest=lo, latest=hi, precision="range")
        return when


def location_of(place: Marked) -> Location:
    return place.location.model_copy(update={"text": place.text, "span": (place.start_char, place.end_char)})


def date_for(event_when: Optional[When], report_when: Optional[When], published: Optional[dt.date]) -> tuple[When, str]:
    """The event's When and how it was found (sentence, report, publication, none)."""
    if event_when is not None:
        return event_when, "sentence"
    if report_when is not None:
        return When(text=report_when.text, span=report_when.span, latest=report_when.latest, precision="range"), "report"
    if published is not None:
        return When(latest=published, precision="range"), "publication"
    return When(), "none"
