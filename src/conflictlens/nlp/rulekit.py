"""What the tallies, statements, relations and checks rules share: their word lists, and the
mentions, times and dates of one sentence as the earlier components left them.

These four components run over a blank tokenizer (no parser), so their rules read token
sequences and the span groups ("actors", "places", "times", "sources"); this module keeps
those lookups in one place.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterable, Optional

import yaml
from spacy.tokens import Doc, Span

from ..kb import DATA_DIR, LEXICON_DIR
from ..model import Actor, When

DAY = dt.timedelta(days=1)


@lru_cache(maxsize=None)
def lexicon(name: str) -> dict:
    """A word-list file of kb/data/lexicon (read once per process)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / LEXICON_DIR / name).read_text(encoding="utf-8"), Loader=loader) or {}


def phrases(items: Iterable) -> list[tuple[str, ...]]:
    """Lower-case token tuples of a list of phrases, longest first (so the longest cue wins)."""
    out = {tuple(str(p).lower().replace("-", " - ").split()) for p in items or []}
    return sorted(out, key=len, reverse=True)


def match_at(words: list[str], i: int, cues: list[tuple[str, ...]]) -> Optional[tuple[str, ...]]:
    """The longest cue that starts at word i of `words` (lower-case token texts), else None."""
    for cue in cues:
        if tuple(words[i:i + len(cue)]) == cue:
            return cue
    return None


def spans_in(doc: Doc, group: str, start: int, end: int) -> list[Span]:
    """The spans of a span group that lie within tokens [start, end), in text order."""
    if group not in doc.spans:
        return []
    return sorted((s for s in doc.spans[group] if s.start >= start and s.end <= end), key=lambda s: s.start)


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
