"""Fatalities of one event from its sentence: "killing at least 12", "nine ... were killed", "no casualties".

The injured are a different number and never counted, but a sentence that reports only injured people
says nobody died (0, ACLED's practice); unverified words ("dozens") give no number.
Numbers come in digits or words (kb/data/lexicon/events.yaml `number_words`).
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.vocab import Vocab

from .rulekit import Sentence
from .triggers import FirstWordMatcher, first_words, phrase_pattern

QUALIFIERS = frozenset({"at", "least", "more", "than", "about", "around", "some", "nearly", "almost", "over", "up", "to", "as",
                        "many", "estimated", "another"})
INJURY = frozenset({"wounded", "wounding", "injured", "injuring", "hurt", "wounds", "injuries"})
COUNTED = frozenset({"killed", "killing", "kills", "kill", "dead", "died", "deaths", "dies", "bodies", "death"})  # read below
DEATH_HINTS = frozenset({"killed", "killing", "kills", "kill", "dead", "died", "dies", "death", "deaths", "bodies", "body",
                         "fatalities", "lives", "toll", "corpses", "massacre", "massacred", "executed", "beheaded", "lynched",
                         "assassinated", "assassination", "murdered", "slain"})


def number(word: str, words: dict[str, int]) -> Optional[int]:
    """'12' -> 12, 'twelve' -> 12, '1,200' -> 1200, 'twenty-one' -> 21; None otherwise."""
    text = word.lower().replace(",", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if "-" in text:
        parts = text.split("-")
        if all(p in words for p in parts):
            return sum(words[p] for p in parts)
    return words.get(text)


def _number_before(tokens: list[str], i: int, words: dict[str, int]) -> Optional[int]:
    """The number ending at index i or just before qualifiers/adjectives ending at i."""
    j = i
    while j >= 0 and j > i - 5:
        value = number(tokens[j], words)
        if value is not None and tokens[j] not in ("a", "an"):
            return value
        if tokens[j] in ("a", "an") and j == i - 1:
            return 1
        j -= 1
    return None


def _number_after(tokens: list[str], i: int, words: dict[str, int]) -> Optional[int]:
    j = i
    while j < len(tokens) and j < i + 5:
        if tokens[j] in INJURY or tokens[j] in (",", ";", "."):
            return None
        value = number(tokens[j], words)
        if value is not None:
            return value
        if tokens[j] in ("a", "an") and j + 1 < len(tokens):
            following = number(tokens[j + 1], words)
            return following if following is not None else 1  # "killed a dozen", "killed a soldier"
        if tokens[j] not in QUALIFIERS:
            return None  # "killed the commander": no number stated
        j += 1
    return None


def _age(tokens: list[str], k: int) -> bool:
    """The number at k is an age ("a 19-year-old died"), not a count."""
    return tokens[k + 1:k + 3] == ["-", "year"] or (k + 1 < len(tokens) and tokens[k + 1].startswith("year-old"))


_MATCHERS: dict[tuple[int, int], tuple[Vocab, list, FirstWordMatcher, frozenset[str]]] = {}
_NUMBER_WORDS: dict[int, tuple[dict, dict[str, int]]] = {}


def _no_death_matcher(vocab: Vocab, lexicon: dict) -> tuple[FirstWordMatcher, frozenset[str]]:
    """The lexicon's phrases that say nobody died ("no one was hurt"), compiled once per vocabulary and
    phrase list, with the words they can start with (a region holding none of them is not searched)."""
    phrases = lexicon.get("no_death", ())
    key = (id(vocab), id(phrases))
    held = _MATCHERS.get(key)
    if held is None or held[0] is not vocab or held[1] is not phrases:
        matcher = FirstWordMatcher(vocab)
        for n, phrase in enumerate(phrases):
            matcher.add(f"NO_DEATH_{n}", [phrase_pattern(phrase)])
        starts = frozenset(word for _, pattern in matcher.patterns for word in first_words(pattern))
        held = _MATCHERS[key] = (vocab, phrases, matcher, starts)
    return held[2], held[3]


def _number_words(lexicon: dict) -> dict[str, int]:
    """The lexicon's number words by lower form, built once per lexicon table, not per event."""
    table = lexicon.get("number_words", {})
    cached = _NUMBER_WORDS.get(id(table))
    if cached is None or cached[0] is not table:
        cached = _NUMBER_WORDS[id(table)] = (table, {k.lower(): int(v) for k, v in table.items()})
    return cached[1]


def fatalities(region: Sentence, lexicon: dict) -> Optional[int]:
    """Deaths the sentence states, or 0 when it says none died, or None when it does not say."""
    tokens = region.table.lower[region.start:region.end]
    present = set(tokens)
    no_death, starts = _no_death_matcher(region.doc.vocab, lexicon)
    if not starts.isdisjoint(present) and no_death.find(region.doc, region.start, region.end):
        return 0
    if present.isdisjoint(COUNTED):  # no word the count reads: no number, perhaps injuries only
        return 0 if not present.isdisjoint(INJURY) and present.isdisjoint(DEATH_HINTS) else None
    words = _number_words(lexicon)
    for i, tok in enumerate(tokens):
        if tok in ("killed", "killing", "kills", "kill"):
            prev = tokens[i - 1] if i else ""
            if prev in ("were", "was", "been", "are", "be", "is"):  # "nine soldiers were killed"
                value = _number_before(tokens, i - 2, words) if i >= 2 else None
                # walk back over the noun phrase to its number
                k = i - 2
                while value is None and k >= 0 and i - k < 11 and tokens[k] not in (",", ";"):
                    value = number(tokens[k], words) if tokens[k] not in ("a", "an") and not _age(tokens, k) else None
                    if value is None and prev == "was" and tokens[k] in ("a", "an"):
                        value = 1  # "an Armenian soldier was killed"
                    k -= 1
                if value is not None:
                    return value
                continue
            value = _number_after(tokens, i + 1, words)
            if value is not None:
                return value
            value = _number_before(tokens, i - 1, words)  # "12 killed"
            if value is not None and i >= 1 and tokens[i - 1] not in ("a", "an"):
                return value
        elif tok in ("dead", "died", "deaths", "dies", "bodies"):
            if tok == "dead" and i >= 1 and tokens[i - 1] in ("shot", "shooting"):  # "shot dead a clan elder", "shooting dead 12"
                value = _number_after(tokens, i + 1, words)
                if value is None:
                    k = i - 2
                    while k >= 0 and i - k < 6:
                        value = number(tokens[k], words) if tokens[k] not in ("a", "an") else (1 if tokens[k] in ("a", "an") else None)
                        if value is not None:
                            break
                        k -= 1
                return value if value is not None else 1
            k = i - 1
            while k >= 0 and i - k < 6 and tokens[k] not in (",", ";"):
                value = number(tokens[k], words)
                if value is not None and tokens[k] not in ("a", "an") and not _age(tokens, k):
                    return value
                k -= 1
        elif tok == "death" and i >= 1 and tokens[i - 1] == "to":  # "beat two men to death"
            k = i - 2
            while k >= 0 and i - k < 7:
                value = number(tokens[k], words)
                if value is not None and tokens[k] not in ("a", "an"):
                    return value
                k -= 1
    if any(tok in INJURY for tok in tokens) and not any(tok in DEATH_HINTS for tok in tokens):
        return 0  # "wounding three people" and no death: ACLED codes the event with 0 fatalities
    return None
