"""Pipeline component `conflictlens_times`: time expressions resolved against the publication day.

The grammar (nlp/timegrammar.py) finds the words; this module does the date arithmetic.
Each expression becomes a span in doc.spans["times"] whose `span._.when` is a model.When
with an earliest/latest window and a precision (docs/time-expressions.md). Relative
expressions need doc._.published; without it they stay unresolved ("unknown"), because a
guess from today's date would be wrong for every archived article.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import When
from . import extensions  # noqa: F401  (declares span._.when and doc._.published)
from .timegrammar import TIME_OF_DAY, Lexicon, Words, family_specs, get_grammar, is_name_at, load_lexicon
from .tokentable import TokenTable, token_table

log = logging.getLogger(__name__)

SPAN_GROUP = "times"
DAY = dt.timedelta(days=1)
# Families whose leading preposition only licenses the match ("in 2014") and is not part of the span.
LICENSED_BY_PREPOSITION = {"MONTH_BARE", "YEAR", "SEASON"}
# Families that name one day: a time of day next to them ("at 3 p.m.") joins their span.
ONE_DAY = {"DATE_FULL", "DATE_DM", "WEEKDAY", "RELDAY"}
# "between X and Y", "from X to Y": the words that may join X and Y after each opener.
RANGE_OPENERS = {"between": {"and"}, "from": {"to", "until", "till", "through"}}
RANGE_JOINERS = {"and", "to", "until", "till", "through", "-"}


# --- calendar arithmetic ----------------------------------------------------------------------------------

def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative), clamped to the month's end (29 Feb -> 28 Feb)."""
    year, index = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, index + 1, min(day.day, month_end(year, index + 1)))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.isoweekday() - weekday) % 7)


def weekday_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.isoweekday() - 1) % 7 + 1)


def recent_month_year(published: dt.date, month: int) -> int:
    """Year of the most recent `month` that began on or before publication."""
    return published.year if month <= published.month else published.year - 1


