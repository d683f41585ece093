"""Tallies: aggregate counts ("106 attacks since October 17"), which are not events.

A tally is a number of acts or of casualties over a period, as someone reported it on some
day: "106 attacks on American bases in Iraq and Syria since October 17", "attacked at least
140 times since October 17", "more than 20,000 killed since the war began". It is found as
  <quantifier>? NUMBER <words>? <act noun> ...        ("at least 45 attacks on police stations")
  <quantifier>? NUMBER <people noun> ... <casualty verb> ("480 Palestinians have been killed")
  <casualty verb> <quantifier>? NUMBER <people noun>    ("kidnapped more than 1,000 people")
  <act verb> <quantifier>? NUMBER times                 ("attacked at least 140 times")
in a sentence that speaks of a period or a running total ("since", "so far", "has recorded").
`since` is the start the text names (the day, or the whole month of "since January"); `as_of`
the day the figure was given (the sentence's own time, else the publication day). Word lists
live in lexicon/tallies.yaml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import Span as TextSpan, Tally, When
from . import extensions  # noqa: F401
from .attribution import attribution_at
from .rulekit import (Sentence, in_range, lexicon, lower_words, match_at, phrases, positions, published_when, sentences,
                      span_text, spans_in)
from .tokentable import token_table

log = logging.getLogger(__name__)

NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
DECIMAL = re.compile(r"^\d+(\.\d+)?$")  # "1.7" of "1.7 million"
MODIFIER_REACH = 3   # words allowed between the number and its noun ("Russian", "attempted")
VERB_REACH = 4       # "480 Palestinians have been killed"
OF_REACH = 3         # more words when the noun goes on: "60 members of the police have been killed", "soldiers and police"
PART_OF_PRIOR = frozenset({("of", "them"), ("of", "those"), ("of", "whom")})  # a share of the count before it
PLACE_PREPS = frozenset({"in", "across", "throughout", "around", "near", "along"})
REPORTING = frozenset({"according", "said", "says", "told", "reported", "citing", "according"})


@dataclass
class Words:
    quantifiers: list
    acts: list
    people: list
    casualty: frozenset
    verb_nouns: dict
    periods: list
    stops: list
    period_times: list
    start_words: list
    totals: frozenset
    auxiliaries: list
    number_words: dict
    multipliers: dict


@lru_cache(maxsize=1)
def get_words() -> Words:
    lex = lexicon("tallies.yaml")
    return Words(phrases(lex.get("quantifiers")), phrases(lex.get("act_nouns")), phrases(lex.get("people_nouns")),
                 frozenset(str(w).lower() for w in lex.get("casualty_verbs") or []),
                 {str(k).lower(): str(v) for k, v in (lex.get("verb_nouns") or {}).items()},
                 phrases(lex.get("period_cues")), phrases(lex.get("stops")), phrases(lex.get("period_times")),
                 phrases(lex.get("since_start_words")),
                 frozenset(str(w).lower() for w in lex.get("total_verbs") or []), phrases(lex.get("auxiliaries")),
                 {str(k).lower(): float(v) for k, v in (lex.get("number_words") or {}).items()},
                 {str(k).lower(): int(v) for k, v in (lex.get("multipliers") or {}).items()})


def _count(words: list[str], i: int, end: int, lex: Words) -> Optional[tuple[int, int]]:
    """The number that starts at word i, and the index of its last word: '1,100', '1.7 million',
    'one million', 'half a million' (a number word counts only times a multiplier)."""
    text = words[i]
    if not text[:1].isdigit() and text not in lex.number_words:
        return None  # most words: no number at all
    if text == "a" and i > 0 and words[i - 1] in lex.number_words:
        return None  # the "a" of "half a million" was read with "half"
    value = lex.number_words.get(text)
    if value is None and (NUMBER.match(text) or DECIMAL.match(text)):
        value = float(text.replace(",", ""))
    k = i + 1
    if value is not None and text in lex.number_words and k < end and words[k] == "a" and "a" in lex.number_words:
        value *= lex.number_words["a"]  # "half a million"
        k += 1
    times = lex.multipliers.get(words[k]) if value is not None and k < end else None
    if times is not None:
        return int(round(value * times)), k
    if not NUMBER.match(text):
        return None
    return int(text.replace(",", "")), i


class TallyFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.words = lower_words(doc)
        self.lex = get_words()

    @cached_property
    def time_tokens(self) -> set[int]:
        """The tokens inside time expressions (read when a number is looked at: most documents need none)."""
        return {i for s in self.doc.spans.get("times", []) for i in range(s.start, s.end)}

    def run(self) -> list[Tally]:
        tallies = []
        w, numbers = self.words, self.lex.number_words
        # where period cues stand, found in one pass over the Doc, not one per sentence
        self.period_at = positions(w, self.lex.periods.by_first)
        self.since_in = self._since_sentences()
        for n, sent in enumerate(sentences(self.doc)):
            periodic = self._has_period(n, sent)
            if not periodic and self.lex.totals.isdisjoint(w[sent.start:sent.end]):
                continue
            prior: Optional[Tally] = None
            for i in [k for k in range(sent.start, sent.end) if w[k][:1].isdigit() or w[k] in numbers]:
                tally = self._at(sent, i, periodic, prior)
                if tally is not None:
                    tallies.append(tally)
                    prior = tally
        return tallies

    def _since_sentences(self) -> set[int]:
        """The sentences (by number) with a 'since ...' time expression: rulekit.since_time of each."""
        table, found = token_table(self.doc), set()
        if "since" not in self.words:
            return found  # no time expression opens with it
        for span in spans_in(self.doc, "times", 0, len(self.doc)):
            n = table.sent_of[span.start]
            if n not in found and self.words[span.start] == "since" and span.end <= table.sentences[n][1] \
                    and span._.when is not None:
                found.add(n)
        return found

    def _has_period(self, n: int, sent: Sentence) -> bool:
        if n in self.since_in:
            return True
        periods, w = self.lex.periods, self.words
        if () in periods:
            return True  # an empty cue matches anywhere
        return any(match_at(w, i, periods) for i in in_range(self.period_at, sent.start, sent.end))

    def _at(self, sent: Sentence, i: int, periodic: bool, prior: Optional[Tally] = None) -> Optional[Tally]:
        doc, w = self.doc, self.words
        if i in self.time_tokens:
            return None
        number = _count(w, i, sent.end, self.lex)  # the lower form: digits and commas are the text's own
        if number is None or number[0] < 2:
            return None
        count, last = number
        first = i
        for q in self.lex.quantifiers:  # "at least 140": the quantifier is part of the evidence
            if i - len(q) >= sent.start and tuple(w[i - len(q):i]) == q:
                first = i - len(q)
                break
        found = (self._acts_after(sent, last) or self._times(sent, first, last)) if periodic else None
        if found is None and prior is not None and tuple(w[last + 1:last + 3]) in PART_OF_PRIOR:
            return self._tally(sent, count, prior.what, first, last + 3)  # "..., about 40,000 of them since May"
        if found is None:
            found = self._people_after(sent, last) or self._verb_before(sent, first, last)
            if found is None:
                return None
            total = not self.lex.totals.isdisjoint(w[found[1]:found[2]])  # the displaced: always a total
            if not total and not (periodic and self._running_total(sent, found[1], found[2])):
                return None
        what, start, end = found
        return self._tally(sent, count, what, min(start, first), end)

    # --- the shapes of a count ---------------------------------------------------------------
    def _acts_after(self, sent: Sentence, i: int) -> Optional[tuple[str, int, int]]:
        w = self.words
        for k in range(i + 1, min(sent.end, i + 2 + MODIFIER_REACH)):
            noun = match_at(w, k, self.lex.acts)
            if noun is not None:
                end = self._phrase_end(sent, k + len(noun))
                return self._text(i + 1, end), i, end
            if self.doc[k].is_punct and not self.doc[k].is_quote or match_at(w, k, self.lex.stops):
                return None
        return None

    def _people_after(self, sent: Sentence, i: int) -> Optional[tuple[str, int, int]]:
        w = self.words
        aux = match_at(w, i + 1, self.lex.auxiliaries) if i + 1 < sent.end else None
        v = i + 1 + (len(aux) if aux else 0)  # "20,000 killed", "230,000 have fled"
        if v < sent.end and w[v] in self.lex.casualty and (aux or match_at(w, v + 1, self.lex.people) is None):
            return w[v], i, v + 1  # not the adjective of "300 displaced people"
        for k in range(i + 1, min(sent.end, i + 2 + MODIFIER_REACH)):
            noun = match_at(w, k, self.lex.people)
            if noun is None:
                continue
            after = k + len(noun)
            reach = VERB_REACH + (OF_REACH if after < sent.end and w[after] in ("of", "and") else 0)
            for v in range(after, min(sent.end, after + reach)):
                if w[v] in self.lex.casualty:
                    end = self._phrase_end(sent, v + 1)
                    return f"{self._text(i + 1, after)} {self.doc[v].text}", i, end
                if self.doc[v].is_punct:
                    break
            return None
        return None

    def _verb_before(self, sent: Sentence, first: int, i: int) -> Optional[tuple[str, int, int]]:
        """'kidnapped more than 1,000 people': the casualty verb before the count."""
        v = first - 1
        while v > sent.start and self.doc[v].is_quote:  # '"neutralised" 1,150 militants'
            v -= 1
        if v < sent.start or self.words[v] not in self.lex.casualty:
            return None
        for k in range(i + 1, min(sent.end, i + 2 + MODIFIER_REACH)):
            noun = match_at(self.words, k, self.lex.people)
            if noun is not None:
                end = self._phrase_end(sent, k + len(noun))
                return f"{self._text(i + 1, k + len(noun))} {self.doc[v].text}", v, end
        return None

    def _times(self, sent: Sentence, first: int, i: int) -> Optional[tuple[str, int, int]]:
        """'attacked at least 140 times'."""
        if i + 1 >= sent.end or self.words[i + 1] != "times":
            return None
        for v in range(first - 1, max(sent.start, first - 1 - VERB_REACH) - 1, -1):  # "attacked the base 62 times"
            if self.doc[v].is_punct:
                return None
            noun = self.lex.verb_nouns.get(self.words[v])
            if noun:
                return noun, v, i + 2
        return None

    def _running_total(self, sent: Sentence, start: int, end: int) -> bool:
        """People counted are a total, not one event's toll, only 'since' something or in the perfect
        ('have been killed'): 'gunmen killed 34 civilians ... this year' is an event."""
        return "since" in self.words[sent.start:sent.end] or any(
            w in ("have", "has", "had") for w in self.words[max(sent.start, start - 2):end])  # "has killed 6,000"

    # --- the parts of a tally ----------------------------------------------------------------
    def _phrase_end(self, sent: Sentence, k: int) -> int:
        """Where the description of what is counted ends: a stop word, a time, a place after 'in'."""
        w = self.words
        places = {s.start for s in spans_in(self.doc, "places", sent.start, sent.end)}
        while k < sent.end:
            if k in self.time_tokens or match_at(w, k, self.lex.stops):
                break
            if w[k] in PLACE_PREPS and any(k < p <= k + 3 for p in places):
                break
            if self.doc[k].is_punct and not self.doc[k].is_quote:
                break
            k += 1
        return k

    def _text(self, start: int, end: int) -> str:
        return " ".join(re.sub(r"[\"“”]", "", self.doc[start:end].text).split())

    def _tally(self, sent: Sentence, count: int, what: str, start: int, end: int) -> Tally:
        doc = self.doc
        cut = next((k for k in range(end, sent.end) if self.words[k] in REPORTING), sent.end)
        places = [s._.location for s in spans_in(doc, "places", sent.start, cut)
                  if s._.location is not None and not any(
                      o.start <= s.start and s.end <= o.end for o in spans_in(doc, "sources", sent.start, sent.end))]
        where = []
        for loc in places:
            if all(loc.name != p.name for p in where):
                where.append(loc)
        since = self._since(sent)
        as_of = self._as_of(sent)
        s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        return Tally(count=count, what=what, where=where, since=since, as_of=as_of,
                     attribution=attribution_at(doc, doc[start].idx), evidence=TextSpan(text=span_text(doc, start, end), start=s, end=e))

    def _since(self, sent: Sentence) -> Optional[When]:
        """The start the text names: 'since October 17' -> that day, 'since January' -> that month,
        'since last week' -> that week, 'since the start of the year' / 'this year' -> its first day."""
        from .times import find_times

        times = [s for s in spans_in(self.doc, "times", sent.start, sent.end) if s._.when is not None]
        for span in times:
            when = span._.when
            if span[0].lower_ == "since":
                inner = self.doc[span.start + 1:span.end]
                words = [t.lower_ for t in inner]
                named = [] if match_at(words, 0, self.lex.start_words) else find_times(inner.text, self.doc._.published)
                if named and named[0].earliest is not None and named[0].precision in ("day", "week", "month", "year"):
                    return self._when(span, named[0].earliest, named[0].latest, named[0].precision)
                return self._when(span, when.earliest, when.earliest, "day") if when.earliest else None
            if span.start > sent.start and self.words[span.start - 1] == "since":  # "since last week"
                return self._when(span, when.earliest, when.latest, when.precision)
        for span in times:
            if match_at(self.words, span.start, self.lex.period_times) and span._.when.earliest:
                return self._when(span, span._.when.earliest, span._.when.earliest, "day")
        return None

    def _when(self, span: Span, earliest, latest, precision) -> When:
        return When(text=span.text, span=(span.start_char, span.end_char), date=earliest if earliest == latest else None,
                    earliest=earliest, latest=latest, precision=precision)

    def _as_of(self, sent: Sentence) -> When:
        for span in spans_in(self.doc, "times", sent.start, sent.end):
            when = span._.when
            if when is not None and span[0].lower_ != "since" and when.precision == "day":
                return when
        return published_when(self.doc, present=True)


def find_tallies(doc: Doc) -> list[Tally]:
    return TallyFinder(doc).run()


@Language.component("conflictlens_tallies")
def tallies_component(doc: Doc) -> Doc:
    doc._.tallies = find_tallies(doc)
    return doc
