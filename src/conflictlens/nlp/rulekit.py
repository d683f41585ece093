"""What the tallies, statements, relations and checks rules share: their word lists, and the
mentions, times and dates of one sentence as the earlier components left them.

These four components run over a blank tokenizer (no parser), so their rules read token
sequences and the span groups ("actors", "places", "times", "sources"); this module keeps
those lookups in one place.
"""

from __future__ import annotations

import bisect
import datetime as dt
from functools import lru_cache
from typing import Callable, Iterable, Optional, TypeVar

import yaml
from spacy.tokens import Doc, Span

from ..kb import DATA_DIR, LEXICON_DIR
from ..model import Actor, When
from .tokentable import TokenTable, token_table

DAY = dt.timedelta(days=1)
T = TypeVar("T")


@lru_cache(maxsize=None)
def lexicon(name: str) -> dict:
    """A word-list file of kb/data/lexicon (read once per process)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / LEXICON_DIR / name).read_text(encoding="utf-8"), Loader=loader) or {}


class Phrases(list):
    """Cue phrases (token tuples), longest first, indexed by their first word: match_at then tests
    only the few cues that can start at a word instead of every cue (the rules ask at every token)."""

    def __init__(self, cues: Iterable[tuple[str, ...]] = ()):
        super().__init__(cues)
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for cue in self:
            if cue:
                self.by_first.setdefault(cue[0], []).append(cue)  # keeps the longest-first order
        self.empty: Optional[tuple[str, ...]] = () if () in self else None


def phrases(items: Iterable) -> Phrases:
    """Lower-case token tuples of a list of phrases, longest first (so the longest cue wins)."""
    out = {tuple(str(p).lower().replace("-", " - ").split()) for p in items or []}
    return Phrases(sorted(out, key=len, reverse=True))


def match_at(words: list[str], i: int, cues: list[tuple[str, ...]]) -> Optional[tuple[str, ...]]:
    """The longest cue that starts at word i of `words` (lower-case token texts), else None."""
    if isinstance(cues, Phrases) and i >= 0:
        if i < len(words):
            for cue in cues.by_first.get(words[i], ()):
                if len(cue) == 1 or tuple(words[i:i + len(cue)]) == cue:
                    return cue
        return cues.empty
    for cue in cues:
        if tuple(words[i:i + len(cue)]) == cue:
            return cue
    return None


def lower_words(doc: Doc) -> list[str]:
    """The lower-case token texts of the whole Doc, built once per Doc and shared by the rules (each
    `doc[i]` or `for t in doc` creates a Token object; the rules ask for words thousands of times)."""
    return token_table(doc).lower


def span_text(doc: Doc, start: int, end: int) -> str:
    """The text of tokens [start, end) without trailing whitespace: doc.text[first.idx:last end], read
    from those tokens only (Doc.text joins every token of the Doc anew at each call)."""
    return token_table(doc).span_text(start, end)


_SPANS_KEY = "conflictlens.rulekit.spans"


def _span_order(doc: Doc, group: str) -> tuple[list[int], list[int]]:
    """Where the spans of a group stand in it, sorted by start (stable), and their starts; cached on
    the Doc for as long as the group is the same object of the same length (components that set a
    group replace it). Only positions are kept: a Span held in the Doc would keep the Doc alive."""
    current = doc.spans[group]
    cache = doc.user_data.setdefault(_SPANS_KEY, {})
    held = cache.get(group)
    if held is None or held[0] is not current or held[1] != len(current):
        starts = [(s.start, k) for k, s in enumerate(current)]
        starts.sort(key=lambda pair: pair[0])
        held = cache[group] = (current, len(current), [k for _, k in starts], [start for start, _ in starts])
    return held[2], held[3]


def spans_in(doc: Doc, group: str, start: int, end: int) -> list[Span]:
    """The spans of a span group that lie within tokens [start, end), in text order."""
    if group not in doc.spans:
        return []
    order, starts = _span_order(doc, group)
    spans = doc.spans[group]
    out = []
    for k in range(bisect.bisect_left(starts, start), bisect.bisect_right(starts, end)):
        span = spans[order[k]]
        if span.end <= end:
            out.append(span)
    return out


def with_text(actor: Actor, span: Span) -> Actor:
    """The actor as mentioned at this span (its own text and offsets)."""
    return actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)})


def published_when(doc: Doc, present: bool = False) -> When:
    """A date bounded by publication when the sentence names none: the publication day for
    present-tense reports, else the day before to the publication day."""
    published = doc._.published
    if published is None:
        return When()
    if present:
        return When(date=published, earliest=published, latest=published, precision="day")
    return When(earliest=published - DAY, latest=published, precision="range")


def since_time(doc: Doc, sent: Span) -> Optional[Span]:
    """The 'since ...' time expression of a sentence (the start of a running count)."""
    for span in spans_in(doc, "times", sent.start, sent.end):
        if span._.when is not None and span[0].lower_ == "since":
            return span
    return None


class Sentence:
    """A sentence's token bounds and character offsets, from the token table: all the rules read of a
    sentence, without the Span (doc.sents makes a Span, and each Span Tokens, for every sentence at every
    pass; Span.text builds a Token object per word)."""

    __slots__ = ("doc", "table", "start", "end", "start_char", "end_char")

    def __init__(self, doc: Doc, table: TokenTable, start: int, end: int):
        self.doc, self.table, self.start, self.end = doc, table, start, end
        self.start_char = table.idx[start]
        self.end_char = table.char_end(end - 1)

    @property
    def text(self) -> str:
        return self.table.span_text(self.start, self.end)


def sentences(doc: Doc) -> list[Sentence]:
    """The Doc's sentences, in order."""
    table = token_table(doc)
    return [Sentence(doc, table, start, end) for start, end in table.sentences]


def positions(words: list[str], wanted) -> list[int]:
    """The indexes of the words that are in `wanted`, in order (one pass over the Doc instead of one
    per sentence; `in_range` then gives a sentence's share)."""
    return [i for i, w in enumerate(words) if w in wanted]


def in_range(sorted_ints: list[int], start: int, end: int) -> list[int]:
    """The values of a sorted list in [start, end)."""
    return sorted_ints[bisect.bisect_left(sorted_ints, start):bisect.bisect_left(sorted_ints, end)]


def longest_ranges(items: Iterable[T], bounds: Callable[[T], tuple[int, int]]) -> list[T]:
    """spacy.util.filter_spans on plain items with token bounds [start, end): of overlapping items the
    (first) longest wins; the result in text order. No Span is made for the losers."""
    keyed = [(bounds(item), item) for item in items]
    keyed.sort(key=lambda pair: (pair[0][1] - pair[0][0], -pair[0][0]), reverse=True)
    kept, taken = [], set()
    for (start, end), item in keyed:
        if start not in taken and end - 1 not in taken:
            kept.append((start, item))
            taken.update(range(start, end))
    kept.sort(key=lambda pair: pair[0])
    return [item for _, item in kept]
