"""Pipeline component 'attribution': who says so, and over which words.

Fills doc.spans["sources"] (span._.source = model.Source) with the sources an article names: news
outlets and monitors (kb/data/outlets.yaml), quoted roles ("a senior Pentagon official", "sources close
to X"), office holders ("the Iraqi prime minister"), actors speaking ("Hezbollah said"), documents
("a statement"). Sets doc._.frames to the reporting frames (extensions.Frame: the character range a source
vouches for), nested sources outermost first; `attribution_at(doc, offset)` gives the chain over one
offset. Rules over tokens and the earlier components' spans, no parser needed; the word lists live in
kb/data/lexicon/attribution.yaml and docs/attribution.md describes the frames and their scope.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..kb import DATA_DIR, LEXICON_DIR, get_kb
from ..model import Actor, Location, Source
from . import extensions  # noqa: F401  (declares the extensions)
from .extensions import Frame, Marked, actor_mentions
from .rulekit import in_range, positions
from .tokentable import token_table

log = logging.getLogger(__name__)


def _yaml_load(text: str):
    """yaml.safe_load through libyaml when it is there (several times faster at start-up)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


LEXICON_PATH = Path(DATA_DIR) / LEXICON_DIR / "attribution.yaml"
QUOTES = frozenset({'"', "“", "”", "«", "»", "''", "``"})
TRIM = " \t\n,;:—–-"
GENERIC_KINDS = frozenset({"civilians", "unidentified"})
ARMED_KINDS = frozenset({"militia", "umbrella", "rebel", "terrorist", "political"})
SPEAKER_KIND = {  # actor kind -> source kind when an actor speaks
    "militia": "group", "umbrella": "group", "rebel": "group", "terrorist": "group", "political": "group",
    "state": "official", "state_forces": "official", "person": "official",
}
PERSON_KINDS = frozenset({"official", "spokesperson", "journalist", "other"})
ANAPHOR_KINDS = {  # anaphoric head -> the source kinds it may refer back to (None: any)
    "source": {"anonymous", "official", "spokesperson", "journalist", "other"},
    "sources": {"anonymous", "official", "spokesperson", "journalist", "other"},
    "report": None, "statement": None,
    "official": {"official"}, "officials": {"official"},
    "spokesman": {"spokesperson", "official"}, "spokeswoman": {"spokesperson", "official"},
    "spokesperson": {"spokesperson", "official"},
    "journalist": {"journalist"}, "reporter": {"journalist"}, "correspondent": {"journalist"},
    "observatory": {"other", "outlet"}, "monitor": {"other", "outlet"}, "group": {"group"},
    "person": PERSON_KINDS, "thing": {"outlet", "group", "document", "official", "other"},
    "plural": {"anonymous", "official", "group", "other"},
}
NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "bint", "de", "van", "von"})
NAME_LINKS = NAME_PARTICLES | {"-", "'", "'s", "in", "of", "for"}  # inside a name: "Islamic Resistance in Iraq"
ADJUNCT_PREPS = frozenset({"on", "in", "via", "through", "by", "at", "during", "after", "from", "with", "to", "over",
                           "for", "late", "early"})
OUTLET_HEADS = frozenset({"newspaper", "paper", "network", "channel", "agency", "outlet", "station",
                          "broadcaster", "website", "daily"})


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
    data = _yaml_load(LEXICON_PATH.read_text(encoding="utf-8"))
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


# ---------------------------------------------------------------- the component

@dataclass
class _Cand:
    """A phrase that may name a source; `source` has no verb yet."""

    start: int
    end: int
    role: str  # outlet | actor | office | role | anaphor | name
    source: Optional[Source]
    head: str = ""
    context: bool = True  # outlets that need a reporting position or a descriptor to count
    office: Optional[str] = None
    anaphoric: bool = False  # "the prime minister": the office named before, if any


class _LazyCand(_Cand):
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


_ROLE = _Cand(0, 0, "role", None)  # what an uncovered token counts as in a name run


@dataclass
class _Detection:
    chain: list[Source]
    start: int
    end: int
    anchor: int
    unit: int
    quoted: bool = False


@dataclass
class _DocState:
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
    looked_at: list[int] = field(default_factory=list)  # the words of Attribution.looked_at, in order
    marks_end: dict[int, list[tuple[int, str, object]]] = field(default_factory=dict)
    marks_start: dict[int, list[tuple[int, str, object]]] = field(default_factory=dict)
    cand_start: dict[int, _Cand] = field(default_factory=dict)
    cand_end: dict[int, _Cand] = field(default_factory=dict)
    covered: dict[int, _Cand] = field(default_factory=dict)
    detections: list[_Detection] = field(default_factory=list)
    mentions: dict[tuple[int, int], Source] = field(default_factory=dict)

    def covering_actor(self, i: int) -> Optional[Marked]:
        return self.actor_at.get(i)

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


