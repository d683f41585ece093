"""Source phrases: where an article names someone who may be a source, and under which name.

Finds, once per document, every phrase that can name a source (news outlets and monitors from
kb/data/outlets.yaml and unlisted names shaped like outlets, institutions, office holders, role phrases
such as "a senior Pentagon official", actors, bare capitalised names) and names it as annotators do
("Russia's defence ministry" -> "Ministry of Defence of Russia"). The attribution component decides
which of them speak and over which words. Rules over tokens and the earlier components' spans; the
word lists live in kb/data/lexicon/attribution.yaml.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, Optional

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..kb import DATA_DIR, LEXICON_DIR, get_kb, load_yaml
from ..model import Actor, Location, Source
from .extensions import Marked, actor_mentions
from .rulekit import positions
from .tokentable import token_table

log = logging.getLogger(__name__)


LEXICON_PATH = Path(DATA_DIR) / LEXICON_DIR / "attribution.yaml"
QUOTES = frozenset({'"', "“", "”", "«", "»", "''", "``"})
GENERIC_KINDS = frozenset({"civilians", "unidentified"})
ARMED_KINDS = frozenset({"militia", "umbrella", "rebel", "terrorist", "political"})
SPEAKER_KIND = {  # actor kind -> source kind when an actor speaks
    "militia": "group", "umbrella": "group", "rebel": "group", "terrorist": "group", "political": "group",
    "state": "official", "state_forces": "official", "person": "official",
}
NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "bint", "de", "van", "von"})
NAME_LINKS = NAME_PARTICLES | {"-", "'", "'s", "in", "of", "for"}  # inside a name: "Islamic Resistance in Iraq"


# ---------------------------------------------------------------- word lists and knowledge-base tables

def _tuples(entries) -> dict[str, list[tuple[str, ...]]]:
    """Word sequences indexed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for entry in entries or []:
        seq = tuple(entry) if isinstance(entry, list) else tuple(str(entry).split())
        index.setdefault(seq[0], []).append(seq)
    return index


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The attribution word lists (kb/data/lexicon/attribution.yaml), read once per process."""
    data = load_yaml(LEXICON_PATH.read_text(encoding="utf-8"))
    heads = {word: kind for kind, words in data["role_heads"].items() for word in words}
    return {
        "verbs": data["verbs"],
        "tell": set(data["tell_verbs"]), "to": set(data["to_verbs"]), "quote": set(data["quote_verbs"]),
        "interview": _tuples(data["interview_with"]), "audiences": _tuples(data["audiences"]),
        "fillers": set(data["subject_fillers"]), "time_words": set(data["time_words"]),
        "time_prefixes": set(data["time_prefixes"]), "not_names": set(data["not_names"]),
        "determiners": set(data["determiners"]), "modifiers": set(data["role_modifiers"]),
        "anonymity": _tuples(data["anonymity_clauses"]),
        "heads": heads, "needs_modifier": set(data["needs_modifier"]),
        "aff_preps": _tuples(data["affiliation_preps"]), "place_preps": _tuples(data["place_preps"]),
        "anaphora": data["anaphora"],
        "descriptors": data["outlet_descriptors"], "outlet_modifiers": set(data["outlet_modifiers"]),
        "reject_next": set(data["outlet_reject_next"]), "need_context": set(data["outlets_need_context"]),
        "case_free": set(data["case_free"]), "institutions": data["institutions"],
        "office_modifiers": set(data["office_modifiers"]), "outlet_endings": set(data["outlet_name_endings"]),
        "trailing": set(data["trailing_clause"]), "participles": set(data["participles"]),
        "state_bodies": data["state_bodies"], "carried": set(data["carried_by"]),
        "document_participles": set(data["document_participles"]), "passive_next": set(data["passive_next"]),
        "passive_verbs": set(data["passive_verbs"]), "no_subject_before": set(data["no_subject_before"]),
        "adjective_before": set(data["adjective_before"]), "place_nouns": set(data["place_nouns"]),
        "possessive_places": set(data["possessive_places"]),
        "place_participles": set(data["place_participles"]), "group_heads": set(data["group_heads"]),
    }


def _variants(name: str) -> set[str]:
    """Spelling variants every outlet name gets for free: hyphen or space after 'Al', straight apostrophes."""
    out = {name, name.replace("’", "'"), name.replace("-", " ")}
    out.add(re.sub(r"\b([Aa]l|[Ee]l|[Aa][dnrstz]|[Aa]sh) ", r"\1-", name))
    return {v for v in out if v.strip()}


def _title(words: str) -> str:
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words.split())


# ---------------------------------------------------------------- candidate phrases and per-document indexes


@dataclass
class Candidate:
    """A phrase that may name a source; `source` has no verb yet."""

    start: int
    end: int
    role: str  # outlet | actor | office | role | anaphor | name
    source: Optional[Source]
    head: str = ""
    context: bool = True  # outlets that need a reporting position or a descriptor to count
    office: Optional[str] = None
    anaphoric: bool = False  # "the prime minister": the office named before, if any


class _LazyCandidate(Candidate):
    """A candidate whose Source is built at its first use, as `build(*args)`: most role phrases and actor
    mentions never speak, and naming them (state bodies, possessives, the words as written) costs more than
    finding them. (A builder and an argument tuple, not a closure: a closure's cells are objects of their own
    for the cyclic GC to count and scan.)"""

    def __init__(self, start: int, end: int, role: str, build: Callable[..., Source], args: tuple, head: str = ""):
        self._build: Optional[Callable[..., Source]] = build
        self._args = args
        super().__init__(start, end, role, None, head=head)

    @property
    def source(self) -> Optional[Source]:
        if self._build is not None:
            self._source, self._build, self._args = self._build(*self._args), None, ()
        return self._source

    @source.setter
    def source(self, value: Optional[Source]) -> None:
        self._source = value


class _Shape(NamedTuple):
    text: str
    lower: str
    cap: bool  # title case or upper case letters
    title: bool
    alpha: bool
    lower_alpha: bool
    punct: bool  # punctuation, quotation mark or white space
    quote: bool
    newline: bool


_ROLE = Candidate(0, 0, "role", None)  # what an uncovered token counts as in a name run


@dataclass
class DocState:
    """Per-document indexes the rules look things up in."""

    doc: Doc
    shapes: list[_Shape]
    low: list[str]
    units: list[tuple[int, int]]
    unit_of: list[int]
    idx: list[int]  # character offset of each token
    para_of: list[int]  # paragraph number of each token (paragraphs end at line breaks)
    times: set[int]
    actors: list[Marked]
    actor_end: dict[int, Marked]
    actor_start: dict[int, Marked]
    places: dict[tuple[int, int], Location]
    text: str = ""  # the document's text
    actor_at: dict[int, Marked] = field(default_factory=dict)  # the first actor mention over each token
    looked_at: list[int] = field(default_factory=list)  # the words of SourceFinder.looked_at, in order
    marks_end: dict[int, list[tuple[int, str, object]]] = field(default_factory=dict)
    marks_start: dict[int, list[tuple[int, str, object]]] = field(default_factory=dict)
    cand_start: dict[int, Candidate] = field(default_factory=dict)
    cand_end: dict[int, Candidate] = field(default_factory=dict)
    covered: dict[int, Candidate] = field(default_factory=dict)
    mentions: dict[tuple[int, int], Source] = field(default_factory=dict)
    unlisted_outlets: dict[int, Candidate] = field(default_factory=dict)  # outlets named like outlets, by start

    def covering_actor(self, i: int) -> Optional[Marked]:
        return self.actor_at.get(i)

    def marks_of(self, kind: str) -> Iterator[tuple[int, int, int, list[tuple[int, object]]]]:
        """Per start word, in marking order: (start, unit_start, unit_end, [(end, value), ...]) of the
        phrase-list marks of one kind ("outlet", "office", "inst"), with the bounds of the start's unit.
        Grouped by start because the rules stop at the first fitting mark of a start."""
        for start, marks in self.marks_start.items():
            mine = [(end, value) for end, mark_kind, value in marks if mark_kind == kind]
            if mine:
                yield (start, *self.units[self.unit_of[start]], mine)

    def para(self, char: int) -> int:
        return self.para_of[max(0, bisect.bisect_right(self.idx, char) - 1)]

    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.idx, char) - 1)

    def end_char(self, i: int) -> int:
        """Where word i ends (character offset)."""
        return self.idx[i] + len(self.shapes[i].text)

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Character range of words start..end (end exclusive)."""
        return self.idx[start], self.end_char(end - 1)

    def text_of(self, start: int, end: int) -> str:
        """The words start..end as written (a token is followed by one space or none)."""
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.end_char(end - 1)]

    def mark_ending(self, end: int, kind: str):
        for s, k, v in self.marks_end.get(end, ()):
            if k == kind:
                return s, v
        return None

    def mark_starting(self, start: int, kind: str):
        for e, k, v in self.marks_start.get(start, ()):
            if k == kind:
                return e, v
        return None

    def mention(self, cand: Candidate, source: Source) -> None:
        """Record a source mention; the first use with a reporting verb gives it its verb."""
        known = self.mentions.get((cand.start, cand.end))
        if known is None or (known.verb is None and source.verb is not None):
            self.mentions[(cand.start, cand.end)] = source