def recent_day(published: dt.date, month: int, day: int) -> Optional[dt.date]:
    """The most recent `day` `month` on or before publication (29 February: the last leap year's)."""
    for year in range(published.year, published.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def months_window(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    """From the 1st of `first` to the end of `last`; a `last` before `first` lies in the next year (winter)."""
    end_year = year + 1 if last < first else year
    return dt.date(year, first, 1), dt.date(end_year, last, month_end(end_year, last))


def period_window(published: dt.date, unit: str, rel: int) -> tuple[dt.date, dt.date]:
    """The calendar week (Mon-Sun), month or year `rel` periods from the one holding publication."""
    if unit == "week":
        start = week_start(published) + dt.timedelta(weeks=rel)
        return start, start + dt.timedelta(days=6)
    if unit == "month":
        start = add_months(published.replace(day=1), rel)
        return start, start.replace(day=month_end(start.year, start.month))
    year = published.year + rel
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def step_back(published: dt.date, count: int, unit: str) -> dt.date:
    """`count` units before publication."""
    if unit == "hour":
        return published - dt.timedelta(days=math.ceil(count / 24))
    if unit == "day":
        return published - dt.timedelta(days=count)
    if unit == "week":
        return published - dt.timedelta(weeks=count)
    if unit == "month":
        return add_months(published, -count)
    return add_months(published, -12 * count)


# --- resolution -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """What a time expression resolved to; `roll` says how an inferred anchor may move ("week" or "year")."""

    earliest: Optional[dt.date] = None
    latest: Optional[dt.date] = None
    precision: str = "unknown"
    day: Optional[dt.date] = None
    roll: Optional[str] = None


UNKNOWN = Window()


def _day(day: dt.date, roll: Optional[str] = None) -> Window:
    return Window(day, day, "day", day, roll)


def _third(lex: Lexicon, unit: str, part: int) -> tuple[int, int]:
    return lex.thirds[unit][part]


def _month_part(year: int, month: int, part: int, lex: Lexicon) -> tuple[dt.date, dt.date]:
    first, last = _third(lex, "month", part)
    end = month_end(year, month)
    return dt.date(year, month, min(first, end)), dt.date(year, month, min(last, end))


def _sub_period(start: dt.date, end: dt.date, unit: str, part: int, lex: Lexicon) -> tuple[dt.date, dt.date]:
    """One third of a calendar period (early/mid/late week, month or year)."""
    first, last = _third(lex, unit, part)
    if unit == "week":
        return start + dt.timedelta(days=first - 1), start + dt.timedelta(days=last - 1)
    if unit == "month":
        return _month_part(start.year, start.month, part, lex)
    return months_window(start.year, first, last)


def _season(words: Words, published: Optional[dt.date], lex: Lexicon) -> Optional[Window]:
    first, last = lex.seasons[words.season]
    if words.year is not None:
        return Window(*months_window(words.year, first, last), "range")
    if published is None:
        return UNKNOWN
    instances = [months_window(year, first, last) for year in range(published.year + 1, published.year - 3, -1)]
    if words.rel == -1:
        chosen = next(w for w in instances if w[1] < published)
    elif words.rel == 1:
        chosen = next(w for w in reversed(instances) if w[0] > published)
    elif words.rel == 0:
        chosen = next((w for w in instances if w[0] <= published <= w[1]), months_window(published.year, first, last))
    else:
        chosen = next(w for w in instances if w[0] <= published)
    return Window(*chosen, "range", roll="year")


def _ago(words: Words, published: dt.date) -> Window:
    low, high = words.count or (1, 1)
    unit = words.unit
    if low != high:
        return Window(step_back(published, high, unit), step_back(published, low, unit), "range")
    if unit == "hour":
        return _day(published - dt.timedelta(days=low // 24))
    centre = step_back(published, low, unit)
    if unit == "day":
        return _day(centre)
    half, precision = {"week": (3, "week"), "month": (15, "month"), "year": (182, "year")}[unit]
    return Window(centre - dt.timedelta(days=half), min(centre + dt.timedelta(days=half), published), precision)


def _weekday(words: Words, published: dt.date) -> Window:
    if words.rel == -1:
        day = weekday_on_or_before(published - DAY, words.weekday)
    elif words.rel == 0:
        day = week_start(published) + dt.timedelta(days=words.weekday - 1)
    elif words.rel == 1:
        day = weekday_after(published, words.weekday)
    else:
        day = weekday_on_or_before(published, words.weekday)
    return _day(day, roll="week")


def _weekend(words: Words, published: dt.date) -> Window:
    monday = week_start(published)
    if words.rel is None:
        saturday = monday + dt.timedelta(days=5) if published.isoweekday() >= 6 else monday - 2 * DAY
    else:
        saturday = monday + dt.timedelta(days=5 + 7 * words.rel) if words.rel >= 0 else monday - 2 * DAY
    return Window(saturday, saturday + DAY, "range")  # two days, not a calendar unit


def _period_part(words: Words, published: dt.date, lex: Lexicon) -> Window:
    unit = words.unit
    start, end = period_window(published, unit, words.rel or 0)
    if words.edge == -1:
        return Window(start, max(start, min(end, published - DAY)), unit)
    if words.edge == 1:
        return Window(min(end, max(start, published + DAY)), end, unit)
    return Window(*_sub_period(start, end, unit, words.part or 0, lex), unit)


def _month_year(words: Words, published: Optional[dt.date]) -> tuple[Optional[int], Optional[str]]:
    """The year of a month: written, or the most recent such month (then it may roll back a year)."""
    if words.year is not None:
        return words.year, None
    if published is None:
        return None, None
    return recent_month_year(published, words.month), "year"


def resolve(family: str, words: Words, published: Optional[dt.date], text: str = "") -> Optional[Window]:
    """Dates of one expression of a grammar family; None when the words are no valid date (31 February)."""
    lex = load_lexicon()
    try:
        if family == "DATE_FULL":
            if words.month is None:
                return _day(dt.date.fromisoformat(text.replace(" ", "")))
            return _day(dt.date(words.year, words.month, words.day))
        if family == "MONTH_YEAR":
            return Window(*months_window(words.year, words.month, words.month), "month")
        if family == "YEAR":
            return Window(dt.date(words.year, 1, 1), dt.date(words.year, 12, 31), "year")
        if family == "YEAR_PART":
            return Window(*months_window(words.year, *_third(lex, "year", words.part or 0)), "year")
        if family == "SEASON":
            return _season(words, published, lex)
        if family in ("MONTH_PART", "WEEK_OF_MONTH"):
            year, roll = _month_year(words, published)
            if year is None:
                return UNKNOWN
            if family == "MONTH_PART":
                return Window(*_month_part(year, words.month, words.part or 0, lex), "month", roll=roll)
            end = month_end(year, words.month)
            first = end - 6 if words.ordinal == -1 else 7 * (words.ordinal - 1) + 1
            return Window(dt.date(year, words.month, first), dt.date(year, words.month, min(first + 6, end)),
                          "week", roll=roll)
        if published is None:
            return UNKNOWN  # every family below counts from the publication day
        if family == "DATE_DM":
            day = recent_day(published, words.month, words.day)
            return _day(day, roll="year") if day else None
        if family == "MONTH_BARE":
            year = recent_month_year(published, words.month)
            return Window(*months_window(year, words.month, words.month), "month", roll="year")
        if family == "MONTH_REL":
            year = {-1: published.year - (words.month >= published.month), 0: published.year,
                    1: published.year + (words.month <= published.month)}[words.rel]
            return Window(*months_window(year, words.month, words.month), "month")
        if family == "MONTH_REL_YEAR":
            return Window(*months_window(published.year + words.rel, words.month, words.month), "month")
        if family == "PERIOD_REL":
            return Window(*period_window(published, words.unit, words.rel), words.unit)
        if family == "PERIOD_PART":
            return _period_part(words, published, lex)
        if family == "WEEKEND":
            return _weekend(words, published)
        if family == "WEEKDAY":
            return _weekday(words, published)
        if family == "RELDAY":
            return _day(published + dt.timedelta(days=words.day_offset))
        if family in ("PAST_N", "NEXT_N") and words.count is None and words.unit in ("day", "hour"):
            return None  # "the next day", "the last day": counted from the story's day, not publication
        if family == "PAST_N":
            high = (words.count or (1, 1))[1]
            return Window(step_back(published, high, words.unit), published, "range")
        if family == "NEXT_N":
            high = (words.count or (1, 1))[1]
            ahead = published - step_back(published, high, words.unit)
            return Window(published, published + ahead, "range")
        if family == "AGO":
            return _ago(words, published)
        if family == "VAGUE":
            if words.vague_past is not None:
                return Window(published - dt.timedelta(days=words.vague_past), published, "range")
            return Window(published, published + dt.timedelta(days=words.vague_future), "range")
    except (ValueError, TypeError, KeyError, StopIteration) as exc:
        log.debug("time expression %r (%s) does not resolve: %s", text, family, exc)
        return None
    raise ValueError(f"unknown time family {family!r}")


# --- from matches to readings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """One resolved time expression over tokens [start, end)."""

    start: int
    end: int
    family: str
    window: Optional[Window]  # None: words of a date that does not exist ("31 April"); they still block shorter reads


def _select(candidates: list[Reading], order: dict[str, int]) -> list[Reading]:
    """Longest match wins; ties go to the earlier start, then to the family declared first."""
    chosen: list[Reading] = []
    taken: set[int] = set()  # tokens of the chosen readings
    for cand in sorted(candidates, key=lambda r: (r.start - r.end, r.start, order[r.family])):
        if taken.isdisjoint(range(cand.start, cand.end)):
            chosen.append(cand)
            taken.update(range(cand.start, cand.end))
    return sorted(chosen, key=lambda r: r.start)


def _with_clock(table: TokenTable, readings: list[Reading], clocks: list[tuple[int, int]]) -> list[Reading]:
    """Let "at 3 p.m." / "at dawn" next to a day join its span; the date does not change."""
    if not clocks:
        return readings
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for start, end in clocks:  # the longest time of day from each start and to each end
        starts[start] = max(end, starts.get(start, end))
        ends[end] = min(start, ends.get(end, start))
    taken = {i for r in readings for i in range(r.start, r.end)}
    out = []
    for r in readings:
        start, end = r.start, r.end
        if r.family in ONE_DAY:
            gap = 1 if end < len(table) and table.text[end] == "," else 0
            if end + gap in starts and not taken & set(range(end, starts[end + gap])):
                end = starts[end + gap]
            gap = 1 if start > 0 and table.lower[start - 1] == "on" else 0
            if start - gap in ends and not taken & set(range(ends[start - gap], start)):
                start = ends[start - gap]
        out.append(replace(r, start=start, end=end))
    return out


def _join(first: Window, second: Window) -> Window:
    """A range from the start of `first` to the end of `second`, rolling an inferred anchor if it runs backwards."""
    if first.earliest and second.latest and first.earliest > second.latest:
        if first.roll == "week":
            first = replace(first, earliest=first.earliest - dt.timedelta(weeks=1))
        elif first.roll == "year":
            first = replace(first, earliest=add_months(first.earliest, -12))
        elif second.roll == "week":
            second = replace(second, latest=second.latest + dt.timedelta(weeks=1))
        elif second.roll == "year":
            second = replace(second, latest=add_months(second.latest, 12))
    if first.earliest is None or second.latest is None:
        return UNKNOWN
    if first.earliest > second.latest:  # written the wrong way round ("between 2016 and 2014"): cover both
        return Window(min(first.earliest, second.earliest), max(first.latest, second.latest), "range")
    return Window(first.earliest, second.latest, "range")


def _bare_day(table: TokenTable, i: int, reading: Reading) -> Optional[Window]:
    """"20" in "between 20 and 25 December": the other end's month and year with this day number."""
    if not (0 <= i < len(table)) or not table.digit[i] or reading.family not in ("DATE_FULL", "DATE_DM"):
        return None
    if reading.window.day is None:
        return UNKNOWN  # no publication date to place the other end in
    try:
        day = reading.window.day.replace(day=int(table.text[i]))
    except ValueError:
        return None
    return _day(day)


def _ranges(doc: Doc, readings: list[Reading], published: Optional[dt.date]) -> list[Reading]:
    """Range words around readings: since X, until X, between X and Y, from X to Y, X-Y."""
    table = token_table(doc)
    lower = table.lower
    out: list[Reading] = []
    i = 0
    while i < len(readings):
        r = readings[i]
        nxt = readings[i + 1] if i + 1 < len(readings) else None
        before = lower[r.start - 1] if r.start > 0 else ""
        after = lower[r.end] if r.end < len(lower) else ""
        # between/from X and/to Y
        if after in RANGE_OPENERS.get(before, ()):
            if nxt is not None and nxt.start == r.end + 1:
                out.append(Reading(r.start - 1, nxt.end, "RANGE", _join(r.window, nxt.window)))
                i += 2
                continue
            other = _bare_day(table, r.end + 1, r)
            if other is not None and (r.end + 2 >= len(doc) or not doc[r.end + 2].like_num):
                out.append(Reading(r.start - 1, r.end + 2, "RANGE", _join(r.window, other)))
                i += 1
                continue
        # between 20 and 25 December / 20-25 December
        joiner = before
        if joiner in RANGE_JOINERS and r.start >= 2:
            opener = lower[r.start - 3] if r.start >= 3 else ""
            other = _bare_day(table, r.start - 2, r)
            if other is not None and (joiner == "-" or joiner in RANGE_OPENERS.get(opener, ())):
                begin = r.start - 2 if joiner == "-" else r.start - 3
                if not out or out[-1].end <= begin:
                    out.append(Reading(begin, r.end, "RANGE", _join(other, r.window)))
                    i += 1
                    continue
        if before == "since" and not (published and r.window.earliest and r.window.earliest > published):
            w = r.window
            window = Window(w.earliest, published, "range") if w.earliest else UNKNOWN
            out.append(Reading(r.start - 1, r.end, "RANGE", window))
        elif before in ("until", "till"):
            w = r.window
            out.append(Reading(r.start - 1, r.end, "RANGE", Window(None, w.latest, "range") if w.latest else UNKNOWN))
        elif r.family in LICENSED_BY_PREPOSITION and before in ("and", "to") \
                and not (out and out[-1].end == r.start - 1):
            log.debug("dropping %r: a number after %r, not a date", table.span_text(r.start, r.end), before)
        else:
            out.append(r)
        i += 1
    return out


def find_readings(doc: Doc, published: Optional[dt.date]) -> list[Reading]:
    """All time expressions of the doc, resolved, without overlaps, in text order."""
    grammar = get_grammar(doc.vocab)
    lex = grammar.lex
    order = _family_order()
    table = token_table(doc)
    lower = table.lower
    candidates = []
    clocks = []
    for family, start, end in grammar.matches(doc):
        if family == TIME_OF_DAY:
            clocks.append((start, end))
            continue
        if family in LICENSED_BY_PREPOSITION:
            while start < end - 1 and lower[start] in lex.prepositions:
                start += 1
        text = table.span_text(start, end)
        if is_name_at(table, start, end - 1, lex) or _month_is_name(table, family, start, end, lex):
            log.debug("skipping %r: part of a name", text)
            continue
        window = resolve(family, grammar.read(tuple(lower[start:end])), published, text)
        candidates.append(Reading(start, end, family, window))
    readings = [r for r in _select(candidates, order) if r.window is not None]
    readings = _with_clock(table, readings, clocks)
    return _ranges(doc, readings, published)


def _month_is_name(table: TokenTable, family: str, start: int, end: int, lex: Lexicon) -> bool:
    """A month name alone before a capitalised word is a name ("June Smith", "October Revolution")."""
    if family != "MONTH_BARE" or end - start != 1 or end >= len(table) or not table.text[end].istitle():
        return False
    return start == 0 or table.lower[start - 1] not in lex.prepositions


@lru_cache(maxsize=1)
def _family_order() -> dict[str, int]:
    return {family: i for i, family in enumerate(family_specs(load_lexicon()))}


def to_when(table: TokenTable, start: int, end: int, window: Window) -> When:
    """The When of tokens [start, end), its text and character offsets read from the token table."""
    return When(text=table.span_text(start, end), span=(table.idx[start], table.char_end(end - 1)), date=window.day,
                earliest=window.earliest, latest=window.latest, precision=window.precision)


class TimeTagger:
    """The component: fills doc.spans["times"], each span with span._.when."""

    def __init__(self, nlp: Language, name: str = "conflictlens_times"):
        self.name = name
        get_grammar(nlp.vocab)  # compile at start-up, not on the first document

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        if isinstance(published, dt.datetime):
            published = published.date()
        spans = []
        readings = find_readings(doc, published)
        table = token_table(doc)
        for reading in readings:
            span = Span(doc, reading.start, reading.end)
            span._.when = to_when(table, reading.start, reading.end, reading.window)
            spans.append(span)
        doc.spans[SPAN_GROUP] = spans
        return doc


@Language.factory("conflictlens_times")
def make_times(nlp: Language, name: str) -> TimeTagger:
    return TimeTagger(nlp, name)


@lru_cache(maxsize=1)
def _tokenizer_pipeline() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("conflictlens_times")
    return nlp


def find_times(text: str, published: Optional[dt.date] = None) -> list[When]:
    """Time expressions of a short text (a headline, a dateline, a KB note) without the full pipeline."""
    nlp = _tokenizer_pipeline()
    doc = nlp.make_doc(text)
    doc._.published = published
    return [span._.when for span in nlp(doc).spans[SPAN_GROUP]]
