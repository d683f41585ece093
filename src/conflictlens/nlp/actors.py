"""Pipeline component 'actors': find actor mentions and link them to knowledge-base ids.

Fills doc.spans["actors"], each span with span._.actor = model.Actor. Five sources of mentions:
  * aliases of every KB actor (PhraseMatcher; lower case, or exact case for acronyms and
    entries with match_case), including generic actors ("unidentified gunmen", "civilians");
  * spelling variants of those aliases: apostrophes, hyphens, "al-"/"el-", doubled letters and
    the transliteration table lexicon/actors_translit.yaml ("Kataeb Hizballah" = "Kata'ib Hezbollah");
  * demonyms: "<demonym> [modifier] <force noun>" -> the state's military/police/government entry
    ("Iraqi security forces" -> military_iq), a demonym standing as a noun -> the state ("the
    Americans"); a demonym modifying anything else ("Iraqi prime minister") is no mention;
  * "<state>'s <force noun>" ("Israel's army") -> that state's forces;
  * a branch named through its umbrella ("the Islamic State's Sinai Province", "the Sinai branch of the
    Islamic State") -> the branch whose aliases name that region.
An alias that only ends a longer place name ("Sinai Province" in "North Sinai Province") is none.
Overlaps go to the longest span. Word lists live in kb/data/lexicon/actors*.yaml; the tables and
matchers are built once per process.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from typing import Optional

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..geo.normalize import name_key
from ..kb import DATA_DIR, LEXICON_DIR, KnowledgeBase, get_kb
from ..kb.schema import ActorEntry
from ..model import Actor
from . import extensions  # noqa: F401  (registers span._.actor)
from .rulekit import longest_ranges
from .tokentable import TokenTable, token_table

log = logging.getLogger(__name__)

SPAN_GROUP = "actors"
LEXICON = DATA_DIR / LEXICON_DIR
BLOCK = "__block__"      # matcher key: phrases that are no actor ("Latin America")
DEMONYM = "__demonym__"  # matcher key: demonyms of states
HYPHENS = frozenset("-–—‐‑")
APOSTROPHES = re.compile(r"['’‘`ʼʻ]")
POSSESSIVE = re.compile(r"['’]s\b")
DOUBLED = re.compile(r"([^\W\d_])\1+")  # doubled letters, not digits: "Sayyid" = "Sayid"
ARTICLES = frozenset({"al", "el", "the"})
ACRONYM_MAX = 5          # all-capital aliases up to this many letters match in exact case only
GENERIC_WIDENED = frozenset({"civilians", "other"})  # generic kinds a demonym may precede ("Iraqi civilians")
MAX_MODIFIERS = 2
Candidate = tuple[int, int, str]  # (start token, end token, entry id or BLOCK) of a possible mention


def _load_lexicon(name: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 6x faster start-up
    return yaml.load((LEXICON / name).read_text(encoding="utf-8"), Loader=loader) or {}


def _fold(text: str) -> str:
    """Lower case without diacritics or apostrophes: the base of every normalised comparison."""
    text = unicodedata.normalize("NFKD", text.lower())
    return APOSTROPHES.sub("", "".join(c for c in text if not unicodedata.combining(c)))


def _is_acronym(alias: str) -> bool:
    letters = re.sub(r"[.\-\s]", "", alias)
    return letters.isalpha() and letters.isupper() and len(letters) <= ACRONYM_MAX


def _is_generic(entry: ActorEntry) -> bool:
    """Unnamed people of no country: civilians, unidentified armed men, protesters."""
    return entry.country is None and entry.kind in ("unidentified", *GENERIC_WIDENED)


@dataclass
class Demonym:
    text: str
    state_id: str
    country: str
    plural: bool    # "Iraqis": a noun on its own
    nominal: bool   # "the French", "the US": a noun when the next word is not one
    needs_the: bool  # "the French" (an adjective used as a noun) but "US" alone


@dataclass
class Tables:
    """Everything the component looks up, built from the KB and the lexicons (once per process)."""

    entries: dict[str, ActorEntry]
    lower_aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # lower text -> (alias, entry id)
    case_aliases: dict[str, str] = field(default_factory=dict)               # exact-case alias -> entry id
    demonyms: dict[str, Demonym] = field(default_factory=dict)      # lower demonym text -> Demonym
    case_demonyms: set[str] = field(default_factory=set)
    alias_demonyms: set[str] = field(default_factory=set)           # lower texts that are alias and demonym
    blockers: list[str] = field(default_factory=list)
    variants: dict[str, str] = field(default_factory=dict)
    force_phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # token tuple -> branch
    modifiers: set[tuple[str, ...]] = field(default_factory=set)
    not_after_force: frozenset = frozenset()
    followers: frozenset = frozenset()
    quantifiers: frozenset = frozenset()
    compound_suffixes: frozenset = frozenset()
    stance_prefixes: frozenset = frozenset()
    locatives: frozenset = frozenset()
    place_qualifiers: frozenset = frozenset()
    branch_nouns: frozenset = frozenset()
    parents: dict[str, frozenset] = field(default_factory=dict)          # entry id -> the umbrellas above it
    branches: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)  # parent -> region words -> member
    force_max: int = 1


def _words(items) -> frozenset:
    return frozenset(str(w).lower() for w in items or [])


def build_tables(kb: KnowledgeBase) -> Tables:
    """Tables for the actors of `kb` (the process-wide KB through get_tables(); any KB in tests)."""
    lex = _load_lexicon("actors.yaml")
    tables = Tables(entries=dict(kb.actors))
    for group in _load_lexicon("actors_translit.yaml").get("variants") or []:
        canonical = DOUBLED.sub(r"\1", _fold(str(group[0])))
        for word in group:
            tables.variants[DOUBLED.sub(r"\1", _fold(str(word)))] = canonical
    tables.not_after_force = _words(lex.get("not_after_force"))
    tables.followers = _words(lex.get("nominal_followers"))
    tables.quantifiers = _words(lex.get("people_quantifiers"))
    tables.compound_suffixes = _words(lex.get("compound_suffixes"))
    tables.stance_prefixes = _words(lex.get("stance_prefixes"))
    tables.locatives = _words(lex.get("locative_prepositions"))
    tables.place_qualifiers = _words(lex.get("place_qualifiers"))
    tables.branch_nouns = _words(lex.get("branch_nouns"))
    _add_branches(tables, kb)
    tables.blockers = [str(p) for p in lex.get("not_actors") or []]
    shared = {k.lower(): v.upper() for k, v in (lex.get("shared_demonyms") or {}).items()}

    for entry in kb.actors.values():
        for alias in entry.names():
            if entry.match_case or _is_acronym(alias):
                owner = tables.case_aliases.setdefault(alias, entry.id)
            else:
                original, owner = tables.lower_aliases.setdefault(alias.lower(), (alias, entry.id))
                if owner == entry.id and alias[:1].islower() and original[:1].isupper():
                    tables.lower_aliases[alias.lower()] = (alias, entry.id)  # "farmers" needs no capital
            if owner != entry.id:
                log.debug("alias %r of %s already belongs to %s", alias, entry.id, owner)

    claims: dict[str, list[ActorEntry]] = {}
    for entry in kb.actors.values():
        if entry.kind == "state" and entry.country:
            for demonym in entry.demonyms:
                claims.setdefault(demonym.lower(), []).append(entry)
    for lower, states in claims.items():
        if len(states) > 1:
            chosen = [s for s in states if s.country == shared.get(lower)]
            if not chosen:
                log.debug("demonym %r is shared by %s and has no preferred state", lower, [s.id for s in states])
                continue
            states = chosen
        state = states[0]
        text = next(d for d in state.demonyms if d.lower() == lower)
        is_alias = any(n.lower() == lower for n in state.names())
        plural = (lower.endswith("s") and not lower.endswith(("ss", "ois", "ais")) and not is_alias
                  and not _is_acronym(text))
        adjective_noun = lower.endswith(("sh", "ch", "ese", "ss", "ois", "ais"))
        tables.demonyms[lower] = Demonym(text, state.id, state.country, plural, is_alias or adjective_noun, not is_alias)
        if _is_acronym(text):
            tables.case_demonyms.add(text)
        if is_alias:
            tables.alias_demonyms.add(lower)

    for branch, phrases in (lex.get("force_nouns") or {}).items():
        for phrase in phrases:
            tables.force_phrases[tuple(str(phrase).lower().split())] = branch
    tables.force_max = max(map(len, tables.force_phrases), default=1)
    tables.modifiers = {tuple(str(m).lower().split()) for m in lex.get("force_modifiers") or []}
    return tables


def _add_branches(tables: Tables, kb: KnowledgeBase) -> None:
    """Each entry's umbrellas (transitively), and each umbrella's branches by the region their aliases name:
    an alias "<parent alias> [in|of] [the] <region> [<branch noun>]" or "<region> <branch noun>" of a member
    ("Islamic State in Sinai", "Sinai Province") gives the region words ("sinai",) of that member."""
    direct = {e.id: [link.id for link in e.member_of if link.id in kb.actors] for e in kb.actors.values()}
    for entry_id in direct:
        seen, todo = set(), list(direct[entry_id])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        if seen:
            tables.parents[entry_id] = frozenset(seen)
    for entry_id, parents in direct.items():
        for parent_id in parents:
            prefixes = sorted((tuple(_fold(n).split()) for n in kb.actors[parent_id].names()), key=len, reverse=True)
            regions = tables.branches.setdefault(parent_id, {})
            for alias in kb.actors[entry_id].names():
                words = tuple(_fold(POSSESSIVE.sub("", alias)).split())
                rest = next((words[len(p):] for p in prefixes if len(words) > len(p) and words[:len(p)] == p), None)
                if rest is None:
                    if len(words) < 2 or words[-1] not in tables.branch_nouns:
                        continue
                    rest = words
                while rest and rest[0] in ("in", "of", "the"):
                    rest = rest[1:]
                if rest and rest[-1] in tables.branch_nouns:
                    rest = rest[:-1]
                if rest and all(w.isalpha() and len(w) > 1 for w in rest):
                    regions.setdefault(rest, entry_id)


@lru_cache(maxsize=1)
def get_tables() -> Tables:
    """The actor tables of this process (built once from the KB and the lexicons)."""
    return build_tables(get_kb())


def lookup_demonym(text: str) -> Optional[ActorEntry]:
    """The state entry a demonym names ("Iraqi" -> state_iq), or None: for components that read
    "the Iraqi prime minister" or "a Lebanese journalist" and need the country."""
    tables = get_tables()
    demonym = tables.demonyms.get(" ".join(text.split()).lower())
    return tables.entries.get(demonym.state_id) if demonym else None


class ActorRecognizer:
    """The component: matchers and the normalised index built once, then a linear pass per Doc."""

    def __init__(self, tables: Tables, tokenizer, lang: str = "en"):
        self.lang = lang
        self.tables = tables
        self.tokenizer = tokenizer
        self.lower = PhraseMatcher(tokenizer.vocab, attr="LOWER")
        self.exact = PhraseMatcher(tokenizer.vocab, attr="ORTH")
        self.keys: dict[int, str] = {}
        self.capitalised: set[tuple[str, ...]] = set()  # lower-token keys of proper-name aliases
        self.normalized: dict[tuple[str, ...], tuple[str, bool]] = {}  # key -> (entry id, capitalised)
        self.norm_trie: dict = {}  # `normalized` word by word; "" holds a key's (entry id, capitalised)
        self.norms: dict[str, str] = {}  # token text -> normalised form, filled as texts come
        self.states = frozenset(i for i, e in tables.entries.items() if e.kind == "state")
        self.generic = frozenset(i for i, e in tables.entries.items() if _is_generic(e))
        lower_by_id: dict[str, list[str]] = {}
        for lower, (alias, entry_id) in tables.lower_aliases.items():
            if lower not in tables.alias_demonyms:  # demonym rules decide for "US", "United States"
                lower_by_id.setdefault(entry_id, []).append(alias)
        case_by_id: dict[str, list[str]] = {}
        for alias, entry_id in tables.case_aliases.items():
            if alias.lower() not in tables.alias_demonyms:
                case_by_id.setdefault(entry_id, []).append(alias)
        case_lower = {c.lower() for c in tables.case_demonyms}
        lower_by_id[DEMONYM] = [d.text for lower, d in tables.demonyms.items() if lower not in case_lower]
        case_by_id[DEMONYM] = sorted(tables.case_demonyms)
        lower_by_id[BLOCK] = tables.blockers
        self._add(self.lower, lower_by_id, capitalised=True)
        self._add(self.exact, case_by_id, capitalised=False)
        self._build_normalized(lower_by_id)

    def __reduce__(self):
        """Pickled (for worker processes) as a reference: the worker builds or reuses its own."""
        return (_recognizer, (self.lang,))

    def _add(self, matcher: PhraseMatcher, by_id: dict[str, list[str]], capitalised: bool) -> None:
        for key, texts in by_id.items():
            docs = list(self.tokenizer.pipe(texts))
            matcher.add(key, docs)
            self.keys[self.tokenizer.vocab.strings[key]] = key
            if capitalised:
                for text, doc in zip(texts, docs):
                    if doc[0].text[:1].isupper():
                        self.capitalised.add(tuple(t.lower_ for t in doc))

    def _build_normalized(self, lower_by_id: dict[str, list[str]]) -> None:
        for entry_id, names in lower_by_id.items():
            if entry_id not in self.tables.entries:
                continue
            for doc in self.tokenizer.pipe(names):
                kept = [t for t in doc if self.norm(t.text)]
                key = tuple(self.norm(t.text) for t in kept)
                if not key or key in self.normalized:
                    continue
                self.normalized[key] = (entry_id, kept[0].text[:1].isupper())
                node = self.norm_trie
                for word in key:
                    node = node.setdefault(word, {})
                node[""] = self.normalized[key]

    def norm(self, text: str) -> str:
        """Normalised form of one token; "" for tokens that do not count (hyphens, "al", "the")."""
        found = self.norms.get(text)
        if found is None:
            if len(self.norms) > 65536:
                self.norms.clear()
            found = self.norms[text] = self._norm(text)
        return found

    def _norm(self, text: str) -> str:
        if text in HYPHENS:
            return ""
        folded = _fold(text)
        for prefix in ("al-", "el-"):
            if folded.startswith(prefix) and len(folded) > 3:
                folded = folded[3:]
        if not folded or folded in ARTICLES or not any(c.isalnum() for c in folded):
            return ""
        folded = DOUBLED.sub(r"\1", folded)
        return self.tables.variants.get(folded, folded)

    # --- per document -------------------------------------------------------------------------
    # Candidates are (start, end, label) tuples read from the document's token table (nlp/tokentable.py):
    # a spaCy Span or Token object per candidate and per look-around costs more than the rules themselves,
    # so Spans are made only for the mentions that win.

    def __call__(self, doc: Doc) -> Doc:
        table = token_table(doc)
        candidates: list[Candidate] = []
        demonym_spans: list[Candidate] = []
        demonym_starts: dict[int, int] = {}  # end token -> start token of a demonym left as a modifier
        tables = self.tables
        for match_id, start, end in [*self.lower(doc), *self.exact(doc)]:
            key = self.keys.get(match_id)
            if key == BLOCK:
                candidates.append((start, end, BLOCK))
            elif key == DEMONYM:
                found = self._demonym(doc, table, start, end)
                if found is not None:
                    demonym_spans.append(found)
                else:
                    demonym_starts[end] = start
            elif key is not None:
                label = self._alias_label(table, start, end, key)
                if label == key:
                    candidates.append(self._possessive_forces(table, start, end, key) or (start, end, key))
                elif label == BLOCK:
                    candidates.append((start, end, BLOCK))
        candidates.extend(self._normalized_matches(table))
        candidates.extend(self._place_name_blocks(table, candidates))
        candidates.extend(self._branches(table, candidates))
        candidates.extend(demonym_spans)  # last: on a tie a KB name beats a demonym phrase ("Libyan National Army")
        candidates = self._generic_rules(table, candidates, demonym_starts)
        spans = []
        for start, end, label in longest_ranges(candidates, lambda c: (c[0], c[1])):
            if label == BLOCK:
                continue
            entry = tables.entries[label]
            span = Span(doc, start, end, label=label)
            span._.actor = Actor(kb_id=entry.id, name=entry.name, text=table.span_text(start, end),
                                 span=(table.idx[start], table.char_end(end - 1)), kind=entry.kind)
            spans.append(span)
        doc.spans[SPAN_GROUP] = spans
        return doc

    def _alias_label(self, table: TokenTable, start: int, end: int, entry_id: str) -> Optional[str]:
        """entry_id for a mention; None when the text is not this name ("turkey": proper names need a
        capital); BLOCK when it is the name but not an actor ("in Papua New Guinea" is a place,
        "Iran-backed" a modifier), so that no shorter alias inside it ("Guinea") becomes one."""
        if not table.cap[start] and tuple(table.lower[start:end]) in self.capitalised:
            return None
        if entry_id in self.states and self._after_locative(table, start):
            return BLOCK
        return BLOCK if self._in_compound(table, start, end) else entry_id

    def _place_name_blocks(self, table: TokenTable, candidates: list[Candidate]) -> list[Candidate]:
        """BLOCK over "<qualifier> <alias>" where the qualifier and the alias's first words are a gazetteer name:
        "North Sinai province" is the governorate, not the group "Sinai Province". States are left to the places
        component ("South Sudan" is an alias of its own)."""
        lower, cap, qualifiers = table.lower, table.cap, self.tables.place_qualifiers
        wanted: dict[str, set[Candidate]] = {}  # name key -> the blocks it would make
        for start, end, label in candidates:
            if start == 0 or label == BLOCK or label in self.states or not cap[start - 1] \
                    or lower[start - 1] not in qualifiers:
                continue
            for k in range(start + 1, end + 1):
                key = name_key(table.span_text(start - 1, k))
                if key:
                    wanted.setdefault(key, set()).add((start - 1, end, BLOCK))
        if not wanted:
            return []
        from ..geo import get_gazetteer  # only here: most texts never ask, and the index is slow to open

        found = get_gazetteer().lookup_keys(wanted)
        return sorted(set().union(*(wanted[key] for key, places in found.items() if places)))  # a stable order

    def _branches(self, table: TokenTable, candidates: list[Candidate]) -> list[Candidate]:
        """A parent's regional branch named through the parent: "the Islamic State's Sinai Province" (a member's alias
        after "<parent>'s") and "the Islamic State's Sahel affiliate" are one mention of the branch; in "the Sinai
        branch of the Islamic State" "Sinai branch" is the branch and the parent stays a mention of its own (the
        relations component reads the membership there). Region words come from the members' aliases."""
        tables, lower, n = self.tables, table.lower, len(table.text)
        out = []
        by_start = {start: (end, label) for start, end, label in candidates if label != BLOCK}
        for start, end, parent in candidates:
            regions = tables.branches.get(parent)
            if not regions:
                continue
            if end + 1 < n and lower[end] in ("'s", "’s"):
                member = by_start.get(end + 1)
                if member is not None and parent in tables.parents.get(member[1], ()):
                    out.append((start, member[0], member[1]))  # "the Islamic State's Sinai Province"
                    continue
                for words, member_id in regions.items():
                    stop = end + 1 + len(words)
                    if stop < n and tuple(lower[end + 1:stop]) == words and lower[stop] in tables.branch_nouns \
                            and table.cap[end + 1]:
                        out.append((start, stop + 1, member_id))  # "the Islamic State's Sahel affiliate"
            i = start - 1 - (start >= 1 and lower[start - 1] == "the")
            if i >= 2 and lower[i] == "of" and lower[i - 1] in tables.branch_nouns:
                for words, member_id in regions.items():
                    first = i - 1 - len(words)
                    if first >= 0 and tuple(lower[first:i - 1]) == words and table.cap[first]:
                        out.append((first, i, member_id))  # "Sinai branch" of "the Sinai branch of the Islamic State"
        return out

    def _after_locative(self, table: TokenTable, start: int) -> bool:
        """'in Iraq', 'across the United States', 'in Iraq and Syria': the country as a place, left to
        the places component."""
        lower, text, locatives = table.lower, table.text, self.tables.locatives
        i = start - 1
        for _ in range(3):  # back over up to two coordinated names: "in Iraq, Syria and Lebanon"
            if i >= 0 and lower[i] == "the":
                i -= 1
            if i < 0:
                return False
            if lower[i] in locatives:
                return True
            if lower[i] not in ("and", "or", ","):
                return False
            i -= 1
            name_start = i
            while i >= 0 and name_start - i < 4 and (text[i].istitle() or text[i].isupper()) \
                    and lower[i] not in locatives:
                i -= 1
            if i == name_start:
                return False
        return False

    def _in_compound(self, table: TokenTable, start: int, end: int) -> bool:
        tables, text = self.tables, table.text
        if start >= 2 and text[start - 1] in HYPHENS and table.lower[start - 2] in tables.stance_prefixes:
            return True
        # a hyphen with no space after it: the next token starts where the hyphen ends
        if end + 1 < len(text) and text[end] in HYPHENS and table.idx[end + 1] == table.char_end(end):
            return table.lower[end + 1] in tables.compound_suffixes or text[end + 1][:1].islower()
        return False

    def _force_phrase(self, table: TokenTable, pos: int) -> Optional[tuple[int, str]]:
        """(end, branch) of the longest "[modifier] <force noun>" starting at token pos, if any."""
        tables = self.tables
        lowers = table.lower[pos:pos + 2 * MAX_MODIFIERS + tables.force_max]
        best: Optional[tuple[int, str]] = None
        starts = [0]
        for _ in range(MAX_MODIFIERS):  # offsets reachable by skipping modifiers
            offset = starts[-1]
            step = next((n for n in (2, 1) if tuple(lowers[offset:offset + n]) in tables.modifiers), 0)
            if not step:
                break
            starts.append(offset + step)
        for offset in starts:
            for n in range(tables.force_max, 0, -1):
                key = tuple(lowers[offset:offset + n])
                branch = tables.force_phrases.get(key) if len(key) == n else None
                if branch:
                    end = pos + offset + n
                    if best is None or end > best[0]:
                        best = (end, branch)
                    break
        if best is None:
            return None
        end = best[0]
        if end < len(table.text) and table.lower[end] in tables.not_after_force:
            return None
        if end < len(table.text) and table.text[end] in HYPHENS:  # "US military-run prison"
            return None
        return best

    def _forces_span(self, table: TokenTable, start: int, pos: int, country: str) -> Optional[Candidate]:
        found = self._force_phrase(table, pos)
        if found is None:
            return None
        end, branch = found
        entry_id = f"{branch}_{country.lower()}"
        return (start, end, entry_id) if entry_id in self.tables.entries else None

    def _possessive_forces(self, table: TokenTable, start: int, end: int, entry_id: str) -> Optional[Candidate]:
        """"Israel's army" -> the state's forces, spanning the whole phrase."""
        if end >= len(table.text) or table.lower[end] not in ("'s", "’s"):
            return None
        entry = self.tables.entries[entry_id]
        if entry.kind != "state" or not entry.country:
            return None
        return self._forces_span(table, start, end + 1, entry.country)

    def _demonym(self, doc: Doc, table: TokenTable, start: int, end: int) -> Optional[Candidate]:
        tables = self.tables
        demonym = tables.demonyms.get(" ".join(table.lower[start:end]))
        if demonym is None or not table.cap[start] or self._in_compound(table, start, end):
            return None
        if end < len(table.text) and table.text[end] in HYPHENS:
            return None  # "Israeli-Palestinian", "Saudi-led": a compound, never an actor
        forces = self._forces_span(table, start, end, demonym.country)
        if forces is not None:
            return forces
        if demonym.plural:
            before = doc[start - 1] if start else None
            if before is not None and (before.like_num or before.lower_ in tables.quantifiers):
                return None
            if (before is not None and before.lower_ == "of" and start >= 2
                    and (doc[start - 2].like_num or doc[start - 2].lower_ in tables.quantifiers)):
                return None
            return (start, end, demonym.state_id)
        if demonym.nominal and self._noun_here(doc, table, start, end, demonym.needs_the) \
                and (demonym.needs_the or not self._after_locative(table, start)):
            return (start, end, demonym.state_id)
        return None

    def _noun_here(self, doc: Doc, table: TokenTable, start: int, end: int, needs_the: bool) -> bool:
        """Whether an adjective-like demonym heads its noun phrase ("the British said", "the US,")."""
        if needs_the and (start == 0 or table.lower[start - 1] != "the"):
            return False
        if end >= len(table.text):
            return True
        nxt = doc[end]
        if nxt.is_punct or nxt.is_sent_start or nxt.lower_ in self.tables.followers or nxt.lower_ in ("'s", "’s"):
            return True
        if doc.has_annotation("POS"):
            return nxt.pos_ in ("VERB", "AUX", "ADP", "CCONJ", "SCONJ", "ADV", "PART", "PUNCT")
        return nxt.is_alpha and nxt.is_lower and nxt.lower_.endswith("ed")

    def _normalized_matches(self, table: TokenTable) -> list[Candidate]:
        """Aliases found through the normalised token forms (spelling variants)."""
        norms_all = list(map(self.norms.get, table.text))  # None: a text not seen yet
        if None in norms_all:
            norms_all = [self.norm(text) if n is None else n for text, n in zip(table.text, norms_all)]
        kept = list(compress(range(len(norms_all)), norms_all))  # tokens that count ("al", "the", hyphens do not)
        norms = list(filter(None, norms_all))
        trie, cap = self.norm_trie, table.cap
        found = []
        for j in compress(range(len(norms)), map(trie.__contains__, norms)):  # words that start a key
            best = None  # the longest key from word j: (end in `norms`, its (entry id, capitalised))
            node, k = trie[norms[j]], j + 1
            while node is not None:
                if "" in node:
                    best = (k, node[""])
                node = node.get(norms[k]) if k < len(norms) else None
                k += 1
            if best is None:
                continue
            i, end, (entry_id, capitalised) = kept[j], kept[best[0] - 1] + 1, best[1]
            label = None if capitalised and not cap[i] else self._alias_label(table, i, end, entry_id)
            if label is not None:
                found.append((i, end, label))
        return found

    def _generic_rules(self, table: TokenTable, candidates: list[Candidate],
                       demonym_starts: dict[int, int]) -> list[Candidate]:
        """Unnamed "militants" right after a name belong to that name ("Houthi militants"): drop them;
        a demonym before generic people widens the span ("Iraqi civilians")."""
        entries, generic = self.tables.entries, self.generic
        named_ends = {end for _, end, label in candidates if label != BLOCK and label not in generic}
        out = []
        for candidate in candidates:
            start, end, label = candidate
            if label not in generic:
                out.append(candidate)
                continue
            entry = entries[label]
            if start in demonym_starts and entry.kind in GENERIC_WIDENED:
                out.append((demonym_starts[start], end, label))
                continue
            if entry.kind == "unidentified" and start > 0:
                before = table.text[start - 1]
                named_before = (before.istitle() or (before.isupper() and len(before) > 1)) \
                    and not table.sent_start[start - 1]
                if start in named_ends or (named_before and table.lower[start - 1] not in self.tables.demonyms):
                    continue
            out.append(candidate)
        return out


@lru_cache(maxsize=4)
def _recognizer(lang: str) -> ActorRecognizer:
    """One recognizer per language per process; its patterns come from that language's tokenizer,
    which trained and blank pipelines of a language share."""
    return ActorRecognizer(get_tables(), spacy.blank(lang).tokenizer, lang)


@Language.factory("conflictlens_actors")
def make_actors(nlp: Language, name: str) -> ActorRecognizer:
    return _recognizer(nlp.lang)


def find_actors(doc: Doc) -> list[Span]:
    """Run the recognizer on a Doc outside a pipeline and return its actor spans."""
    return list(_recognizer(doc.lang_)(doc).spans[SPAN_GROUP])