# ---------------------------------------------------------------- the finder

class SourceFinder:
    """Finds and names the candidate source phrases of a document; matchers are built once per pipeline."""

    def __init__(self, nlp: Language):
        self.lex = lexicon()
        kb = get_kb()
        self.kb = kb
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.keys: dict[int, tuple[str, object, tuple[str, ...]]] = {}
        tok = nlp.tokenizer
        self._add(tok, "outlet", ((o.id, n) for o in kb.outlets.values() for name in o.names()
                                  for n in _variants(name)))
        self._add(tok, "inst", ((i, n) for i, inst in enumerate(self.lex["institutions"])
                                for name in [inst["name"], *inst.get("aliases", [])] for n in _variants(name)))
        self.country_name: dict[str, str] = {}
        states = [a for a in kb.actors.values() if a.kind == "state" and a.country]
        for state in states:
            self.country_name[state.country] = state.name
        self.actor_ids = {a.name: a.id for a in kb.actors.values()}
        self.forces_country = {a.name: a.country for a in kb.actors.values()  # "of the Armed Forces of Ukraine"
                               if a.kind == "state_forces" and a.country}
        self._add(tok, "country", ((s.country, n) for s in states for n in [*s.names(), *s.demonyms]))
        self._add(tok, "office", ((o.id, t) for o in kb.offices.values() for t in o.titles))
        self._add(tok, "descriptor", (("d", d) for d in self.lex["descriptors"]))
        self.verbs = self.lex["verbs"]
        self.triggers = {*self.verbs, "according"}  # the words a reporting frame can start at
        # every word a rule looks for word by word (time words, role heads, outlet name endings, reporting verbs):
        # one pass over the document finds them all
        self.looked_at = frozenset(self.lex["time_words"]) | set(self.lex["time_prefixes"]) | set(self.lex["heads"]) \
            | set(self.lex["outlet_endings"]) | self.triggers
        self.bodies_by_head: dict[str, list[dict]] = {}  # the state bodies by head word, in list order
        for body in self.lex["state_bodies"]:
            self.bodies_by_head.setdefault(body["head"], []).append(body)
        self.shapes: dict[str, _Shape] = {}
        log.info("sources: %d outlets, %d states, %d offices", len(kb.outlets), len(states), len(kb.offices))

    def _add(self, tokenizer, kind: str, pairs) -> None:
        pairs = list(pairs)
        docs = list(tokenizer.pipe(name for _, name in pairs))
        for n, ((value, _), pattern) in enumerate(zip(pairs, docs)):
            key = f"{kind}:{value}:{n}"
            self.matcher.add(key, [pattern])
            self.keys[self.matcher.vocab.strings[key]] = (kind, value, tuple(t.text for t in pattern))

    def find(self, doc: Doc, state_type: type[DocState] = DocState) -> DocState:
        """The document's indexes, dictionary matches and candidate source phrases (in a `state_type`, which
        may carry more fields for the rules that use them)."""
        st = self._state(doc, state_type)
        self._marks(st)
        self._candidates(st)
        return st

    # -------------------------------------------------------- per-document indexes

    def _shape(self, text: str) -> _Shape:
        """What the rules ask of a word, computed once per distinct word."""
        shape = self.shapes.get(text)
        if shape is None:
            quote = text in QUOTES
            space = text.isspace()
            shape = _Shape(text, text.lower(), (text.istitle() or text.isupper()) and text.isalpha(), text.istitle(),
                           text.isalpha(), text.isalpha() and text.islower(),
                           quote or space or not any(ch.isalnum() for ch in text), quote, space and "\n" in text)
            if len(self.shapes) < 500_000:
                self.shapes[text] = shape
        return shape

    def _state(self, doc: Doc, state_type: type[DocState]) -> DocState:
        table = token_table(doc)
        shapes = list(map(self.shapes.get, table.text))  # the words seen before: most of them
        if None in shapes:
            shapes = [shape or self._shape(text) for shape, text in zip(shapes, table.text)]
        low, idx, n_tokens = table.lower, table.idx, len(table)
        breaks = [i for i, shape in enumerate(shapes) if shape.newline]
        para_of: list[int] = []  # paragraph number of each token: the line breaks before it
        for k, brk in enumerate(breaks):
            para_of.extend([k] * (brk + 1 - len(para_of)))
        para_of.extend([len(breaks)] * (n_tokens - len(para_of)))
        units: list[list[int]] = []
        for s_start, s_end in table.sentences:  # a sentence split at its line breaks
            start = s_start
            for i in breaks[bisect.bisect_left(breaks, s_start):bisect.bisect_left(breaks, s_end)]:
                if i > start:
                    units.append([start, i])
                start = i + 1
            if s_end > start:
                units.append([start, s_end])
        quotes = [i for i, shape in enumerate(shapes) if shape.quote]

        def spaced(i: int) -> bool:  # a space follows word i (spaCy keeps one space or none)
            return table.char_end(i) < (idx[i + 1] if i + 1 < n_tokens else len(table.doc_text))

        for k in range(len(units) - 1):  # quotation marks the sentencizer put on the wrong side
            s, e = units[k]
            nxt = units[k + 1]
            if nxt[0] != e or (bisect.bisect_left(quotes, e) - bisect.bisect_left(quotes, s)) % 2 == 0:
                continue
            if e - s > 1 and shapes[e - 1].quote and spaced(e - 2):  # an opening mark
                units[k][1] -= 1
                units[k + 1][0] -= 1
            elif nxt[1] > nxt[0] and shapes[nxt[0]].quote and not spaced(e - 1):  # a closing one
                units[k][1] += 1
                units[k + 1][0] += 1
        units = [(s, e) for s, e in units if e > s]
        unit_of = [0] * n_tokens
        for n, (s, e) in enumerate(units):
            unit_of[s:e] = [n] * (e - s)
        looked_at = positions(low, self.looked_at)  # one pass for the word lists below
        times = {i for span in doc.spans.get("times", []) for i in range(span.start, span.end)}
        time_words, time_prefixes = self.lex["time_words"], self.lex["time_prefixes"]
        times.update(i for i in looked_at if low[i] in time_words)
        for i in reversed([i for i in looked_at if low[i] in time_prefixes]):  # "on Wednesday", "late last night"
            if i + 1 in times:
                times.add(i)
        actors = actor_mentions(doc)
        places = {}
        for s in doc.spans.get("places", []):
            location = s._.location
            if location is not None:
                places[(s.start, s.end)] = location
        actor_at: dict[int, Marked] = {}
        for ref in actors:
            for i in range(ref.start, ref.end):
                actor_at.setdefault(i, ref)
        return state_type(doc=doc, shapes=shapes, low=low, units=units, unit_of=unit_of, idx=idx,
                          para_of=para_of, times=times, actors=actors, actor_end={s.end: s for s in actors},
                          actor_start={s.start: s for s in actors}, places=places, text=table.doc_text,
                          actor_at=actor_at, looked_at=looked_at)

    def _marks(self, st: DocState) -> None:
        """Dictionary matches (outlets, institutions, countries, offices, descriptors) that pass the case check."""
        case_free = self.lex["case_free"]
        doc = st.doc
        for key, s, e in self.matcher(doc):
            kind, value, alias = self.keys[key]
            if not _case_ok(alias, st.shapes[s:e], case_free):
                continue
            st.marks_start.setdefault(s, []).append((e, kind, value))
            st.marks_end.setdefault(e, []).append((s, kind, value))
        for table in (st.marks_start, st.marks_end):  # longest first
            for marks in table.values():
                marks.sort(key=lambda m: -abs(m[0]))

    # -------------------------------------------------------- candidate source phrases: outlets, institutions, offices

    def _candidates(self, st: DocState) -> None:
        cands: list[Candidate] = []
        cands += self._outlets(st)
        cands += self._offices(st)
        cands += self._roles(st)
        cands += self._institutions(st)
        published = st.doc._.published
        for span in st.actors:  # "residents said": the role words read better than a generic actor's name
            role = "generic" if span.actor.kind in GENERIC_KINDS else "actor"
            cands.append(_LazyCandidate(span.start, span.end, role, self.actor_source, (span.actor, span, published)))
        priority = {"outlet": 0, "office": 1, "inst": 1, "actor": 2, "role": 3, "anaphor": 3, "generic": 4}
        cands.sort(key=lambda c: (-(c.end - c.start), priority[c.role], c.start))
        taken: set[int] = set()
        for cand in cands:
            if not taken.isdisjoint(range(cand.start, cand.end)):
                continue
            taken.update(range(cand.start, cand.end))
            st.covered.update(dict.fromkeys(range(cand.start, cand.end), cand))
            st.cand_start[cand.start] = cand
            st.cand_end[cand.end] = cand
        offices: dict[str, Source] = {}
        for start in sorted(st.cand_start):  # "the prime minister" after "the Iraqi prime minister"
            cand = st.cand_start[start]
            if cand.role != "office":
                continue
            if cand.anaphoric and cand.office in offices:
                ref = offices[cand.office]
                cand.source = changed(cand.source, {"name": ref.name, "affiliation": ref.affiliation})
            elif cand.source.affiliation:
                offices[cand.office] = cand.source
        for cand in st.cand_start.values():  # every outlet named is a source mention
            if cand.role == "outlet" and cand.context and not self._dateline_credit(st, cand):
                st.mention(cand, cand.source)

    @staticmethod
    def _dateline_credit(st: DocState, cand: Candidate) -> bool:
        """'KABUL (Tigris Wire) –': the publisher's credit in the opening dateline, not a source in the text."""
        low, (unit_start, unit_end) = st.low, st.units[st.unit_of[cand.start]]
        return (st.unit_of[cand.start] == 0 and cand.start - 1 > unit_start and low[cand.start - 1] == "("
                and cand.end + 1 < unit_end and low[cand.end] == ")" and st.shapes[cand.end + 1].punct)

    def _outlets(self, st: DocState) -> list[Candidate]:
        low, lex = st.low, self.lex
        found = []
        for s, unit_start, unit_end, marks in st.marks_of("outlet"):
            for e, oid in marks:
                left, right, described = s, e, False
                d = st.mark_starting(e, "descriptor")
                if d and d[0] <= unit_end:
                    right, described = d[0], True
                d = st.mark_ending(s, "descriptor")
                if d and d[0] >= unit_start:
                    left, described = d[0], True
                d = st.mark_ending(e, "descriptor")
                described = described or bool(d and d[0] > s)  # the name ends in one: "Al-Mayadeen TV"
                if described:
                    left = self._outlet_modifiers(st, left, unit_start)
                if left > unit_start and low[left - 1] in ("the", "a") and left < s + 1:
                    left -= 1
                nxt = right
                if nxt < unit_end and low[nxt] in lex["reject_next"]:
                    break
                if not described and nxt < unit_end and st.shapes[nxt].cap and nxt not in st.times:
                    break  # part of a longer name ("CNN Turk", "The National Guard")
                if not described and low[e - 1] in lex["outlet_endings"] and self._of_name(st, e, unit_end) > e:
                    break  # a longer name in no list, left to the rule below: "the Times of Malta"
                if any(a.start < e and a.end > s and (a.start < s or a.end > e) for a in st.actors):
                    break
                entry = self.kb.outlets[oid]
                context = described or (oid not in lex["need_context"] and (s, e) not in st.places)
                if not context:
                    context = self._reporting_position(st, left, right)
                found.append(Candidate(left, right, "outlet", self.outlet_source(entry, st.chars(left, right)),
                                   context=context))
                break  # the longest outlet match at this start
        known = {i for c in found for i in range(c.start, c.end)}
        endings = lex["outlet_endings"]
        for i in [i for i in st.looked_at if low[i] in endings]:  # unlisted outlets named like outlets: "Tigris Wire"
            if not st.shapes[i].cap or i in known or i in st.actor_at:
                continue
            unit_start, unit_end = st.units[st.unit_of[i]]
            start = i
            while start > unit_start and (self._capitalised(st, start - 1, unit_start) or (
                    st.shapes[start - 1].cap and start - 1 == unit_start)) and start - 1 not in known:
                start -= 1
            end = self._of_name(st, i + 1, unit_end)  # "The Herald of Lagos", "Radio of the Republic of Kenya"
            if (start < i or end > i + 1) and not any(j in st.actor_at for j in range(start, i)):
                name = st.text_of(start, end)
                if end > i + 1:  # a new name of this kind: with its article and a descriptor after it, as listed ones
                    if start > unit_start and low[start - 1] == "the":
                        start -= 1
                    described = st.mark_starting(end, "descriptor")  # "the Voice of Kivu radio station"
                    end = described[0] if described and described[0] <= unit_end else end
                cand = Candidate(start, end, "outlet", Source(name=name, kind="outlet", span=st.chars(start, end)))
                found.append(cand)
                st.unlisted_outlets[cand.start] = cand
        return found

    def _of_name(self, st: DocState, k: int, unit_end: int) -> int:
        """End of the 'of (the) Name' parts that go on an outlet's name at word k ('... of the Republic of
        Kenya'); k itself when none does. A name followed by "'s" is the outlet's object, not its name."""
        low = st.low
        end = k
        while end + 1 < unit_end and low[end] == "of":
            at = end + 2 if low[end + 1] == "the" else end + 1
            run = self._name_run(st, at, unit_end) if at < unit_end and self._capitalised(st, at, -1) else at
            if run == at or (run < unit_end and low[run] == "'s"):
                break
            end = run
        return end

    def _outlet_modifiers(self, st: DocState, left: int, unit_start: int) -> int:
        """Extend 'newspaper X' leftwards over 'the Qatari', "Iran's semi-official", 'the Beirut-based'."""
        low = st.low
        j = left
        while j > unit_start and left - j < 8:
            w = low[j - 1]
            country = st.mark_ending(j, "country")
            if country:
                j = country[0]
            elif w in self.lex["outlet_modifiers"] or w == "-" or w == "'s":
                j -= 1
            elif st.shapes[j - 1].cap and j - 1 > unit_start:
                j -= 1
            elif w in ("the", "a", "an"):
                return j - 1
            else:
                break
        while j < left and low[j] in ("-", "'s"):
            j += 1
        return j

    def _institutions(self, st: DocState) -> list[Candidate]:
        """'the Pentagon', 'the Kremlin', 'ISPR' speaking: an official source of that country."""
        found = []
        for s, _, _, marks in st.marks_of("inst"):
            for e, index in marks:
                inst = self.lex["institutions"][index]
                left = s - 1 if s > 0 and st.low[s - 1] == "the" else s
                speaker = "official" if inst.get("country") else "other"  # the UN, NATO: no one state
                found.append(Candidate(left, e, "inst", Source(name=inst["name"], kind=speaker,
                                                           affiliation=inst.get("country"),
                                                           span=st.chars(left, e))))
                break
        return found

    def _reporting_position(self, st: DocState, left: int, right: int) -> bool:
        low = st.low
        k = right
        while k < len(low) and (k in st.times or low[k] in self.lex["fillers"]):
            k += 1
        if k < len(low) and (low[k] in self.verbs or low[k] == "'s"):
            return True
        before = low[max(0, left - 2):left]
        return before[-1:] in (["told"], ["to"], ["quoted"], ["cited"], ["with"], ["by"]) or before == [
            "according", "to"]

    def outlet_source(self, entry, chars: tuple[int, int]) -> Source:
        affiliation = entry.country
        if entry.affiliation:  # the owner: a state by its country code, any other actor by its name
            actor = self.kb.actors.get(entry.affiliation)
            if actor is None:
                affiliation = entry.affiliation
            else:
                affiliation = actor.country if actor.kind == "state" and actor.country else actor.name
        return Source(name=entry.name, kind="other" if entry.kind == "other" else "outlet",
                      affiliation=affiliation, span=chars, kb_id=entry.id)

    def actor_source(self, actor: Actor, span: Marked, day) -> Source:
        """An actor speaking: armed groups and parties as 'group', states, their forces and persons as 'official'."""
        kind = SPEAKER_KIND.get(actor.kind, "other")
        entry = self.kb.actors.get(actor.kb_id) if actor.kb_id else None
        affiliation = None
        if entry is not None and actor.kind in ("state", "state_forces", "person"):
            terms = [t for t in entry.offices if day is None or t.active_on(day)]
            served = self.kb.actors.get(entry.forces_of) if entry.forces_of else None
            affiliation = (terms[0].country if terms else None) or entry.country or (served and served.country)
        return Source(name=actor.name, kind=kind, affiliation=affiliation, span=(span.start_char, span.end_char),
                      kb_id=actor.kb_id)

    def _offices(self, st: DocState) -> list[Candidate]:
        """'the Iraqi prime minister', "Iraq's defence minister", 'President X', 'the prime minister of Iraq'."""
        low = st.low
        found = []
        for s, unit_start, unit_end, marks in st.marks_of("office"):
            for e, office in marks:
                left, country, det = s, None, None
                while left > unit_start and low[left - 1] in self.lex["office_modifiers"]:
                    left -= 1
                mark = st.mark_ending(left, "country")
                if mark is None and left - 1 > unit_start and low[left - 1] == "'s":
                    mark = st.mark_ending(left - 1, "country")
                if mark is None:
                    actor = st.actor_end.get(left) or (st.actor_end.get(left - 1) if low[left - 1:left] == ["'s"]
                                                       else None)
                    if actor is not None and actor.actor.kind == "state" and actor.actor.kb_id in self.kb.actors:
                        mark = (actor.start, self.kb.actors[actor.actor.kb_id].country)
                if mark is not None:
                    left, country = mark
                while left > unit_start and low[left - 1] in self.lex["office_modifiers"]:
                    left -= 1
                if left > unit_start and low[left - 1] in ("the", "a", "an"):
                    left, det = left - 1, low[left - 1]
                right = e
                if country is None and e + 1 < unit_end and low[e] == "of":
                    after = st.mark_starting(e + 1, "country") or (
                        st.mark_starting(e + 2, "country") if low[e + 1] == "the" else None)
                    if after:
                        right, country = after
                title = _title(st.text_of(s, e).lower())
                person = st.actor_start.get(right)
                name = None
                if person is not None and person.actor.kind == "person":
                    right, name = person.end, person.actor.name
                elif right < unit_end and st.shapes[right].title and right not in st.times:
                    run = self._name_run(st, right, unit_end)
                    if run > right and not (run == right + 1 and low[right] in self.verbs):
                        right, name = run, st.text_of(right, run)
                if name is None and country is None and det != "the":
                    break  # "a senior commander": a role, left to the role rules
                if name is None and country:
                    name = f"{title} of {self.country_name.get(country, country)}"
                source = Source(name=name or title, kind="official", affiliation=country, span=st.chars(left, right))
                found.append(Candidate(left, right, "office", source, head=title.lower(), office=office,
                                   anaphoric=name is None and det == "the"))
                break
        return found

    def _name_run(self, st: DocState, start: int, unit_end: int) -> int:
        """End of a run of capitalised words (a person's name) starting at `start`."""
        low, shapes = st.low, st.shapes
        k = start
        while k < unit_end and k - start < 6:
            if shapes[k].cap and k not in st.times:
                k += 1
            elif low[k] in NAME_PARTICLES or (
                    low[k] in ("-", "'") and k + 1 < unit_end and st.shapes[k + 1].title and k > start):
                k += 1
            else:
                break
        while k > start and not shapes[k - 1].cap:
            k -= 1
        return k

    # -------------------------------------------------------- role phrases: "a senior Pentagon official"

    def _roles(self, st: DocState) -> list[Candidate]:
        heads, low = self.lex["heads"], st.low
        found, i = [], 0
        for h in [h for h in st.looked_at if low[h] in heads]:  # only head words can start a role phrase
            if h < i:
                continue  # inside the role phrase found last
            kind = heads[low[h]]
            compound = h + 1 < len(low) and low[h + 1] in heads and st.unit_of[h + 1] == st.unit_of[h]
            cand = self._role(st, h, kind) if kind and not compound else None
            if cand is not None:
                found.append(cand)
                i = cand.end
        return found

    def _role(self, st: DocState, h: int, kind: str) -> Optional[Candidate]:
        low, lex = st.low, self.lex
        covering = st.actor_at.get(h)
        if covering is not None and covering.actor.kind not in GENERIC_KINDS:
            return None  # "The Arakan Army" is a name, not a role
        if h + 1 < len(low) and low[h + 1] in lex["adjective_before"]:
            return None  # "official figures": the head word is an adjective here
        if st.shapes[h].cap and h + 1 < len(low) and (st.shapes[h + 1].cap or low[h + 1] == "'s") and \
                h > st.units[st.unit_of[h]][0]:
            return None  # "Monywa People's Defence Force": a word of a longer name
        unit_start, unit_end = st.units[st.unit_of[h]]
        affs: list[tuple[int, str]] = []  # (rank, affiliation): lower rank wins
        det, mods, j = None, 0, h
        while j > unit_start and h - j < 10:
            w = low[j - 1]
            actor = st.actor_end.get(j)
            marked = j in st.marks_end  # few words end a dictionary match
            inst = st.mark_ending(j, "inst") if marked else None
            country = st.mark_ending(j, "country") if marked else None
            outlet = st.mark_ending(j, "outlet") if marked else None
            if actor is not None and actor.start >= unit_start:
                affs.append(self._actor_affiliation(actor))
                j = actor.start
            elif inst is not None:
                affs.append((1, lex["institutions"][inst[1]]["name"]))
                j = inst[0]
            elif outlet is not None:
                affs.append((1, self.kb.outlets[outlet[1]].name))
                j = outlet[0]
            elif country is not None:
                affs.append((2, country[1]))
                j = country[0]
            elif w in ("-", "'s", "'", "’"):  # "the students' union"
                j -= 1
                continue
            elif w in lex["modifiers"] or w in lex["heads"] or w in lex["anaphora"]["same"] or (
                    w in lex["possessive_places"] and low[j] == "'s"):  # "the territory's administrator"
                j -= 1
            elif w in lex["determiners"]:
                det, j = w, j - 1
                break
            elif self._capitalised(st, j - 1, unit_start):
                affs.append((3, st.shapes[j - 1].text))
                j -= 1
            else:
                break
            mods += 1
        left = j
        while left < h and low[left] in ("-", "'s", "'", "’"):
            left += 1
        right, post_actor, name, linked = h + 1, None, None, None
        for _ in range(3):
            end = seq_end(low, right, lex["anonymity"], unit_end)
            if end:
                right = end
                continue
            end = seq_end(low, right, lex["aff_preps"], unit_end)
            obj = self._object(st, end, unit_end) if end else None
            if obj is not None:
                right, aff, actor = obj
                if aff:
                    affs.insert(0, (-1, aff))
                post_actor = actor or post_actor
                continue
            end = seq_end(low, right, lex["place_preps"], unit_end)
            obj = self._place_object(st, end, unit_end) if end else None
            if obj is not None:
                right = obj
                continue
            break
        if kind in ("official", "spokesperson", "journalist") and right == h + 1 and right < unit_end:
            person = st.actor_start.get(right)  # "army spokesman Yahya Rasool"
            if person is not None and person.actor.kind == "person":
                right, name = person.end, person.actor.name
            elif person is not None and person.actor.kind not in GENERIC_KINDS and kind == "official":
                right, name, post_actor = person.end, person.actor.name, person  # "the UN mission MINUSCA"
                linked = person.actor.kb_id
            elif self._capitalised(st, right, unit_start):
                run = self._name_run(st, right, unit_end)
                if run > right:
                    right, name = run, st.text_of(right, run)
        bare = mods == 0 and right == h + 1
        if bare and det is None and low[h] in lex["needs_modifier"]:
            return None
        chars = st.chars(left, right)
        if (kind == "group" or (low[h] in lex["group_heads"] and mods == 0)) and det in ("the", "that", "this") and \
                not any(rank == 0 for rank, _ in affs):
            antecedent = self._group_antecedent(st, left)
            if antecedent is not None:
                actor = antecedent.actor
                return Candidate(left, right, "role", Source(name=actor.name, kind="group", span=chars,
                                                         kb_id=actor.kb_id))
        if bare and det in lex["anaphora"]["determiners"] and low[h] in lex["anaphora"]["heads"]:
            return Candidate(left, right, "anaphor", Source(name=self._phrase_name(st, left, right, None), kind=kind,
                                                        span=chars), head=low[h])
        if (mods == 1 and right == h + 1 and det in lex["anaphora"]["determiners"]
                and low[h - 1] in lex["anaphora"]["same"] and low[h] in lex["anaphora"]["heads"]):
            return Candidate(left, right, "anaphor", Source(name=self._phrase_name(st, left, right, None), kind=kind,
                                                        span=chars), head=low[h])
        return _LazyCandidate(left, right, "role", self._role_source,
                         (st, left, right, h, kind, det, name, post_actor, affs, linked), head=low[h])

    def _role_source(self, st: DocState, left: int, right: int, h: int, kind: str, det: Optional[str],
                     name: Optional[str], post_actor: Optional[Marked], affs: list[tuple[int, str]],
                     linked: Optional[str]) -> Source:
        """The Source a role phrase names (built when the phrase is first used as a source)."""
        if name is None and kind == "spokesperson":
            name = self._spokesperson_name(st, left, h, det, post_actor)
        if name is None:
            name = self._possessive_name(st, left, right, h, det, affs)
        source = Source(name=name or self._phrase_name(st, left, right, post_actor), kind=kind,
                        affiliation=min(affs)[1] if affs else None, span=st.chars(left, right), kb_id=linked)
        return self._state_body(st, left, right, h, affs, source)

    def _spokesperson_name(self, st: DocState, left: int, h: int, det: Optional[str],
                           post_actor: Optional[Marked]) -> Optional[str]:
        """A spokesperson of a named organisation under the organisation's name, as annotators name it:
        'a spokesman for the group' -> 'Baloch Yakjehti Committee spokesman', 'the council's military
        spokesman' -> 'Southern Transitional Council military spokesman', 'a Taliban police spokesman in the
        province' -> 'Taliban police spokesman'."""
        low = st.low
        start = left + 1 if det is not None else left
        org = None
        if post_actor is not None:
            org = post_actor.actor.name
        elif start + 1 < h and low[start + 1] == "'s" and low[start] in self.lex["anaphora"]["named_heads"]:
            found = self.named_actor(st, low[start], left)  # "the council's military spokesman"
            org, start = (found.actor.name, start + 2) if found is not None else (None, start)
        else:
            inside = st.actor_start.get(start)
            if inside is not None and inside.end <= h and inside.actor.kind not in GENERIC_KINDS:
                org, start = inside.actor.name, inside.end
                if start < h and low[start] == "'s":
                    start += 1
        if org is None:
            return None
        return " ".join([org, st.text_of(start, h + 1)]) if start <= h else None

    def _possessive_name(self, st: DocState, left: int, right: int, h: int, det: Optional[str],
                         affs: list[tuple[int, str]]) -> Optional[str]:
        """A role of a state body or of a place named before, under that name: "the health ministry's emergency
        service" -> "Ministry of Health of Libya emergency service", "the city's health office" (after Taiz) ->
        "Taiz city health office"."""
        low = st.low
        poss = next((m for m in range(left, h) if low[m] == "'s"), None)
        if poss is None or poss == left:
            return None
        rest = st.text_of(poss + 1, right)
        if low[poss - 1] in {b["head"] for b in self.lex["state_bodies"]}:
            body = self._state_body(st, left, poss, poss - 1, affs, Source(name="", span=(0, 0)))
            return f"{body.name} {rest}" if body.name else None
        if det == "the" and poss == left + 2 and low[left + 1] in self.lex["possessive_places"]:
            para = st.para_of[left]
            before = [(s, e) for (s, e) in st.places if e <= left and para - st.para_of[s] <= 1]
            if before:
                s, e = max(before)
                place = st.text_of(s, e)
                noun = "" if low[e - 1] == low[left + 1] else f" {low[left + 1]}"
                return f"{place}{noun} {rest}"
        return None

    def named_actor(self, st: DocState, head: str, before: int) -> Optional[Marked]:
        """The last actor named before `before`, within reach, whose canonical name has the word `head`."""
        para = st.para_of[before] if before < len(st.para_of) else st.para_of[-1]
        for span in reversed(st.actors):
            if span.end <= before and para - st.para_of[span.start] <= self.lex["anaphora"]["named_reach"] and \
                    head in span.actor.name.lower().split():
                return span
        return None

    def _state_body(self, st: DocState, left: int, right: int, h: int, affs: list[tuple[int, str]],
                    source: Source) -> Source:
        """'Russia's defence ministry' -> 'Ministry of Defence of Russia', linked to the state's entry."""
        bodies = self.bodies_by_head.get(st.low[h])
        if not bodies:
            return source
        words = set(st.low[left:right])
        body = next((b for b in bodies if words.issuperset(b["words"])), None)
        if body is None:
            return source
        affs = [(rank, self.forces_country.get(aff, aff)) for rank, aff in affs
                if rank != -1 or aff.split()[0].lower() not in body["words"]]  # "the Ministry of (Health)"
        countries = [aff for rank, aff in sorted(affs) if aff in self.country_name]
        if affs and not countries:  # a body of a non-state organisation: "the NUG's defence ministry"
            rank, owner = min(affs)
            if rank > 0 or owner not in self.actor_ids:
                return source
            return changed(source, {"name": body["name"].format(country=owner), "kb_id": self.actor_ids[owner]})
        inside = [loc.country for (s, e), loc in st.places.items() if left <= s and e <= right and loc.country]
        country = countries[0] if countries else (inside[0] if inside else self._article_country(st))
        if country not in self.country_name:
            return source
        entry = body["entry"].format(cc=country.lower())
        return changed(source, {"name": body["name"].format(country=self.country_name[country]),
                              "affiliation": country, "kb_id": entry if entry in self.kb.actors else None})

    @staticmethod
    def _article_country(st: DocState) -> Optional[str]:
        """The country most of the article's resolved places lie in."""
        counts = Counter(loc.country for loc in st.places.values() if loc.country)
        return counts.most_common(1)[0][0] if counts else None

    def _capitalised(self, st: DocState, i: int, unit_start: int) -> bool:
        """A capitalised word that may be part of a name (not a sentence-initial 'But' or a weekday)."""
        if not st.shapes[i].cap or i in st.times:
            return False
        return st.low[i] not in self.lex["not_names"] and st.low[i] not in self.verbs

    def _actor_affiliation(self, span: Marked) -> tuple[int, str]:
        actor = span.actor
        entry = self.kb.actors.get(actor.kb_id) if actor.kb_id else None
        if actor.kind == "state" and entry is not None and entry.country:
            return 2, entry.country
        return 0, actor.name

    def _object(self, st: DocState, k: int, unit_end: int):
        """What follows 'close to' / 'for' / 'of': (end, affiliation, actor span) or None."""
        found = self._object_head(st, k, unit_end)
        if found is not None:
            end, low = found[0], st.low
            if end + 1 < unit_end and low[end] == "'s" and st.shapes[end + 1].cap:  # "of Russia's Belgorod region"
                end = self._name_run(st, end + 1, unit_end)
                if end < unit_end and st.shapes[end].lower_alpha and low[end] not in self.verbs:
                    end += 1
                found = (end, *found[1:])
            elif end + 1 < unit_end and low[end] == "'s":  # "a spokesman for the army's southern command"
                words = self.lex["modifiers"] | set(self.lex["heads"])
                stop = end + 1
                while stop < unit_end and stop - end <= 4 and low[stop] in words:
                    stop += 1
                while stop > end + 1 and low[stop - 1] not in self.lex["heads"]:
                    stop -= 1
                if stop > end + 1:
                    found = (stop, *found[1:])
        return found

    def _object_head(self, st: DocState, k: int, unit_end: int):
        low = st.low
        if k >= unit_end:
            return None
        starts = [k, k + 1] if low[k] == "the" and k + 1 < unit_end else [k]
        for at in starts:
            actor = st.actor_start.get(at)
            if actor is not None:
                value = self._actor_affiliation(actor)[1]
                return actor.end, value, actor
            unlisted = st.unlisted_outlets.get(at)  # "a spokesman for Radio of the Republic of X"
            if unlisted is not None and unlisted.end <= unit_end:
                return unlisted.end, unlisted.source.name, None
            outlet = st.mark_starting(at, "outlet")
            if outlet is not None:
                described = st.mark_starting(outlet[0], "descriptor")  # "the Tasnim news agency"
                return (described or outlet)[0], self.kb.outlets[outlet[1]].name, None
            inst = st.mark_starting(at, "inst")
            if inst is not None:
                return inst[0], self.lex["institutions"][inst[1]]["name"], None
            country = st.mark_starting(at, "country")
            if country is not None:
                return country[0], country[1], None
        if low[k] == "the" and k + 1 < unit_end and self.lex["heads"].get(low[k + 1]) == "group":
            antecedent = self._group_antecedent(st, k)
            if antecedent is not None:
                return k + 2, antecedent.actor.name, antecedent
        at = starts[-1]
        if self._capitalised(st, at, -1) or (st.shapes[at].title and at == k + 1):
            run = self._name_run(st, at, unit_end)
            while run < unit_end and low[run] in ("in", "of") and run + 1 < unit_end and st.shapes[run + 1].title:
                run = self._name_run(st, run + 1, unit_end)  # "Hezbollah Brigades in Iraq"
            if run > at:
                return run, st.text_of(at, run), None
        if low[k] in ("the", "a", "an"):
            end = k + 1
            while end < unit_end and end - k <= 3 and st.shapes[end].lower_alpha and \
                    low[end] not in self.verbs and low[end] not in ("that", "who", "and", "or"):
                end += 1
            if end > k + 1:
                last = low[end - 1]
                affiliation = st.text_of(k + 1, end) if last in self.lex["heads"] else None
                return end, affiliation, None
        return None

    def _place_object(self, st: DocState, k: int, unit_end: int) -> Optional[int]:
        """End of 'in Gao', 'at the hospital', 'in the area' after a role noun."""
        low = st.low
        if k >= unit_end:
            return None
        if k + 3 < unit_end and low[k + 1] == "-" and low[k + 2] in self.lex["place_participles"]:
            k += 3  # "police in Indian-administered Kashmir"
        for (s, e) in st.places:
            if s == k or (s == k + 1 and low[k] == "the"):
                while e < unit_end and low[e] in self.lex["place_nouns"]:
                    e += 1  # "officials in the Alibori department"
                return e
        if self._capitalised(st, k, -1):
            return self._name_run(st, k, unit_end)
        end = k + 1 if low[k] in ("the", "a", "an") else k
        while end < unit_end and end - k < 4 and st.shapes[end].lower_alpha and low[end] not in self.verbs \
                and low[end] not in ("that", "who", "which", "and", "or"):
            end += 1  # "at the main hospital", "in the area"
        return end if end > k + 1 and low[k] in ("the", "a", "an") else None

    def _group_antecedent(self, st: DocState, before: int) -> Optional[Marked]:
        """'the group': the last armed group named before it."""
        best = None
        for span in st.actors:
            if span.end <= before and span.actor.kind in ARMED_KINDS:
                best = span
        return best

    def _phrase_name(self, st: DocState, left: int, right: int, actor: Optional[Marked]) -> str:
        """The phrase as written, the linked actor under its canonical name, a leading article in lower case."""
        name = st.text_of(left, right)
        if actor is not None and left <= actor.start and actor.end <= right:
            start = st.idx[left]
            name = name[:actor.start_char - start] + actor.actor.name + name[actor.end_char - start:]
        first = st.low[left]
        if first in self.lex["determiners"] or first in self.lex["modifiers"] or first in self.lex["heads"]:
            name = first + name[len(first):]  # "A Lebanese journalist" -> "a Lebanese journalist"
        return name

    # -------------------------------------------------------- names in no list: "according to Ahmed Ali"

    def _covered(self, st: DocState, i: int) -> bool:
        return i in st.covered

    def name_cand(self, st: DocState, k: int, u_end: int) -> Optional[Candidate]:
        """A capitalised name not in any list, as a source of kind other ('according to Ahmed Ali')."""
        if k >= u_end or not self._capitalised(st, k, -1) or self._covered(st, k):
            return None
        end = self._name_run(st, k, u_end)
        return self._name_source(st, k, end) if end > k else None

    def name_cand_ending(self, st: DocState, u_start: int, end: int) -> Optional[Candidate]:
        """A capitalised name ending right before `end` ('Hayat Tahrir al-Sham', "Monywa People's Defence Force")."""
        k = end
        while k > u_start and end - k < 9 and st.covered.get(k - 1, _ROLE).role == "role" and (
                self._capitalised(st, k - 1, u_start) or (st.low[k - 1] in NAME_LINKS and k - 1 > u_start)):
            k -= 1
        while k < end and not st.shapes[k].cap:
            k += 1
        return self._name_source(st, k, end) if end > k else None

    def _name_source(self, st: DocState, start: int, end: int) -> Optional[Candidate]:
        chars = st.chars(start, end)
        place = st.places.get((start, end))
        if place is not None and place.precision < 3:
            return None  # a town does not speak; "Iran said" is the actors' business, a region is no speaker
        if place is not None:  # a country or region named as a speaker: its government
            loc = place
            source = Source(name=loc.name, kind="official", affiliation=loc.country, span=chars)
        else:
            source = Source(name=st.text_of(start, end), kind="other", span=chars)
        return Candidate(start, end, "name", source)


# ---------------------------------------------------------------- helpers

def changed(source: Source, changes: dict) -> Source:
    """A copy of `source` with some fields changed. Validating the values again is cheaper than
    Source.model_construct, which walks pydantic's field table in Python."""
    return Source(**{**source.__dict__, **changes})


def _case_ok(alias: tuple[str, ...], shapes: list[_Shape], case_free: set[str]) -> bool:
    """A capital in the listed name must be a capital in the text ('The National' is not 'the national')."""
    for word, shape in zip(alias, shapes):
        text = shape.text
        if word.lower() in case_free or not word[:1].isalpha():
            continue
        if len(word) > 1 and word.isupper():
            if not text.isupper():
                return False
        elif word[0].isupper() and not text[:1].isupper():
            return False
    return True


def seq_end(low: list[str], k: int, seqs: dict[str, list[tuple[str, ...]]], limit: int) -> Optional[int]:
    """End of the longest word sequence of `seqs` (indexed by first word) starting at word k, else None."""
    best = None
    for seq in seqs.get(low[k], ()) if k < limit else ():
        end = k + len(seq)
        if end <= limit and tuple(low[k:end]) == seq and (best is None or end > best):
            best = end
    return best
