"""Event triggers: the lexicon of kb/data/lexicon/events.yaml compiled into a spaCy Matcher.

Why a module of its own: the words are data; this turns them into token patterns once per
process and finds them in a Doc, longest match first, so "suicide car bomb" wins over "car bomb".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..kb import DATA_DIR, LEXICON_DIR
from ..taxonomy import SUB_EVENT_TYPES

log = logging.getLogger(__name__)

LEXICON_PATH = Path(DATA_DIR) / LEXICON_DIR / "events.yaml"
GAP = 3  # "*" in a pattern: up to this many words
GAP_STOPS = [",", ";", ".", ":", "(", ")", '"', "“", "”", "!", "?"]  # a gap never crosses these


@dataclass(frozen=True)
class TriggerEntry:
    """One lexicon entry: the sub-event type its patterns signal, and how to read them."""

    sub: str
    form: str = "verb"
    weak: bool = False
    civilian_target: str | None = None
    armed_target: str | None = None
    context: tuple[tuple[tuple[str, ...], str], ...] = ()
    defends: bool = False  # the subject defended: the attacker named after the trigger is actor1


@dataclass
class TriggerHit:
    start: int  # token offsets
    end: int
    entry: TriggerEntry
    pattern: str = ""
    extra: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The events lexicon as read from YAML (checked: every sub-type is an ACLED string)."""
    with open(LEXICON_PATH, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for item in data["triggers"]:
        if item["sub"] not in SUB_EVENT_TYPES:
            raise ValueError(f"events.yaml: {item['sub']!r} is no ACLED sub-event type")
        for ctx in item.get("context", []):
            if ctx["sub"] not in SUB_EVENT_TYPES:
                raise ValueError(f"events.yaml: {ctx['sub']!r} is no ACLED sub-event type")
    return data


def phrase_pattern(phrase: str) -> list[dict]:
    """"fired|launched * rocket|rockets" -> spaCy Matcher token patterns (LOWER IN, gaps as optional tokens)."""
    tokens: list[dict] = []
    for word in phrase.lower().split():
        if word == "*":
            tokens.extend({"ORTH": {"NOT_IN": GAP_STOPS}, "IS_SENT_START": False, "OP": "?"} for _ in range(GAP))
            continue
        alternatives = word.split("|")
        # hyphenated words are several tokens in spaCy ("sit-in" -> sit, -, in)
        if any("-" in alt and alt != "-" for alt in alternatives):
            for alt in alternatives:  # only single alternatives may be hyphenated
                for i, part in enumerate(alt.split("-")):
                    if i:
                        tokens.append({"ORTH": "-"})
                    tokens.append({"LOWER": part})
            continue
        tokens.append({"LOWER": {"IN": alternatives}})
    return tokens


def _entry(item: dict) -> TriggerEntry:
    context = tuple((tuple(c["words"]), c["sub"]) for c in item.get("context", []))
    return TriggerEntry(sub=item["sub"], form=item.get("form", "verb"), weak=bool(item.get("weak", False)),
                        civilian_target=item.get("civilian_target"), armed_target=item.get("armed_target"),
                        context=context, defends=bool(item.get("defends", False)))


class TriggerFinder:
    """Finds lexicon triggers in a Doc (one Matcher for all entries)."""

    def __init__(self, vocab: Vocab):
        self.matcher = Matcher(vocab)
        self.entries: dict[str, tuple[TriggerEntry, str]] = {}
        for n, item in enumerate(lexicon()["triggers"]):
            entry = _entry(item)
            for m, phrase in enumerate(item["patterns"]):
                for k, alt in enumerate(_expand_hyphen_alternatives(phrase)):
                    key = f"T{n}_{m}_{k}"
                    self.entries[key] = (entry, phrase)
                    self.matcher.add(key, [phrase_pattern(alt)])

    def __call__(self, doc: Doc) -> list[TriggerHit]:
        hits = []
        for match_id, start, end in self.matcher(doc):
            entry, phrase = self.entries[doc.vocab.strings[match_id]]
            # a gap must not swallow the sentence end or stretch over commas
            if any(t.is_sent_start for t in doc[start + 1:end]):
                continue
            hits.append(TriggerHit(start, end, entry, phrase))
        # longest first, then earliest; strong entries before weak ones of the same length
        hits.sort(key=lambda h: (-(h.end - h.start), h.entry.weak, h.start))
        taken: set[int] = set()
        chosen = []
        for hit in hits:
            span = set(range(hit.start, hit.end))
            if span & taken:
                continue
            taken |= span
            chosen.append(hit)
        chosen.sort(key=lambda h: h.start)
        return chosen


def _expand_hyphen_alternatives(phrase: str) -> list[str]:
    """Split words whose alternatives mix hyphenated and plain forms into separate phrases."""
    out = [""]
    for word in phrase.split():
        alts = word.split("|")
        if len(alts) > 1 and any("-" in a for a in alts):
            out = [f"{o} {a}".strip() for o in out for a in alts]
        else:
            out = [f"{o} {word}".strip() for o in out]
    return out


@lru_cache(maxsize=4)
def finder_for(vocab_id: int, vocab: Vocab) -> TriggerFinder:
    return TriggerFinder(vocab)


def get_finder(vocab: Vocab) -> TriggerFinder:
    """The compiled finder for a vocabulary (built once per pipeline)."""
    return finder_for(id(vocab), vocab)
