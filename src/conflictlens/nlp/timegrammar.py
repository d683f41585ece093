"""The grammar of news time expressions: which words make one, and what each word says.

This module only reads text. It loads the word lists of kb/data/lexicon/times.yaml, turns
them into spaCy Matcher token patterns and PhraseMatcher phrases (one match key per family
of expressions, compiled once per vocab) and reads the words of a match into a `Words`
record. Turning a `Words` into dates against the publication day is nlp/times.py's job.

Speed: every word class the patterns use ("a weekday", "a day number") is a lexeme flag
on the vocab, so the Matcher tests it in C; and the token patterns are grouped by their
rarest required word (`trigger_of`), each group's Matcher reading only the few tokens around
that word's occurrences (see `TimeGrammar`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Optional

import yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from ..errors import KnowledgeBaseError
from ..kb import load_yaml
from .tokentable import TokenTable, token_table

log = logging.getLogger(__name__)


LEXICON_PATH = Path(__file__).resolve().parent.parent / "kb" / "data" / "lexicon" / "times.yaml"

DAY_RE = r"^(0?[1-9]|[12]\d|3[01])(st|nd|rd|th)?$"
YEAR_RE = r"^(19|20)\d\d$"
MIDYEAR_RE = r"^mid-(19|20)\d\d$"
TWO_DIGITS_RE = r"^\d\d$"
SMALL_NUMBER_RE = r"^\d{1,3}$"
CLOCK_RE = r"^([01]?\d|2[0-3])([:.][0-5]\d)?$"
CLOCK_AMPM_RE = r"^(1[0-2]|0?[1-9])([:.][0-5]\d)?(am|pm)$"
HHMM_RE = r"^([01]?\d|2[0-3]):[0-5]\d$"
_DAY = re.compile(DAY_RE)
_YEAR = re.compile(YEAR_RE)
_MIDYEAR = re.compile(MIDYEAR_RE)

UNITS_OF_PERIOD = ("week", "month", "year")
TIME_OF_DAY = "TIME_OF_DAY"  # match key of clock times and points of the day ("at 3 p.m.", "at dawn")
PHRASE_FAMILIES = ("RELDAY", "VAGUE")  # families whose phrases come from the lexicon as they are


@dataclass(frozen=True)
class Lexicon:
    """The word lists of times.yaml, lower-cased, ready for lookups."""

    weekdays: dict[str, int]                 # name -> ISO weekday 1..7
    months: dict[str, int]                   # full names
    month_abbreviations: dict[str, int]
    ambiguous_months: frozenset[str]
    prepositions: frozenset[str]
    relative: dict[str, int]
    relative_days: dict[str, int]
    relative_day_phrases: dict[str, int]
    day_parts: frozenset[str]
    day_edges: frozenset[str]
    times_of_day: tuple[str, ...]
    clock_suffixes: frozenset[str]
    approximately: frozenset[str]
    parts: dict[str, int]
    thirds: dict[str, tuple[tuple[int, int], ...]]
    edges: dict[str, int]
    week_ordinals: dict[str, int]
    window_words: dict[str, int]
    units: dict[str, str]
    numbers: dict[str, int]
    vague_numbers: dict[str, tuple[int, int]]
    vague_past: dict[str, int]
    vague_future: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    ambiguous_seasons: frozenset[str]
    name_suffixes: frozenset[str]
    name_prefixes: frozenset[str]

    @property
    def all_months(self) -> dict[str, int]:
        return {**self.months, **self.month_abbreviations}


def _lower_list(values) -> list[str]:
    return [str(v).lower() for v in values or []]


def _ints(mapping) -> dict[str, int]:
    return {str(k).lower(): int(v) for k, v in mapping.items()}


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read times.yaml once per process; a broken file is a KnowledgeBaseError with one line."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
        lexicon = Lexicon(
            weekdays={name.lower(): i + 1 for i, name in enumerate(data["weekdays"])},
            months=_ints(data["months"]),
            month_abbreviations=_ints(data["month_abbreviations"]),
            ambiguous_months=frozenset(_lower_list(data["ambiguous_months"])),
            prepositions=frozenset(_lower_list(data["prepositions"])),
            relative=_ints(data["relative"]),
            relative_days=_ints(data["relative_days"]),
            relative_day_phrases=_ints(data["relative_day_phrases"]),
            day_parts=frozenset(_lower_list(data["day_parts"])),
            day_edges=frozenset(_lower_list(data["day_edges"])),
            times_of_day=tuple(_lower_list(data["times_of_day"])),
            clock_suffixes=frozenset(_lower_list(data["clock_suffixes"])),
            approximately=frozenset(_lower_list(data["approximately"])),
            parts=_ints(data["parts"]),
            thirds={k: tuple((int(a), int(b)) for a, b in v) for k, v in data["thirds"].items()},
            edges=_ints(data["edges"]),
            week_ordinals=_ints(data["week_ordinals"]),
            window_words=_ints(data["window_words"]),
            units={str(k).lower(): str(v) for k, v in data["units"].items()},
            numbers=_ints(data["numbers"]),
            vague_numbers={str(k).lower(): (int(v[0]), int(v[1])) for k, v in data["vague_numbers"].items()},
            vague_past=_ints(data["vague_past"]),
            vague_future=_ints(data["vague_future"]),
            seasons={str(k).lower(): (int(v[0]), int(v[1])) for k, v in data["seasons"].items()},
            ambiguous_seasons=frozenset(_lower_list(data["ambiguous_seasons"])),
            name_suffixes=frozenset(_lower_list(data["name_suffixes"])),
            name_prefixes=frozenset(_lower_list(data["name_prefixes"])),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KnowledgeBaseError(f"{path}: not a valid time lexicon ({type(exc).__name__}: {exc})") from None
    log.debug("time lexicon: %d weekdays, %d month words", len(lexicon.weekdays), len(lexicon.all_months))
    return lexicon


# --- word classes -----------------------------------------------------------------------------------------

def word_classes(lex: Lexicon) -> dict[str, tuple[str, object]]:
    """Classes of single words the patterns are written in: name -> ("in", words) or ("re", regex), lower-cased."""
    partw = [p for p in lex.parts if p in ("early", "mid", "late")]
    return {
        "WEEKDAY": ("in", list(lex.weekdays)),
        "MONTH": ("in", list(lex.months)),
        "PLAIN_MONTH": ("in", [m for m in lex.months if m not in lex.ambiguous_months]),
        "MON": ("in", list(lex.all_months)),
        "DAY": ("re", DAY_RE),
        "YEAR": ("re", YEAR_RE),
        "MIDYEAR": ("re", MIDYEAR_RE),
        "NN": ("re", TWO_DIGITS_RE),
        "PREP": ("in", list(lex.prepositions)),
        "REL": ("in", list(lex.relative)),
        "RELDAY": ("in", list(lex.relative_days)),
        "DAYPART": ("in", list(lex.day_parts)),
        "EDGE": ("in", list(lex.day_edges)),
        "PARTW": ("in", partw),
        "PARTN": ("in", [p for p in lex.parts if p not in partw]),
        "EDGEW": ("in", list(lex.edges)),
        "PASTW": ("in", [w for w, d in lex.window_words.items() if d < 0]),
        "NEXTW": ("in", [w for w, d in lex.window_words.items() if d > 0]),
        "PERIOD": ("in", list(UNITS_OF_PERIOD)),
        "UNIT": ("in", list(lex.units)),
        "COUNT": ("count", [*lex.numbers, *(v for v in lex.vague_numbers if v != "couple")]),
        "VAGUENUM": ("in", [v for v in lex.vague_numbers if v != "couple"]),
        "SEASON": ("in", list(lex.seasons)),
        "PLAIN_SEASON": ("in", [s for s in lex.seasons if s not in lex.ambiguous_seasons]),
        "ORD": ("in", list(lex.week_ordinals)),
        "APPROX": ("in", list(lex.approximately)),
        "CLOCK": ("re", CLOCK_RE),
        "CLOCK_AMPM": ("re", CLOCK_AMPM_RE),
        "HHMM": ("re", HHMM_RE),
        "CLOCKSUFFIX": ("in", list(lex.clock_suffixes)),
        "POINT": ("in", [t for t in lex.times_of_day if " " not in t]),
    }


# Word classes that are anchors: every pattern holds one (checked by `reach`).
ANCHOR_CLASSES = {"WEEKDAY", "MONTH", "PLAIN_MONTH", "MON", "YEAR", "MIDYEAR", "RELDAY", "DAYPART", "PERIOD", "UNIT",
                  "SEASON", "PLAIN_SEASON", "CLOCK_AMPM", "HHMM", "CLOCKSUFFIX", "POINT"}
# Tokens with digits that are anchors: years, "mid-2022", "15:30", "3pm" (a count such as "14" is not:
# a day number or a count only makes a time next to a month or a unit, which are anchors).
ANCHOR_NUMBER_RE = "|".join((YEAR_RE, MIDYEAR_RE, HHMM_RE, CLOCK_AMPM_RE))
# What a symbol asks of a token besides its word class: capitals for names, no space inside "2023-12-27".
EXTRA = {"WEEKDAY": {"IS_TITLE": True}, "MONTH": {"IS_TITLE": True}, "PLAIN_MONTH": {"IS_TITLE": True},
         "MON": {"IS_TITLE": True}, "NN": {"SPACY": False}}
DERIVED = {"YEAR_": ("YEAR", {"SPACY": False}), "-_": ("-", {"SPACY": False})}


def anchor_words(lex: Lexicon) -> list[str]:
    """Words at least one of which every time expression holds (besides the numbers of ANCHOR_NUMBER_RE)."""
    phrase_ends = [p.split()[-1] for p in (*lex.relative_day_phrases, *lex.vague_past, *lex.vague_future,
                                           *lex.times_of_day)]
    return sorted({*lex.weekdays, *lex.all_months, *lex.relative_days, *lex.units, "weekend", *lex.day_parts,
                   *lex.seasons, *lex.clock_suffixes, *phrase_ends})


def _membership(kind: str, value) -> Callable[[str], bool]:
    words = frozenset(value) if kind != "re" else frozenset()
    if kind == "count":  # a number word or a small number
        small = re.compile(SMALL_NUMBER_RE)
        return lambda text: text.lower() in words or small.match(text) is not None
    if kind == "in":
        return lambda text: text.lower() in words
    regex = re.compile(value)
    return lambda text: regex.match(text.lower()) is not None


@lru_cache(maxsize=None)
def lexeme_flags(vocab: Vocab) -> Optional[dict[str, int]]:
    """One lexeme flag per word class, so that the Matcher tests classes in C at every token.

    Flags live on the vocab (bits 1..63; spaCy's own attributes take the low ones): we take free bits from
    the top, once per vocab. None (and slower Python predicates) when too few bits are free.
    """
    classes = word_classes(load_lexicon())
    free = [bit for bit in range(63, 0, -1) if bit not in vocab.lex_attr_getters]
    if len(free) < len(classes):
        log.warning("only %d free lexeme flags; the time grammar falls back to slower predicates", len(free))
        return None
    return {name: vocab.add_flag(_membership(*cls), bit) for (name, cls), bit in zip(classes.items(), free)}


def _symbols(lex: Lexicon, flags: Optional[dict[str, int]]) -> dict[str, dict]:
    """Token descriptions the patterns are written in; anything else is a literal lower-case word."""
    symbols = {",": {"ORTH": ","}, "-": {"ORTH": "-"}}
    for name, (kind, value) in word_classes(lex).items():
        if flags is not None:
            test = {flags[name]: True}
        elif kind == "re":
            test = {"LOWER": {"REGEX": value}}
        elif kind == "count":
            test = {"LOWER": {"REGEX": "^(" + "|".join(map(re.escape, value)) + r"|\d{1,3})$"}}
        else:
            test = {"LOWER": {"IN": list(value)}}
        symbols[name] = {**test, **EXTRA.get(name, {})}
    for name, (base, extra) in DERIVED.items():
        symbols[name] = {**symbols[base], **extra}
    return symbols


# --- patterns ---------------------------------------------------------------------------------------------

def _compile(spec: str, symbols: dict[str, dict]) -> list[dict]:
    """'the? DAY of MON' -> Matcher tokens; a trailing '?' makes a token optional."""
    tokens = []
    for word in spec.split():
        optional = len(word) > 1 and word.endswith("?")
        name = word[:-1] if optional else word
        token = dict(symbols[name]) if name in symbols else {"LOWER": name}
        if optional:
            token["OP"] = "?"
        tokens.append(token)
    return tokens


def family_specs(lex: Lexicon) -> dict[str, list[str]]:
    """Every family of time expressions as token-pattern specs (phrase families: `phrase_specs`).

    The order matters: on a tie in length the family declared first wins. `resolve` in
    nlp/times.py turns each family into dates.
    """
    days = ["the? DAY of? MON", "MON the? DAY"]
    return {
        # absolute days: "27 December 2023", "Tuesday, December 26, 2023", "the 27th of Dec. 2023", "2023-12-27"
        "DATE_FULL": [f"{w}{d} ,? YEAR" for d in days for w in ("", "WEEKDAY ,? ")] + ["YEAR_ -_ NN -_ NN"],
        # a day without its year: "27 December", "Dec. 27", "Tuesday, Dec. 26"
        "DATE_DM": [f"{w}{d}" for d in days for w in ("", "WEEKDAY ,? ")],
        "MONTH_YEAR": ["MON ,? of? YEAR"],
        "MONTH_REL": ["REL MONTH"],
        # "in May last year", "April of next year": a month of a year counted from publication
        "MONTH_REL_YEAR": ["MONTH ,? REL year", "MONTH of REL year"],
        # "in May", "since March", "October" (May and March only after a preposition)
        "MONTH_BARE": ["PREP MONTH", "PLAIN_MONTH"],
        "MONTH_PART": ["PARTW -? MONTH", "PARTW -? MON YEAR", "the PARTN of MONTH", "the PARTN of MON YEAR"],
        "WEEK_OF_MONTH": ["the ORD week of MONTH", "the ORD week of MON YEAR"],
        "YEAR": ["PREP YEAR"],
        "YEAR_PART": ["PARTW -? YEAR", "MIDYEAR", "the PARTN of YEAR"],
        "PERIOD_PART": ["PARTW REL PERIOD", "the PARTN of REL PERIOD", "the PARTN of the PERIOD",
                        "EDGEW this PERIOD", "EDGEW in the PERIOD"],
        "PERIOD_REL": ["REL PERIOD"],
        "WEEKEND": ["REL weekend", "the weekend"],
        "WEEKDAY": ["REL WEEKDAY DAYPART?", "EDGE on? WEEKDAY DAYPART?", "WEEKDAY DAYPART?",
                    "the DAYPART of WEEKDAY", "overnight on? WEEKDAY"],
        "RELDAY": ["EDGE? RELDAY DAYPART?"],
        "VAGUE": [],
        "PAST_N": ["the PASTW COUNT? UNIT", "the PASTW a VAGUENUM UNIT", "the PASTW a? couple of? UNIT"],
        "NEXT_N": ["the NEXTW COUNT? UNIT", "the NEXTW a VAGUENUM UNIT", "the NEXTW a? couple of? UNIT"],
        "AGO": ["COUNT UNIT ago", "a VAGUENUM UNIT ago", "a? couple of? UNIT ago"],
        "SEASON": ["the? SEASON of? YEAR", "REL SEASON", "PREP the PLAIN_SEASON"],
        # times of day ride along with a day; they are never a time expression of their own
        TIME_OF_DAY: [f"at APPROX? {c} local? time?" for c in ("CLOCK CLOCKSUFFIX", "HHMM", "CLOCK_AMPM", "POINT",
                                                               *(t for t in lex.times_of_day if " " in t))],
    }


def phrase_specs(lex: Lexicon) -> dict[str, list[str]]:
    """Fixed phrases of the lexicon, matched as they are: "the day before yesterday", "in recent months"."""
    return {"RELDAY": list(lex.relative_day_phrases), "VAGUE": [*lex.vague_past, *lex.vague_future]}


def reach(specs: list[str], lex: Lexicon) -> tuple[int, int]:
    """(before, after): the smallest window around each anchor that holds every match whole (a check
    of the grammar's shape: every pattern and phrase holds an anchor word).

    A token of a match must lie at most `before` places before, or `after` places after, an
    anchor of the same match. ValueError if a spec holds no anchor at all.
    """
    anchors = set(anchor_words(lex))
    needs = []  # per token: (distance to the next anchor, distance from the previous one)
    for spec in specs:
        names = [w[:-1] if len(w) > 1 and w.endswith("?") else w for w in spec.split()]
        where = [i for i, n in enumerate(names) if n.rstrip("_") in ANCHOR_CLASSES or n in anchors]
        if not where:
            raise ValueError(f"time pattern {spec!r} holds no anchor word")
        for i in range(len(names)):
            ahead = min((j - i for j in where if j >= i), default=99)
            behind = min((i - j for j in where if j <= i), default=99)
            needs.append((ahead, behind))
    return min(((b, a) for b in range(10) for a in range(10)
                if all(ahead <= b or behind <= a for ahead, behind in needs)), key=sum)


# Word classes and words by how rarely they stand in news text, rarest first: each token pattern is run only
# around the tokens that can fill its rarest required word (its trigger), see `TimeGrammar`.
TRIGGER_RANK = ("MIDYEAR", "HHMM", "CLOCK_AMPM", "CLOCKSUFFIX", "POINT", "SEASON", "PLAIN_SEASON", "ago", "weekend",
                "couple", "light", "MONTH", "PLAIN_MONTH", "MON", "RELDAY", "EDGEW", "WEEKDAY", "overnight", "PARTN",
                "YEAR", "PASTW", "NEXTW", "VAGUENUM", "ORD", "REL", "PARTW", "PERIOD", "DAYPART", "UNIT")


def trigger_of(spec: str) -> tuple[str, int, int]:
    """(trigger, before, after) of a spec: its required word class or word that ranks first in TRIGGER_RANK
    (any other required word after those), and how many tokens a match may have before and after it."""
    words = spec.split()
    names = [w[:-1] if len(w) > 1 and w.endswith("?") else w for w in words]
    required = [(TRIGGER_RANK.index(name) if name in TRIGGER_RANK else len(TRIGGER_RANK), i)
                for i, (word, name) in enumerate(zip(words, (n.rstrip("_") for n in names)))
                if not word.endswith("?") and any(c.isalpha() for c in name)]
    if not required:
        raise ValueError(f"time pattern {spec!r} holds no required word")
    _, at = min(required)
    return names[at].rstrip("_"), at, len(names) - 1 - at


def _trigger_words(name: str, classes: dict[str, tuple[str, object]]) -> Optional[frozenset[str]]:
    """The words a trigger stands for (a class of words, or a word itself); None for a regular expression."""
    if name not in classes:
        return frozenset([name])
    kind, value = classes[name]
    return frozenset(value) if kind == "in" else None


def _merge_triggers(names: list[str], classes: dict[str, tuple[str, object]]) -> list[list[str]]:
    """Triggers in groups: those that share a word ("last" is REL and PASTW; a month name is MON and MONTH) go
    together, so that the word runs one Matcher, not one per trigger."""
    groups: list[list[str]] = []
    for name in names:
        words = _trigger_words(name, classes)
        overlapping = [g for g in groups if words is not None
                       and any((other := _trigger_words(m, classes)) is not None and other & words for m in g)]
        groups = [g for g in groups if g not in overlapping] + [[m for g in overlapping for m in g] + [name]]
    return groups


@dataclass
class _Trigger:
    """The token patterns that share a trigger, in a Matcher of their own, and how far their matches reach."""

    name: str
    matcher: Matcher
    before: int
    after: int


class TimeGrammar:
    """The compiled grammar of one vocab: finds (family, start, end) matches in a Doc, times of day included.

    Speed: spaCy's Matcher costs about 6 us per token with every pattern in it. So the token patterns are
    grouped by their trigger (the rarest word they need, `trigger_of`), and each group's Matcher reads only
    the few tokens around that trigger's words: every match holds its pattern's trigger, so each is found
    exactly as by one Matcher over the whole Doc. The PhraseMatcher (cheap) reads the whole Doc.
    """

    def __init__(self, vocab: Vocab, use_flags: bool = True):
        self.lex = load_lexicon()
        self.vocab = vocab
        self.flags = lexeme_flags(vocab) if use_flags else None
        symbols = _symbols(self.lex, self.flags)
        specs = family_specs(self.lex)
        classes = word_classes(self.lex)
        by_trigger: dict[str, list[tuple[str, str]]] = {}  # trigger -> (family, spec) of its patterns
        for family, family_specs_ in specs.items():
            for spec in family_specs_:
                by_trigger.setdefault(trigger_of(spec)[0], []).append((family, spec))
        self.triggers: list[_Trigger] = []
        self._is_trigger: list[Callable[[str], bool]] = []  # what the flags test, for `_classify`
        for names in _merge_triggers(list(by_trigger), classes):
            families: dict[str, list[list[dict]]] = {}
            before = after = 0
            for family, spec in (pair for name in names for pair in by_trigger[name]):
                families.setdefault(family, []).append(_compile(spec, symbols))
                _, ahead, behind = trigger_of(spec)
                before, after = max(before, ahead), max(after, behind)
            matcher = Matcher(vocab, validate=self.flags is None)
            for family, patterns in families.items():
                matcher.add(family, patterns)
            self.triggers.append(_Trigger("+".join(names), matcher, before, after))
            words = [_trigger_words(name, classes) for name in names]
            self._is_trigger.append(_membership(*classes[names[0]]) if words[0] is None
                                    else _membership("in", [w for group in words for w in group]))
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        phrases = phrase_specs(self.lex)
        for family, texts in phrases.items():
            self.phrases.add(family, [Doc(vocab, words=text.split()) for text in texts])
        self._classes: dict[str, tuple[int, ...]] = {}
        self._read: dict[tuple[str, ...], Words] = {}
        log.debug("time grammar: %d token patterns in %d trigger groups", sum(len(t.matcher) for t in self.triggers),
                  len(self.triggers))

    def _classify(self, text: str) -> tuple[int, ...]:
        """The trigger groups a token text may be the trigger of: what the lexeme flags test, run once per
        distinct text (reading the flags of every token costs more than a dict look-up)."""
        if len(self._classes) > 100_000:
            self._classes.clear()
        found = self._classes[text] = tuple(k for k, test in enumerate(self._is_trigger) if test(text))
        return found

    def scan(self, doc: Doc) -> list[list[int]]:
        """For each trigger group, the tokens that may be its trigger (word class only: the Matcher checks case)."""
        texts = token_table(doc).text
        groups = list(map(self._classes.get, texts))  # None: a text not seen yet
        if None in groups:
            groups = [self._classify(text) if found is None else found for text, found in zip(texts, groups)]
        triggers: list[list[int]] = [[] for _ in self.triggers]
        for i in compress(range(len(groups)), groups):  # the few tokens that trigger a group
            for k in groups[i]:
                triggers[k].append(i)
        return triggers

    def read(self, lowers: tuple[str, ...]) -> Words:
        """`read_lowers` of a match's words, kept per distinct words (the same expressions recur): the
        record is shared, so it must not be changed."""
        words = self._read.get(lowers)
        if words is None:
            if len(self._read) > 100_000:
                self._read.clear()
            words = self._read[lowers] = read_lowers(lowers, self.lex)
        return words

    @staticmethod
    def _merge(positions: list[int], before: int, after: int, length: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for i in positions:
            start, end = max(0, i - before), min(length, i + after + 1)
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        return out

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        found = []
        strings = self.vocab.strings
        length = len(doc)
        for trigger, positions in zip(self.triggers, self.scan(doc)):
            for start, end in self._merge(positions, trigger.before, trigger.after, length):
                window = Span(doc, start, end)
                found.extend((strings[key], start + s, start + e) for key, s, e in trigger.matcher(window))
        lower = token_table(doc).lower
        for key, s, e in self.phrases(doc):  # the PhraseMatcher reads a whole Doc faster than a few windows
            if strings[key] == "RELDAY" and s > 0 and lower[s - 1] in self.lex.day_edges:
                s -= 1  # "late last night", "early this morning"
            found.append((strings[key], s, e))
        return found


@lru_cache(maxsize=None)
def get_grammar(vocab: Vocab) -> TimeGrammar:
    """The grammar of this vocab, compiled once per process."""
    return TimeGrammar(vocab)


# --- reading the words of a match -------------------------------------------------------------------------

@dataclass
class Words:
    """What the words of one time expression say, before any date arithmetic."""

    weekday: Optional[int] = None      # ISO 1..7
    month: Optional[int] = None
    day: Optional[int] = None
    year: Optional[int] = None
    rel: Optional[int] = None          # last -1, this 0, next +1
    part: Optional[int] = None         # third of the period: 0, 1, 2
    edge: Optional[int] = None         # earlier -1, later +1
    unit: Optional[str] = None         # hour|day|week|month|year|weekend
    count: Optional[tuple[int, int]] = None
    season: Optional[str] = None
    ordinal: Optional[int] = None
    day_offset: Optional[int] = None   # relative days: yesterday -1
    vague_past: Optional[int] = None
    vague_future: Optional[int] = None


_LONGEST_FIRST: dict[int, tuple[dict[str, int], list[str]]] = {}


def _find_phrase(text: str, phrases: dict[str, int]) -> Optional[int]:
    held = _LONGEST_FIRST.get(id(phrases))
    if held is None or held[0] is not phrases:  # the sorted phrases of this dict, kept with the dict itself
        held = _LONGEST_FIRST[id(phrases)] = (phrases, sorted(phrases, key=len, reverse=True))
    padded = f" {text} "
    for phrase in held[1]:
        if f" {phrase} " in padded:
            return phrases[phrase]
    return None


def read_words(tokens: Span, lex: Lexicon) -> Words:
    """Fill a Words record from the tokens of a match (any family)."""
    return read_lowers([t.lower_ for t in tokens], lex)


def read_lowers(lowers: Sequence[str], lex: Lexicon) -> Words:
    """Fill a Words record from the lower-case words of a match (any family)."""
    words = Words()
    months = lex.all_months
    for lower in lowers:
        if lower in lex.weekdays:
            words.weekday = lex.weekdays[lower]
        elif lower in months and words.month is None:
            words.month = months[lower]
        elif _YEAR.match(lower):
            words.year = int(lower)
        elif _MIDYEAR.match(lower):
            words.year, words.part = int(lower[4:]), lex.parts["mid"]
        elif _DAY.match(lower):
            words.day = int(re.match(r"\d+", lower).group())
            words.count = words.count or (words.day, words.day)
        elif lower.isdigit():
            words.count = words.count or (int(lower), int(lower))
        if lower in lex.relative and words.rel is None:
            words.rel = lex.relative[lower]
        if lower in lex.parts and words.part is None:
            words.part = lex.parts[lower]
        if lower in lex.edges:
            words.edge = lex.edges[lower]
        if lower in lex.units:
            words.unit = lex.units[lower]
        elif lower in ("weekend", "weekends"):
            words.unit = "weekend"
        if lower in lex.numbers and words.count is None:
            words.count = (lex.numbers[lower],) * 2
        if lower in lex.vague_numbers:
            words.count = lex.vague_numbers[lower]
        if lower in lex.seasons:
            words.season = lower
        if lower in lex.week_ordinals and words.ordinal is None:
            words.ordinal = lex.week_ordinals[lower]
        if lower in lex.relative_days:
            words.day_offset = lex.relative_days[lower]
    text = " ".join(lowers)
    phrase_offset = _find_phrase(text, lex.relative_day_phrases)
    if phrase_offset is not None:
        words.day_offset = phrase_offset
    words.vague_past = _find_phrase(text, lex.vague_past)
    words.vague_future = _find_phrase(text, lex.vague_future)
    return words


def is_name(first: Token, last: Token, lex: Lexicon) -> bool:
    """True when the words around a match make it part of a name: "Sunday Times", "Good Friday", "March 23 Movement"."""
    return is_name_at(token_table(first.doc), first.i, last.i, lex)


def is_name_at(table: TokenTable, first: int, last: int, lex: Lexicon) -> bool:
    """`is_name` for the match of tokens first..last (inclusive), read from the token table."""
    lower, text = table.lower, table.text
    if first > 0 and text[first - 1].istitle() and lower[first - 1] in lex.name_prefixes:
        return True
    after = last + 1
    if after >= len(lower):
        return False
    if text[after].istitle() and lower[after] in lex.name_suffixes:
        return True
    if (lower[after] in lex.day_parts or table.digit[after]) and after + 1 < len(lower):
        return text[after + 1].istitle() and lower[after + 1] in lex.name_suffixes
    return False