class Attribution:
    """Finds sources and reporting frames; matchers are built once per pipeline."""

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
        log.info("attribution: %d outlets, %d states, %d offices", len(kb.outlets), len(states), len(kb.offices))

    def _add(self, tokenizer, kind: str, pairs) -> None:
        pairs = list(pairs)
        docs = list(tokenizer.pipe(name for _, name in pairs))
        for n, ((value, _), pattern) in enumerate(zip(pairs, docs)):
            key = f"{kind}:{value}:{n}"
            self.matcher.add(key, [pattern])
            self.keys[self.matcher.vocab.strings[key]] = (kind, value, tuple(t.text for t in pattern))

    # -------------------------------------------------------- entry point

    def __call__(self, doc: Doc) -> Doc:
        st = self._state(doc)
        self._marks(st)
        self._candidates(st)
        at = [i for i in st.looked_at if st.low[i] in self.triggers]  # the words a frame can start at
        for index, (start, end) in enumerate(st.units):
            self._frames_in_unit(st, index, start, end, in_range(at, start, end))
        self._continue_quotes(st)
        frames = self._frames(st)
        doc._.frames = frames
        spans = []
        for (s, e), source in sorted(st.mentions.items()):
            span = Span(doc, s, e, label="SOURCE")
            span._.source = source
            spans.append(span)
        doc.spans["sources"] = spans
        # the candidates' lazy builders refer back to the state: breaking the cycle here lets reference
        # counting free the state at once instead of leaving it (and the Doc it holds) to the cyclic GC
        st.cand_start.clear()
        st.cand_end.clear()
        st.covered.clear()
        return doc

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

    def _state(self, doc: Doc) -> _DocState:
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
        return _DocState(doc=doc, shapes=shapes, low=low, units=units, unit_of=unit_of, idx=idx,
                         para_of=para_of, times=times, actors=actors, actor_end={s.end: s for s in actors},
                         actor_start={s.start: s for s in actors}, places=places, text=table.doc_text, actor_at=actor_at,
                         looked_at=looked_at)

    def _marks(self, st: _DocState) -> None:
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

    # -------------------------------------------------------- candidate source phrases

    def _candidates(self, st: _DocState) -> None:
        cands: list[_Cand] = []
        cands += self._outlets(st)
        cands += self._offices(st)
        cands += self._roles(st)
        cands += self._institutions(st)
        published = st.doc._.published
        for span in st.actors:  # "residents said": the role words read better than a generic actor's name
            role = "generic" if span.actor.kind in GENERIC_KINDS else "actor"
            cands.append(_LazyCand(span.start, span.end, role, self._actor_source, (span.actor, span, published)))
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
                cand.source = _with(cand.source, {"name": ref.name, "affiliation": ref.affiliation})
            elif cand.source.affiliation:
                offices[cand.office] = cand.source
        for cand in st.cand_start.values():  # every outlet named is a source mention
            if cand.role == "outlet" and cand.context and not self._dateline_credit(st, cand):
                self._mention(st, cand, cand.source)

    @staticmethod
    def _dateline_credit(st: _DocState, cand: _Cand) -> bool:
        """'KABUL (Tigris Wire) –': the publisher's credit in the opening dateline, not a source in the text."""
        low, (unit_start, unit_end) = st.low, st.units[st.unit_of[cand.start]]
        return (st.unit_of[cand.start] == 0 and cand.start - 1 > unit_start and low[cand.start - 1] == "("
                and cand.end + 1 < unit_end and low[cand.end] == ")" and st.shapes[cand.end + 1].punct)

    def _outlets(self, st: _DocState) -> list[_Cand]:
        low, lex = st.low, self.lex
        found = []
        for s, marks in st.marks_start.items():
            for e, kind, oid in marks:
                if kind != "outlet":
                    continue
                unit_start, unit_end = st.units[st.unit_of[s]]
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
                if any(a.start < e and a.end > s and (a.start < s or a.end > e) for a in st.actors):
                    break
                entry = self.kb.outlets[oid]
                context = described or (oid not in lex["need_context"] and (s, e) not in st.places)
                if not context:
                    context = self._reporting_position(st, left, right)
                found.append(_Cand(left, right, "outlet", self._outlet_source(entry, st.chars(left, right)),
                                   context=context))
                break  # the longest outlet match at this start
        known = {i for c in found for i in range(c.start, c.end)}
        endings = lex["outlet_endings"]
        for i in [i for i in st.looked_at if low[i] in endings]:  # unlisted outlets named like outlets: "Tigris Wire"
            if not st.shapes[i].cap or i in known or i in st.actor_at:
                continue
            unit_start = st.units[st.unit_of[i]][0]
            start = i
            while start > unit_start and (self._capitalised(st, start - 1, unit_start) or (
                    st.shapes[start - 1].cap and start - 1 == unit_start)) and start - 1 not in known:
                start -= 1
            if start < i and not any(j in st.actor_at for j in range(start, i)):
                found.append(_Cand(start, i + 1, "outlet", Source(name=st.text_of(start, i + 1), kind="outlet",
                                                                  span=st.chars(start, i + 1))))
        return found

    def _outlet_modifiers(self, st: _DocState, left: int, unit_start: int) -> int:
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

    def _institutions(self, st: _DocState) -> list[_Cand]:
        """'the Pentagon', 'the Kremlin', 'ISPR' speaking: an official source of that country."""
        found = []
        for s, marks in st.marks_start.items():
            for e, kind, index in marks:
                if kind == "inst":
                    inst = self.lex["institutions"][index]
                    left = s - 1 if s > 0 and st.low[s - 1] == "the" else s
                    speaker = "official" if inst.get("country") else "other"  # the UN, NATO: no one state
                    found.append(_Cand(left, e, "inst", Source(name=inst["name"], kind=speaker,
                                                               affiliation=inst.get("country"),
                                                               span=st.chars(left, e))))
                    break
        return found

    def _reporting_position(self, st: _DocState, left: int, right: int) -> bool:
        low = st.low
        k = right
        while k < len(low) and (k in st.times or low[k] in self.lex["fillers"]):
            k += 1
        if k < len(low) and (low[k] in self.verbs or low[k] == "'s"):
            return True
        before = low[max(0, left - 2):left]
        return before[-1:] in (["told"], ["to"], ["quoted"], ["cited"], ["with"], ["by"]) or before == [
            "according", "to"]

    def _outlet_source(self, entry, chars: tuple[int, int]) -> Source:
        affiliation = entry.country
        if entry.affiliation:  # the owner: a state by its country code, any other actor by its name
            actor = self.kb.actors.get(entry.affiliation)
            if actor is None:
                affiliation = entry.affiliation
            else:
                affiliation = actor.country if actor.kind == "state" and actor.country else actor.name
        return Source(name=entry.name, kind="other" if entry.kind == "other" else "outlet",
                      affiliation=affiliation, span=chars, kb_id=entry.id)

    def _actor_source(self, actor: Actor, span: Marked, day) -> Source:
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

    def _offices(self, st: _DocState) -> list[_Cand]:
        """'the Iraqi prime minister', "Iraq's defence minister", 'President X', 'the prime minister of Iraq'."""
        low = st.low
        found = []
        for s, marks in st.marks_start.items():
            for e, kind, office in marks:
                if kind != "office":
                    continue
                unit_start, unit_end = st.units[st.unit_of[s]]
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
                found.append(_Cand(left, right, "office", source, head=title.lower(), office=office,
                                   anaphoric=name is None and det == "the"))
                break
        return found

    def _name_run(self, st: _DocState, start: int, unit_end: int) -> int:
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

    def _roles(self, st: _DocState) -> list[_Cand]:
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

    def _role(self, st: _DocState, h: int, kind: str) -> Optional[_Cand]:
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
            end = _seq_at(low, right, lex["anonymity"], unit_end)
            if end:
                right = end
                continue
            end = _seq_at(low, right, lex["aff_preps"], unit_end)
            obj = self._object(st, end, unit_end) if end else None
            if obj is not None:
                right, aff, actor = obj
                if aff:
                    affs.insert(0, (-1, aff))
                post_actor = actor or post_actor
                continue
            end = _seq_at(low, right, lex["place_preps"], unit_end)
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
                return _Cand(left, right, "role", Source(name=actor.name, kind="group", span=chars,
                                                         kb_id=actor.kb_id))
        if bare and det in lex["anaphora"]["determiners"] and low[h] in lex["anaphora"]["heads"]:
            return _Cand(left, right, "anaphor", Source(name=self._phrase_name(st, left, right, None), kind=kind,
                                                        span=chars), head=low[h])
        if (mods == 1 and right == h + 1 and det in lex["anaphora"]["determiners"]
                and low[h - 1] in lex["anaphora"]["same"] and low[h] in lex["anaphora"]["heads"]):
            return _Cand(left, right, "anaphor", Source(name=self._phrase_name(st, left, right, None), kind=kind,
                                                        span=chars), head=low[h])
        return _LazyCand(left, right, "role", self._role_source,
                         (st, left, right, h, kind, det, name, post_actor, affs, linked), head=low[h])

    def _role_source(self, st: _DocState, left: int, right: int, h: int, kind: str, det: Optional[str],
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

    def _spokesperson_name(self, st: _DocState, left: int, h: int, det: Optional[str],
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
            found = self._named_actor(st, low[start], left)  # "the council's military spokesman"
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

    def _possessive_name(self, st: _DocState, left: int, right: int, h: int, det: Optional[str],
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

    def _named_actor(self, st: _DocState, head: str, before: int) -> Optional[Marked]:
        """The last actor named before `before`, within reach, whose canonical name has the word `head`."""
        para = st.para_of[before] if before < len(st.para_of) else st.para_of[-1]
        for span in reversed(st.actors):
            if span.end <= before and para - st.para_of[span.start] <= self.lex["anaphora"]["named_reach"] and \
                    head in span.actor.name.lower().split():
                return span
        return None

    def _state_body(self, st: _DocState, left: int, right: int, h: int, affs: list[tuple[int, str]],
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
            return _with(source, {"name": body["name"].format(country=owner), "kb_id": self.actor_ids[owner]})
        inside = [loc.country for (s, e), loc in st.places.items() if left <= s and e <= right and loc.country]
        country = countries[0] if countries else (inside[0] if inside else self._article_country(st))
        if country not in self.country_name:
            return source
        entry = body["entry"].format(cc=country.lower())
        return _with(source, {"name": body["name"].format(country=self.country_name[country]),
                              "affiliation": country, "kb_id": entry if entry in self.kb.actors else None})

    @staticmethod
    def _article_country(st: _DocState) -> Optional[str]:
        """The country most of the article's resolved places lie in."""
        counts = Counter(loc.country for loc in st.places.values() if loc.country)
        return counts.most_common(1)[0][0] if counts else None

    def _capitalised(self, st: _DocState, i: int, unit_start: int) -> bool:
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

    def _object(self, st: _DocState, k: int, unit_end: int):
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

    def _object_head(self, st: _DocState, k: int, unit_end: int):
        low = st.low
        if k >= unit_end:
            return None
        starts = [k, k + 1] if low[k] == "the" and k + 1 < unit_end else [k]
        for at in starts:
            actor = st.actor_start.get(at)
            if actor is not None:
                value = self._actor_affiliation(actor)[1]
                return actor.end, value, actor
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

    def _place_object(self, st: _DocState, k: int, unit_end: int) -> Optional[int]:
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

    def _group_antecedent(self, st: _DocState, before: int) -> Optional[Marked]:
        """'the group': the last armed group named before it."""
        best = None
        for span in st.actors:
            if span.end <= before and span.actor.kind in ARMED_KINDS:
                best = span
        return best

    def _phrase_name(self, st: _DocState, left: int, right: int, actor: Optional[Marked]) -> str:
        """The phrase as written, the linked actor under its canonical name, a leading article in lower case."""
        name = st.text_of(left, right)
        if actor is not None and left <= actor.start and actor.end <= right:
            start = st.idx[left]
            name = name[:actor.start_char - start] + actor.actor.name + name[actor.end_char - start:]
        first = st.low[left]
        if first in self.lex["determiners"] or first in self.lex["modifiers"] or first in self.lex["heads"]:
            name = first + name[len(first):]  # "A Lebanese journalist" -> "a Lebanese journalist"
        return name

    # -------------------------------------------------------- reporting frames

    def _frames_in_unit(self, st: _DocState, n: int, start: int, end: int, at: list[int]) -> None:
        """`at`: the unit's words that a frame can start at (reporting verbs, 'according'); the rules move on
        by one word past any other."""
        low = st.low
        i = start
        for t in at:
            if t < i:
                continue
            i = t
            if low[i] == "according" and i + 1 < end and low[i + 1] == "to":
                i = self._according(st, n, start, end, i)
            elif low[i] in self.verbs and low[i] != "according" and not self._covered(st, i):
                i = self._verb(st, n, start, end, i)

    def _covered(self, st: _DocState, i: int) -> bool:
        return i in st.covered

    def _according(self, st: _DocState, n: int, u_start: int, u_end: int, i: int) -> int:
        """'According to X, ...' governs what follows; '..., according to X.' what precedes."""
        low = st.low
        cand = st.cand_start.get(i + 2) or self._name_cand(st, i + 2, u_end)
        if cand is None:
            return i + 2
        chain = self._resolve(st, cand, n, "according to")
        if chain is None:
            return cand.end
        after = cand.end
        if cand.role == "role" and after + 1 < u_end and low[after] == ",":  # "according to a member, NAME."
            name = self._name_cand(st, after + 1, u_end)
            if name is not None and self._only_punct(st, name.end, u_end):
                named = self._named_role(st, name, cand)
                chain = [*chain[:-1], _with(named.source, {"verb": "according to"})]
                st.mentions.pop((cand.start, cand.end), None)
                self._mention(st, named, chain[-1])
                after = name.end
        lead = sum(1 for x in range(u_start, i) if st.shapes[x].alpha)
        if self._only_punct(st, after, u_end):
            scope = (st.idx[u_start], st.idx[i])
        elif lead <= 2 and after < u_end:
            first = after + 1 if low[after] == "," else after
            scope = (st.idx[first] if first < u_end else st.idx[after], st.end_char(u_end - 1))
        else:
            scope = (st.idx[u_start], st.end_char(u_end - 1))
        self._detect(st, chain, scope, n, cand)
        return after

    def _verb(self, st: _DocState, n: int, u_start: int, u_end: int, v: int) -> int:
        low, lex = st.low, self.lex
        label = self.verbs[low[v]]
        if v + 1 < u_end and low[v + 1] in lex["passive_next"] and low[v] in lex["passive_verbs"]:
            return v + 1  # "civilians accused of collaborating", "a video posted by the group": no one reports
        if low[v] in lex["participles"] and v > u_start and low[v - 1] == ",":
            return self._participle(st, n, u_end, v, label)  # "..., X said, adding that ..."
        subject = self._subject(st, u_start, v)
        if subject is None:
            if v > u_start and (low[v - 1] == "," or st.shapes[v - 1].quote) and \
                    low[v] not in lex["tell"] and low[v] not in lex["quote"]:  # '"...," said X.'
                cand = st.cand_start.get(v + 1)
                if cand is not None and self._only_punct(st, cand.end, u_end):
                    chain = self._resolve(st, cand, n, label)
                    if chain:
                        self._detect(st, chain, (st.idx[u_start], st.idx[v]), n, cand)
                    return cand.end
            return v + 1
        chain = self._resolve(st, subject, n, label)
        if chain is None:
            return v + 1
        conjunct = self._conjunct(st, u_start, subject)
        if conjunct is not None:  # "local officials and residents said": both say so
            chain = (self._resolve(st, conjunct, n, label) or []) + chain
            subject = _Cand(conjunct.start, subject.end, subject.role, subject.source, head=subject.head)
        k = self._skip_time(st, v + 1, u_end)
        outer: list[Source] = []
        if low[v] in lex["tell"] or (low[v] in lex["to"] and k < u_end and low[k] == "to"):
            at = k if low[v] in lex["tell"] else k + 1
            told = st.cand_start.get(at)
            audience = _seq_at(low, at, lex["audiences"], u_end)
            if audience:
                k = audience
            elif told is not None and told.source is not None and told.source.kind in ("outlet", "journalist", "other"):
                outer = self._resolve(st, told, n, "reported") or []
                k = told.end
        elif low[v] in lex["quote"]:
            quoted = st.cand_start.get(k) or self._name_cand(st, k, u_end)
            if quoted is not None and low[quoted.end:quoted.end + 2] == ["as", "saying"]:
                chain = chain + (self._resolve(st, quoted, n, "said") or [])
                k = quoted.end + 2
        k = self._skip_time(st, k, u_end)
        interview = _seq_at(low, k, lex["interview"], u_end)
        if interview and interview in st.cand_start and not outer:
            told = st.cand_start[interview]
            outer = self._resolve(st, told, n, "reported") or []
            k = self._skip_time(st, told.end, u_end)
        if k < u_end and low[k] == "in" and k + 1 in st.cand_start:  # "said in a statement"
            adjunct = st.cand_start[k + 1]
            if adjunct.source is not None and adjunct.source.kind == "document":
                # the statement is the speaker's medium, not a second source: no mention of its own
                carrier = self._carrier(st, adjunct)
                if carrier is not None and not outer:  # "said in a statement carried by Tasnim": [Tasnim, X]
                    outer = [carrier]
                    at = st.token_at(carrier.span[0])
                    self._mention(st, _Cand(at, st.token_at(carrier.span[1] - 1) + 1, "outlet", carrier), carrier)
                k = self._skip_time(st, adjunct.end, u_end)
                while k < u_end and low[k] in lex["document_participles"]:  # "... read on state television"
                    x = k + 1
                    while x < u_end and x - k < 8 and low[x] not in self.verbs and low[x] not in (",", "that"):
                        x += 1
                    k = x
        if k < u_end and low[k] in ("on", "in", "via", "through", "during", "at", "after", "from"):
            for x in range(k + 1, min(u_end, k + 8)):  # "said on its Telegram channel that"
                if low[x] in ("that", ":"):
                    k = x
                    break
                if low[x] in self.verbs or low[x] == ",":
                    break
        chain = outer + chain
        unit_end_char = st.end_char(u_end - 1)
        if k < u_end and low[k] in ("that", ":"):
            scope = (st.idx[k + 1] if k + 1 < u_end else unit_end_char, unit_end_char)
        elif self._postposed(st, subject, k, u_start, u_end):
            scope = (st.idx[u_start], st.idx[subject.start])
        elif k < u_end and low[k] == "," and subject.start > u_start and low[subject.start - 1] == ",":
            scope = (st.idx[u_start], unit_end_char)
        else:
            scope = (st.idx[k] if k < u_end else unit_end_char, unit_end_char)
        self._detect(st, chain, scope, n, subject)
        return max(k, v + 1)

    def _carrier(self, st: _DocState, adjunct: _Cand) -> Optional[Source]:
        """The outlet that carried a statement ('a statement carried by the Tasnim news agency')."""
        low = st.low
        for i in range(adjunct.start, adjunct.end - 1):
            if low[i] not in self.lex["carried"] or low[i + 1] != "by":
                continue
            at = i + 2 + (low[i + 2] == "the" if i + 2 < adjunct.end else 0)
            for e, kind, oid in st.marks_start.get(at, []):
                if kind == "outlet" and e <= adjunct.end:
                    described = st.mark_starting(e, "descriptor")  # "the Tasnim news agency"
                    e = described[0] if described and described[0] <= adjunct.end else e
                    return self._outlet_source(self.kb.outlets[oid], st.chars(at, e)).model_copy(
                        update={"verb": "reported"})
        return None

    def _participle(self, st: _DocState, n: int, u_end: int, v: int, label: str) -> int:
        """', adding that ...' / ', saying ...': the speaker of the frame just before goes on."""
        before = [d for d in st.detections if d.unit == n]
        if not before:
            return v + 1
        chain = [*before[-1].chain[:-1], _with(before[-1].chain[-1], {"verb": label})]
        k = v + 1
        if k < u_end and st.low[k] == "that":
            k += 1
        if k < u_end:
            st.detections.append(_Detection(chain, st.idx[k], st.end_char(u_end - 1), before[-1].anchor, n))
        return k

    def _postposed(self, st: _DocState, subject: _Cand, k: int, u_start: int, u_end: int) -> bool:
        """'..., the ministry said (on Telegram) (, adding ...).': the frame governs what came before."""
        low = st.low
        if subject.start <= u_start:
            return False
        if self._only_punct(st, k, u_end):
            return True
        b = subject.start - 1
        if low[b] == "the" and b > u_start:  # "..., the Israeli military said": the actor's span has no article
            b -= 1
        if not (low[b] == "," or st.shapes[b].quote):
            return False
        x = k
        if x < u_end and low[x] in ADJUNCT_PREPS:  # "said on Telegram", "told Sahel Wire by phone"
            while x < u_end and x - k < 9 and low[x] not in self.verbs and low[x] not in (",", "that"):
                x += 1
        return self._only_punct(st, x, u_end) or (
            x + 1 < u_end and low[x] == "," and low[x + 1] in self.lex["trailing"])

    def _subject(self, st: _DocState, u_start: int, v: int) -> Optional[_Cand]:
        """The source right before a reporting verb: a phrase, 'he'/'it', an appositive 'X, a spokesman, said'."""
        low = st.low
        j = v
        while j > u_start and (j - 1 in st.times or low[j - 1] in self.lex["fillers"]):
            j -= 1
        if j - 1 > u_start and low[j - 1] == ")" and "(" in low[max(u_start, j - 5):j - 1]:
            j = max(u_start, j - 5) + low[max(u_start, j - 5):j - 1].index("(")  # "the Africa Command (AFRICOM) said"
            while j > u_start and (j - 1 in st.times or low[j - 1] in self.lex["fillers"]):
                j -= 1
        elif j - 2 > u_start and low[j - 1] == "," and low[j - 2] == ")" and "(" in low[max(u_start, j - 6):j - 2]:
            opening = max(u_start, j - 6) + low[max(u_start, j - 6):j - 2].index("(")
            named = st.cand_end.get(opening)  # "..., the media wing, Inter-Services Public Relations (ISPR), said"
            if named is not None and named.start > u_start and low[named.start - 1] == ",":
                return named
        if j <= u_start:
            return None
        cand = st.cand_end.get(j)
        if cand is not None:
            return cand
        w = low[j - 1]
        pronouns = self.lex["anaphora"]["pronouns"]
        if w in self.lex["no_subject_before"]:
            return None  # "... would send more soldiers and denied ...": the verb shares an earlier subject
        if w in pronouns:
            return _Cand(j - 1, j, "anaphor", Source(name=st.shapes[j - 1].text, kind="other", span=st.chars(j - 1, j)),
                         head=pronouns[w])
        if w == ",":
            return self._appositive(st, u_start, j)
        return self._across_pp(st, u_start, j) or self._name_cand_ending(st, u_start, j)

    def _conjunct(self, st: _DocState, u_start: int, subject: _Cand) -> Optional[_Cand]:
        """'residents and a local official said': the first of two coordinated speakers, when the pair opens
        its clause (sentence start, after a comma or a quotation mark), so an object is never taken for one."""
        a = subject.start - 1
        if a <= u_start or st.low[a] != "and":
            return None
        first = st.cand_end.get(a)
        if first is None or first.source is None or first.role == "anaphor":
            return None
        if first.start > u_start and st.low[first.start - 1] != "," and not st.shapes[first.start - 1].quote:
            return None
        return first

    def _appositive(self, st: _DocState, u_start: int, j: int) -> Optional[_Cand]:
        """'NAME, a spokesman for X, said', 'the governor, NAME, said', 'X, who ..., said': the speaker."""
        low = st.low
        k = j - 2
        while k > u_start and low[k] != "," and j - 1 - k < 30:
            k -= 1
        if k <= u_start or low[k] != ",":
            return None
        first = st.cand_end.get(k) or self._across_pp(st, u_start, k) or self._name_cand_ending(st, u_start, k)
        if first is None:
            return None
        outer = st.cand_end.get(first.start - 1) if first.start - 1 > u_start else None
        if outer is not None and outer.role in ("role", "anaphor") and st.low[first.start - 1] in ADJUNCT_PREPS:
            first = outer  # "An officer in the Baghdad Operations Command, who ..., told"
        middle = st.cand_start.get(k + 1)
        if middle is None or middle.end != j - 1:
            middle = self._name_cand(st, k + 1, j - 1)
            if middle is not None and middle.end != j - 1:
                middle = None
        if middle is not None:
            if first.role == "name" and middle.role == "role":
                return self._named_role(st, first, middle)
            if first.role in ("role", "office") and (middle.role == "name" or self._is_person(middle)):
                return self._named_role(st, middle, first)  # "the governor of X, Vyacheslav Gladkov, said"
        return first

    def _is_person(self, cand: _Cand) -> bool:
        entry = self.kb.actors.get(cand.source.kb_id) if cand.role == "actor" and cand.source.kb_id else None
        return entry is not None and entry.kind == "person"

    def _named_role(self, st: _DocState, name: _Cand, role: _Cand) -> _Cand:
        """A name and the role beside it: the name, with the role's kind and affiliation."""
        start, end = min(name.start, role.start), max(name.end, role.end)
        source = _with(role.source, {
            "name": name.source.name, "span": st.chars(start, end), "kb_id": name.source.kb_id or role.source.kb_id,
            "affiliation": role.source.affiliation or name.source.affiliation})
        return _Cand(start, end, "role", source)

    def _across_pp(self, st: _DocState, u_start: int, j: int) -> Optional[_Cand]:
        """'a medical source at one of the city's hospitals said': a source phrase, then a prepositional phrase."""
        low = st.low
        for p in range(j - 1, max(u_start, j - 11), -1):
            if low[p] in self.verbs or low[p] in (",", "that", "who", "which") or (st.shapes[p].punct and low[p] != "-"):
                return None
            cand = st.cand_end.get(p)
            if cand is not None and cand.role != "outlet" and (
                    low[p] in ADJUNCT_PREPS | {"of", "near"} or low[p] in self.lex["document_participles"]):
                return cand  # "... a doctor at the hospital said", "videos shared on social media showed"
        return None

    def _name_cand(self, st: _DocState, k: int, u_end: int) -> Optional[_Cand]:
        """A capitalised name not in any list, as a source of kind other ('according to Ahmed Ali')."""
        if k >= u_end or not self._capitalised(st, k, -1) or self._covered(st, k):
            return None
        end = self._name_run(st, k, u_end)
        return self._name_source(st, k, end) if end > k else None

    def _name_cand_ending(self, st: _DocState, u_start: int, end: int) -> Optional[_Cand]:
        """A capitalised name ending right before `end` ('Hayat Tahrir al-Sham', "Monywa People's Defence Force")."""
        k = end
        while k > u_start and end - k < 9 and st.covered.get(k - 1, _ROLE).role == "role" and (
                self._capitalised(st, k - 1, u_start) or (st.low[k - 1] in NAME_LINKS and k - 1 > u_start)):
            k -= 1
        while k < end and not st.shapes[k].cap:
            k += 1
        return self._name_source(st, k, end) if end > k else None

    def _name_source(self, st: _DocState, start: int, end: int) -> Optional[_Cand]:
        chars = st.chars(start, end)
        place = st.places.get((start, end))
        if place is not None and place.precision < 3:
            return None  # a town does not speak; "Iran said" is the actors' business, a region is no speaker
        if place is not None:  # a country or region named as a speaker: its government
            loc = place
            source = Source(name=loc.name, kind="official", affiliation=loc.country, span=chars)
        else:
            source = Source(name=st.text_of(start, end), kind="other", span=chars)
        return _Cand(start, end, "name", source)

    def _skip_time(self, st: _DocState, k: int, u_end: int) -> int:
        while k < u_end and k in st.times:
            k += 1
        return k

    def _only_punct(self, st: _DocState, k: int, u_end: int) -> bool:
        return all(st.shapes[x].punct or x in st.times for x in range(k, u_end))

    def _resolve(self, st: _DocState, cand: _Cand, n: int, verb: str) -> Optional[list[Source]]:
        """The chain a source phrase brings (outermost first), with `verb` on the phrase's own source."""
        if cand.role == "anaphor":
            found = self._antecedent(st, cand)
            if found is None:
                if cand.head in ("person", "thing", "plural"):
                    return None
                chain = [_with(cand.source, {"verb": verb})]
            else:
                prefix, target = found
                chain = [*prefix, _with(target, {"verb": verb, "span": cand.source.span})]
        else:
            chain = [_with(cand.source, {"verb": verb})]
        self._mention(st, cand, chain[-1])
        return chain

    def _antecedent(self, st: _DocState, cand: _Cand):
        """The source an anaphor ('the same source', 'he') refers back to, and the chain around it."""
        kinds = ANAPHOR_KINDS.get(cand.head)
        if cand.head in OUTLET_HEADS:
            kinds = {"outlet"}
        para = st.para_of[cand.start]
        named = cand.head in self.lex["anaphora"]["named_heads"]
        far = named or cand.head in self.lex["anaphora"]["far_heads"]
        reach = 0 if cand.head in ("person", "thing", "plural") else (
            self.lex["anaphora"]["named_reach"] if far else 1)
        for det in reversed(st.detections):
            if para - st.para(det.anchor) > reach:
                break
            target = det.chain[-1]
            if named and cand.head not in target.name.lower():
                continue  # "the ministry" refers back to a ministry
            if kinds is None or target.kind in kinds:
                return self._enclosing(st, det) + det.chain[:-1], target
        if named:  # "the mission said" after "peacekeepers of the MONUSCO mission": the actor of that name
            span = self._named_actor(st, cand.head, cand.start)
            if span is not None:
                return [], self._actor_source(span.actor, span, st.doc._.published)
        return None

    def _detect(self, st: _DocState, chain: list[Source], scope: tuple[int, int], n: int, cand: _Cand) -> None:
        first, last = st.token_at(scope[0]), st.token_at(scope[1] - 1) if scope[1] > 0 else -1
        if st.idx[first] < scope[0]:
            first += 1
        while first <= last and st.low[first].isspace():
            first += 1
        while last >= first and (not st.low[last] or st.low[last].strip(TRIM) == ""):
            last -= 1
        if last < first:
            return
        start, end = st.idx[first], st.end_char(last)
        quoted = st.low[first] in QUOTES or st.low[last] in QUOTES
        unit_start = st.idx[st.units[n][0]]  # a chain brought by an anaphor keeps its earlier sources' spans
        anchor = min((s.span[0] for s in chain if s.span and s.span[0] >= unit_start), default=unit_start)
        st.detections.append(_Detection(chain, start, end, anchor, n, quoted))

    def _mention(self, st: _DocState, cand: _Cand, source: Source) -> None:
        """Record a source mention; the first use with a reporting verb gives it its verb."""
        known = st.mentions.get((cand.start, cand.end))
        if known is None or (known.verb is None and source.verb is not None):
            st.mentions[(cand.start, cand.end)] = source

    def _continue_quotes(self, st: _DocState) -> None:
        """A quotation goes on in the next sentences of the paragraph that open with a quotation mark."""
        busy = {d.unit for d in st.detections}
        for det in st.detections:
            if not det.quoted:
                continue
            u = det.unit
            while u + 1 < len(st.units) and u + 1 not in busy:
                s, e = st.units[u + 1]
                if not st.shapes[s].quote or st.para_of[s] != st.para(det.anchor):
                    break
                det.end = max(det.end, st.end_char(e - 1))
                u += 1

    def _enclosing(self, st: _DocState, det: _Detection, seen: Optional[set] = None,
                   group: Optional[list[_Detection]] = None) -> list[Source]:
        """The sources of the frames around `det` (outermost first)."""
        seen = (seen or set()) | {id(det)}
        around = [d for d in (st.detections if group is None else group)
                  if d.start <= det.anchor < d.end and id(d) not in seen]
        if not around:
            return []
        inner = min(around, key=lambda d: d.end - d.start)
        return self._enclosing(st, inner, seen, group) + inner.chain

    def _frames(self, st: _DocState) -> list[Frame]:
        frames = []
        by_para: dict[int, list[_Detection]] = {}  # scopes stay inside their paragraph
        for det in st.detections:
            by_para.setdefault(st.para(det.anchor), []).append(det)
        for group in by_para.values():
            for det in group:
                base = len(self._enclosing(st, det, group=group))
                frames.extend(Frame(source=source, start=det.start, end=det.end, depth=base + k)
                              for k, source in enumerate(det.chain))
        frames.sort(key=lambda f: (f.start, f.depth))
        return frames


# ---------------------------------------------------------------- helpers

def _with(source: Source, changes: dict) -> Source:
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


def _seq_at(low: list[str], k: int, seqs: dict[str, list[tuple[str, ...]]], limit: int) -> Optional[int]:
    """End of the longest word sequence of `seqs` (indexed by first word) starting at word k, else None."""
    best = None
    for seq in seqs.get(low[k], ()) if k < limit else ():
        end = k + len(seq)
        if end <= limit and tuple(low[k:end]) == seq and (best is None or end > best):
            best = end
    return best


# ---------------------------------------------------------------- shared by the rules after this component

# ---------------------------------------------------------------- public API

def attribution_at(doc: Doc, char_offset: int) -> list[Source]:
    """Who vouches for the text at `char_offset`: the sources of the frames around it, outermost first."""
    frames = [f for f in (doc._.frames or []) if f.start <= char_offset < f.end]
    frames.sort(key=lambda f: (f.depth, -(f.end - f.start)))
    chain: list[Source] = []
    for frame in frames:
        if frame.source not in chain:
            chain.append(frame.source)
    return chain


@Language.factory("conflictlens_attribution")
def make_attribution(nlp: Language, name: str) -> Attribution:
    return Attribution(nlp)
