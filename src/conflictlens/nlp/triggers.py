"""Event triggers: the lexicon of kb/data/lexicon/events.yaml compiled into a spaCy Matcher.

Why a module of its own: the words are data; this turns them into token patterns once per
process and finds them in a Doc, longest match first, so "suicide car bomb" wins over "car bomb".

Speed: a spaCy Matcher tries every pattern at every token, and the set and gap tests of these
patterns are Python predicates: over the whole lexicon that cost 38 ms per 600-word article.
FirstWordMatcher runs, from each token that can start a pattern, a small Matcher of only the
patterns starting with that word (about 1 ms), with the same results.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..kb import DATA_DIR, LEXICON_DIR
from ..taxonomy import SUB_EVENT_TYPES
from .tokentable import token_table

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
    # the context words as " word " (lower case), as they are looked up in a sentence's spaced words
    spaced_context: tuple[tuple[tuple[str, ...], str], ...] = ()


@dataclass(slots=True)
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


def first_words(pattern: list[dict]) -> list[str]:
    """The lower forms a token must have to start this pattern."""
    first = pattern[0] if pattern else {}
    lower = first.get("LOWER")
    if set(first) != {"LOWER"} or not isinstance(lower, (str, dict)) or (isinstance(lower, dict) and set(lower) != {"IN"}):
        raise ValueError(f"FirstWordMatcher: a pattern must start with a plain LOWER word or set: {first!r}")
    return list(dict.fromkeys(lower["IN"])) if isinstance(lower, dict) else [lower]


class FirstWordMatcher:
    """A spaCy Matcher, for patterns whose first token is a plain lower-case word (or set of words),
    that only looks where a pattern can start.

    For each token whose lower form starts some pattern, it tries the patterns that start with that
    word on the token table's lists (lower forms, texts, sentence starts) and keeps the matches that
    start at that token. Every Matcher predicate reads one token alone, so the matches are those of a
    plain Matcher with the same patterns: the same (match_id, start, end) triples, ordered by start, and
    those of one span of tokens in the plain Matcher's order (what a choice between patterns that match
    the same words may depend on). Offsets are relative to the Doc or Span given, as with Matcher.

    Where the order of two patterns matching the same words is not the order they were added in (a
    pattern with gaps, whose branches spaCy's Matcher keeps in its own order) and for a token pattern
    this class cannot read, it asks a spaCy Matcher of the patterns of that word, over as many tokens
    as the longest of them spans.
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.patterns: list[tuple[str, list[dict]]] = []  # (key, pattern), in the order added
        self._by_word: dict[str, _WordPatterns] | None = None
        self._ids: dict[str, int] = {}  # key -> its id in the vocabulary's strings (what Matcher returns)

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        for pattern in patterns:
            first_words(pattern)  # checked now, not at the first Doc
            self.patterns.append((key, pattern))
        self._by_word = None

    def __len__(self) -> int:
        return len(self.patterns)

    def _compile(self) -> dict[str, "_WordPatterns"]:
        grouped: dict[str, list[tuple[str, list[dict]]]] = {}
        for key, pattern in self.patterns:
            for word in first_words(pattern):
                grouped.setdefault(word, []).append((key, pattern))
        self._ids = {key: self.vocab.strings.add(key) for key, _ in self.patterns}
        return {word: _WordPatterns(self.vocab, patterns) for word, patterns in grouped.items()}

    def __call__(self, doclike: Doc | Span) -> list[tuple[int, int, int]]:
        doc, offset = (doclike.doc, doclike.start) if isinstance(doclike, Span) else (doclike, 0)
        found = self.find(doc, offset, offset + len(doclike))
        ids = self._ids
        return [(ids[key], start - offset, end - offset) for key, start, end in found]

    def find(self, doc: Doc, start: int = 0, end: Optional[int] = None) -> list[tuple[str, int, int]]:
        """(key, start, end) of the matches within tokens [start, end) of the Doc, in Doc offsets: what
        calling the matcher on doc[start:end] finds, without building the Span or its Token objects."""
        if self._by_word is None:
            self._by_word = self._compile()
        by_word = self._by_word
        table = token_table(doc)
        end = len(table) if end is None else end
        if end <= start or not by_word:
            return []
        words = table.lower[start:end]
        found = []
        for i in [start + k for k, word in enumerate(words) if word in by_word]:
            by_word[words[i - start]].match(doc, table, i, end, found)
        return found


_GAP_SPEC = {"ORTH": {"NOT_IN": GAP_STOPS}, "IS_SENT_START": False, "OP": "?"}


_LOWER, _TEXT, _GAP = "lower", "text", "gap"


def _step(token: dict) -> Optional[tuple[str, frozenset[str]]]:
    """One pattern token as (what it reads, the words it takes): the lower form in a set, the text in a
    set, or a gap ("*": an optional word that is no stop and starts no sentence, the set its stops);
    None when this class does not know the token's form (the spaCy Matcher then decides)."""
    if token == _GAP_SPEC:
        return _GAP, frozenset(GAP_STOPS)
    if set(token) == {"ORTH"} and isinstance(token["ORTH"], str):
        return _TEXT, frozenset([token["ORTH"]])
    if set(token) == {"LOWER"}:
        lower = token["LOWER"]
        if isinstance(lower, str):
            return _LOWER, frozenset([lower])
        if isinstance(lower, dict) and set(lower) == {"IN"}:
            return _LOWER, frozenset(lower["IN"])
    return None


class _WordPatterns:
    """The patterns that start with one word, tried at a token."""

    def __init__(self, vocab: Vocab, patterns: list[tuple[str, list[dict]]]):
        self.vocab = vocab
        self.patterns = patterns
        self.reach = max(len(p) for _, p in patterns)
        steps = [[_step(token) for token in pattern[1:]] for _, pattern in patterns]  # the first word is known
        # (key, steps, whether a gap is among them), or None: the spaCy Matcher decides
        self.steps = None if any(None in s for s in steps) else \
            [(key, s, any(what == _GAP for what, _ in s)) for (key, _), s in zip(patterns, steps)]
        self.gaps = any(gapped for _, _, gapped in (self.steps or []))
        # patterns of this one word alone: their keys (each once, in the order added) match the word itself
        alone = self.steps is not None and not any(s for _, s, _ in self.steps)
        self.single = list(dict.fromkeys(key for key, _, _ in self.steps)) if alone else None
        self._matcher: Optional[Matcher] = None

    def match(self, doc: Doc, table, i: int, limit: int, found: list) -> None:
        """Append the matches that start at token i and end by token `limit` to `found`."""
        if self.single is not None:
            found.extend([(key, i, i + 1) for key in self.single])
            return
        if self.steps is None:
            self._spacy(doc, i, limit, found)
            return
        matches: list[tuple[int, str]] = []  # (end, key), in the order added
        lower, text = table.lower, table.text
        for key, steps, gapped in self.steps:
            if gapped:
                for end in _ends(table, steps, i + 1, limit):
                    if (end, key) not in matches:
                        matches.append((end, key))
                continue
            j = i + 1  # no gap: one word after the other
            for what, words in steps:
                if j >= limit or (lower[j] if what == _LOWER else text[j]) not in words:
                    break
                j += 1
            else:
                if (j, key) not in matches:
                    matches.append((j, key))
        if len(matches) > 1:
            ends = [end for end, _ in matches]
            if self.gaps and len(set(ends)) < len(ends):
                self._spacy(doc, i, limit, found)  # two patterns on the same words: spaCy's order
                return
            matches.sort(key=lambda m: m[0])  # stable: the order added among the same words
        found.extend((key, i, end) for end, key in matches)

    def _spacy(self, doc: Doc, i: int, limit: int, found: list) -> None:
        if self._matcher is None:
            self._matcher = Matcher(self.vocab)
            for key, pattern in self.patterns:
                self._matcher.add(key, [pattern])
        strings = self.vocab.strings
        for key, start, end in self._matcher(doc[i:min(limit, i + self.reach)]):
            if start == 0:  # a later start in this window is matched from its own token
                found.append((strings[key], i, i + end))


def _ends(table, steps: list, i: int, limit: int) -> list[int]:
    """The token offsets where the pattern steps, tried from token i, can end (before `limit`)."""
    positions = [i]
    for what, words in steps:
        reached = []
        for j in positions:
            if what == _GAP:
                if j not in reached:
                    reached.append(j)  # the gap word left out
                taken = j < limit and not table.sent_start[j] and table.text[j] not in words
            else:
                taken = j < limit and (table.lower[j] if what == _LOWER else table.text[j]) in words
            if taken and j + 1 not in reached:
                reached.append(j + 1)
        if not reached:
            return []
        positions = reached
    return sorted(positions)


def _entry(item: dict) -> TriggerEntry:
    context = tuple((tuple(c["words"]), c["sub"]) for c in item.get("context", []))
    spaced = tuple((tuple(f" {str(w).lower()} " for w in words), sub) for words, sub in context)
    return TriggerEntry(sub=item["sub"], form=item.get("form", "verb"), weak=bool(item.get("weak", False)),
                        civilian_target=item.get("civilian_target"), armed_target=item.get("armed_target"),
                        context=context, defends=bool(item.get("defends", False)), spaced_context=spaced)


def starts_with_word(pattern: list[dict]) -> bool:
    """Whether FirstWordMatcher can take this pattern."""
    try:
        first_words(pattern)
    except ValueError:
        return False
    return True


class TriggerFinder:
    """Finds lexicon triggers in a Doc (one FirstWordMatcher for all entries; a plain Matcher should
    a pattern ever start with a gap)."""

    def __init__(self, vocab: Vocab):
        self.entries: dict[str, tuple[TriggerEntry, str]] = {}
        patterns = []
        for n, item in enumerate(lexicon()["triggers"]):
            entry = _entry(item)
            for m, phrase in enumerate(item["patterns"]):
                for k, alt in enumerate(_expand_hyphen_alternatives(phrase)):
                    key = f"T{n}_{m}_{k}"
                    self.entries[key] = (entry, phrase)
                    patterns.append((key, phrase_pattern(alt)))
        if all(starts_with_word(p) for _, p in patterns):
            self.matcher = FirstWordMatcher(vocab)
        else:
            log.warning("events.yaml: a trigger pattern starts with a gap; matching at every token (slow)")
            self.matcher = Matcher(vocab)
        for key, pattern in patterns:
            self.matcher.add(key, [pattern])

    def __call__(self, doc: Doc) -> list[TriggerHit]:
        if isinstance(self.matcher, FirstWordMatcher):
            found = self.matcher.find(doc)
        else:
            found = [(doc.vocab.strings[match_id], start, end) for match_id, start, end in self.matcher(doc)]
        sent_start = token_table(doc).sent_start
        hits = []
        for key, start, end in found:
            entry, phrase = self.entries[key]
            # a gap must not swallow the sentence end or stretch over commas
            if any(sent_start[start + 1:end]):
                continue
            hits.append(TriggerHit(start, end, entry, phrase))
        # longest first, then earliest; strong entries before weak ones of the same length
        hits.sort(key=lambda h: (-(h.end - h.start), h.entry.weak, h.start))
        taken = bytearray(len(sent_start))  # 1 where a chosen hit lies
        chosen = []
        for hit in hits:
            if any(taken[hit.start:hit.end]):
                continue
            taken[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
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
