"""Pipeline component 'places': toponyms linked to coordinates, with relative phrases.

Fills doc.spans["places"]; each span (the toponym itself) carries span._.location, a
model.Location whose `relation` keeps the words around it ("south of", "near", "road") and
whose `precision` is ACLED's geo precision (1 the place, 2 near/part of it, 3 a region).

How: capitalised token sequences (up to MAX_TOKENS, Arabic articles and hyphens inside) are
looked up in the gazetteer in one batch; the longest match from each start wins; matches
that are words, persons or parts of other names are dropped (word lists in
kb/data/lexicon/places*.yaml); the rest are resolved together (geo/resolve.py) so the document's
countries and places disambiguate each other. Names that stand for a government ("talks with Russia")
and regions across countries that share a unit's name ("the Sahel") are no places.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from dataclasses import dataclass
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..geo import get_gazetteer
from ..geo.normalize import ARTICLES, final_h_variant, name_key
from ..geo.records import Candidate
from ..geo.resolve import CLEAR_MARGIN, Mention, resolve
from ..model import Location
from . import extensions  # noqa: F401
from .tokentable import token_table

log = logging.getLogger(__name__)


def _yaml_load(text: str):
    """yaml.safe_load through libyaml when it is there (several times faster at start-up)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


LEXICON_DIR = Path(__file__).resolve().parent.parent / "kb" / "data" / "lexicon"
MAX_TOKENS = 6
CONNECTORS = ARTICLES | {"-", "of", "de", "del", "du", "la", "le", "los", "las", "di", "da", "do", "dos", "das", "y",
                         "bin", "ibn", "bint", "ben", "sur", "and", "e", "i"}  # "Jammu and Kashmir", "Pul-e-Khumri"
DASHES = {"-", "–", "—", "to"}
WEAK_POPULATION = 15_000      # a town smaller than this needs a locative word or the document's country
NOTABLE_POPULATION = 100_000  # a town this big is a place even when all its words are common words
ALTERNATE_NAME_POPULATION = 500_000  # matched by an alternate name only ("Hamas" for Hamm): needs a cue below this
HEADLINE_CAPS = 0.6           # share of capitalised words from which a sentence is taken for a title-case headline
STATE_KINDS = ("state", "state_forces")
METONYM_POPULATION = 500_000  # a city this big (a capital, usually) may stand for its government: "Kigali denies"
QUOTES = {'"', "“", "”", "'"}
# what follows a dateline's place: "BAGHDAD, Jan 18", "KYIV (Wire) –", "BAGHDAD:", "KABUL/ISLAMABAD (Wire) -"
DATELINE_FOLLOWERS = {",", "(", "-", "–", "—", ":", "/"}


@dataclass(frozen=True)
class Lexicon:
    """The word lists of kb/data/lexicon/places.yaml and places_common_words.yaml, as sets and phrases."""

    stop_words: frozenset[str]
    name_words: frozenset[str]
    common_words: frozenset[str]
    person_titles: frozenset[str]
    locatives: frozenset[str]
    in_words: frozenset[str]
    qualifiers: frozenset[str]
    feature_words: frozenset[str]
    admin_words: frozenset[str]
    place_nouns: frozenset[str]
    directions: frozenset[str]
    direction_adjectives: frozenset[str]
    near_phrases: tuple[tuple[tuple[str, ...], str], ...]   # (tokens, relation), longest first
    countryside_words: frozenset[str]
    road_words: frozenset[str]
    town_nouns: frozenset[str] = frozenset()
    located_suffixes: frozenset[str] = frozenset()
    government_nouns: frozenset[str] = frozenset()
    stance_verbs: frozenset[str] = frozenset()
    stance_auxiliaries: frozenset[str] = frozenset()
    agent_words: frozenset[str] = frozenset()
    people_words: frozenset[str] = frozenset()
    action_verbs: frozenset[str] = frozenset()
    transnational_regions: frozenset[str] = frozenset()  # name keys
    dealing_nouns: frozenset[str] = frozenset()


def _tokens(phrase: str) -> tuple[str, ...]:
    """A phrase as spaCy splits it: "north-east of" -> ("north", "-", "east", "of")."""
    return tuple(phrase.lower().replace("-", " - ").split())


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Read the places word lists once per process."""
    data = _yaml_load((LEXICON_DIR / "places.yaml").read_text(encoding="utf-8"))
    common = _yaml_load((LEXICON_DIR / "places_common_words.yaml").read_text(encoding="utf-8"))

    def words(name: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(name) or ())

    near = [(_tokens(p), relation) for relation, phrases in (data.get("near_phrases") or {}).items() for p in phrases]
    return Lexicon(
        stop_words=words("stop_words"), name_words=words("name_words"), common_words=frozenset(str(w).lower() for w in common["common_words"]),
        person_titles=words("person_titles"), locatives=words("locatives"), in_words=words("in_words"), qualifiers=words("qualifiers"),
        feature_words=words("feature_words"), admin_words=words("admin_words"), place_nouns=words("place_nouns"),
        directions=frozenset(str(d).lower().replace("-", "") for d in data.get("directions") or ()),
        direction_adjectives=frozenset(str(d).lower().replace("-", "") for d in data.get("direction_adjectives") or ()),
        near_phrases=tuple(sorted(near, key=lambda pr: -len(pr[0]))),
        countryside_words=words("countryside_words"),
        road_words=frozenset(w for p in data.get("road_words") or () for w in [str(p).lower().split()[-1]]),
        town_nouns=words("town_nouns"), located_suffixes=words("located_suffixes"),
        government_nouns=words("government_nouns"), stance_verbs=words("stance_verbs"),
        stance_auxiliaries=words("stance_auxiliaries"), agent_words=words("agent_words"),
        people_words=words("people_words"), action_verbs=words("action_verbs"),
        transnational_regions=frozenset(name_key(str(r)) for r in data.get("transnational_regions") or ()),
        dealing_nouns=words("dealing_nouns"),
    )


class Words:
    """The Doc's shared token table (tokentable.py) plus, per token, whether its sentence is a
    title-case headline: the tagger looks at each token many times. `actors` holds the actors
    component's spans as (start, end, is a state) tuples: read once, not once per candidate."""

    def __init__(self, doc: Doc, actors: Sequence[tuple[int, int, bool]] = ()):
        table = token_table(doc)
        self.table = table
        self.n = len(table.text)
        self.doc_text, self.text, self.lower, self.idx = table.doc_text, table.text, table.lower, table.idx
        self.alpha, self.digit, self.sent_start, self.cap = table.alpha, table.digit, table.sent_start, table.cap
        self.span_text, self.ends_with = table.span_text, table.ends_with
        self.headline = self._headlines()
        self.actors = actors
        self._lowercase_words: Optional[set[str]] = None

    def __len__(self) -> int:
        return self.n

    def _headlines(self) -> list[bool]:
        """Per token: its sentence is written in title case ("Drone Strike Hits Base Near Erbil")."""
        flags = [False] * self.n
        alpha, cap = self.alpha, self.cap
        for start, end in self.table.sentences:
            words = [c for a, c in zip(alpha[start:end], cap[start:end]) if a]
            if len(words) >= 5 and sum(words) / len(words) > HEADLINE_CAPS:
                flags[start:end] = [True] * (end - start)
        return flags

    @property
    def lowercase_words(self) -> set[str]:
        """Words the document writes in lower case somewhere (built at the first question: it is rarely asked)."""
        if self._lowercase_words is None:
            self._lowercase_words = {x for x, t in zip(self.lower, self.text) if x == t}
        return self._lowercase_words


@dataclass
class Match:
    """A toponym candidate in the text: tokens start:end, its name key and candidate places."""

    start: int
    end: int
    key: str
    candidates: tuple[Candidate, ...]
    relation: str = "in"
    near: bool = False          # relation puts it near / in part of the place: precision at least 2
    cue: bool = False           # a locative word or relation phrase stands before it
    want_admin1: bool = False   # "X province"
    want_town: bool = False     # "the town of X": a settlement, not a country that shares the name


class PlaceTagger:
    """Finds, filters, relates and resolves the toponyms of one Doc."""

    def __init__(self, lexicon: Lexicon, gazetteer, demonyms: frozenset[str] = frozenset(), kb=None):
        self.lex = lexicon
        self.gaz = gazetteer
        self.demonyms = demonyms
        self.kb = kb
        # names the knowledge base gives to armed groups, parties, persons and outlets ("Hamas",
        # "Al-Mayadeen"): never a place, even where the actors component has not tagged them
        self.other_names: frozenset[str] = frozenset()
        self._strong: dict[str, bool] = {}
        self._never_alone = lexicon.stop_words | lexicon.name_words | lexicon.person_titles  # as a one-word name
        self._prefix_words = frozenset(word for prefix in gazetteer.curated_prefixes for word in prefix.split())
        # near phrases by their last word, with their rank in the lexicon's longest-first order
        self._near_by_last: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
        self._near_empty: Optional[tuple[int, str]] = None  # an empty phrase ends anywhere
        for order, (phrase, relation) in enumerate(lexicon.near_phrases):
            if phrase:
                self._near_by_last.setdefault(phrase[-1], []).append((order, phrase, relation))
            elif self._near_empty is None:
                self._near_empty = (order, relation)
        if kb is not None:
            names = [n for a in kb.actors.values() if a.kind not in STATE_KINDS for n in a.names()]
            names += [n for o in kb.outlets.values() for n in o.names()]
            self.other_names = frozenset(name_key(n) for n in names) - {""}

    # -- candidates -------------------------------------------------------------------------------
    def _spans(self, w: Words) -> list[tuple[int, int, str]]:
        """Every token sequence that could be a name: (start, end, key).

        Capitalised words, with articles, hyphens and numbers inside ("Deir ez-Zor", "Tower 22", "al-Qaim"); lowercase
        words too while they continue a curated name ("Pik airfield", "Zaporizhzhia nuclear power plant").
        """
        out = []
        n = w.n
        prefixes = self.gaz.curated_prefixes
        lower, text, caps, digit, alpha, sent_start, idx = w.lower, w.text, w.cap, w.digit, w.alpha, w.sent_start, w.idx
        span_text, prefix_words = w.span_text, self._prefix_words
        # capitalised words but "The", and lowercase articles before a hyphen and a capital ("al-Qaim")
        starts = [i for i in range(n) if (caps[i] and lower[i] != "the")
                  or (lower[i] in ARTICLES and i + 2 < n and text[i + 1] == "-" and caps[i + 2])]
        for i in starts:
            for k in range(i + 1, min(n, i + MAX_TOKENS) + 1):
                j = k - 1
                if j > i and sent_start[j]:
                    break
                cap = caps[j] or digit[j]
                if j > i and not (cap or lower[j] in CONNECTORS):
                    if not alpha[j]:
                        break
                    if lower[j] not in prefix_words and text[j].isascii() and idx[j] > idx[j - 1] + len(text[j - 1]):
                        break  # the key would end in this word (spaced, plain ASCII), and no curated name has it
                    key = name_key(span_text(i, k))
                    if key not in prefixes:
                        break
                    out.append((i, k, key))
                elif cap:
                    key = name_key(span_text(i, k) if j > i else text[i])
                    if key:
                        out.append((i, k, key))
        return out

    def _name_like(self, w: Words, i: int) -> bool:
        """A capitalised token that reads as part of a name (not a locative, function or calendar word)."""
        return 0 <= i < w.n and w.cap[i] and w.lower[i] not in self.lex.locatives and w.lower[i] not in self.lex.stop_words

    def _embedded(self, w: Words, start: int, end: int) -> bool:
        """Part of a longer name: "Gaza Health Ministry", "Kata'ib Sayyid al-Shuhada", "Ansar al-Sharia"."""
        lex = self.lex
        left = start - 1
        if left >= 1 and w.text[left] == "-" and w.lower[left - 1] in ARTICLES:
            left -= 2
        elif left >= 0 and w.lower[left] in ARTICLES:
            left -= 1
        if self._name_like(w, left) and w.lower[left] not in lex.qualifiers and w.lower[left] not in self.demonyms:
            return True
        n = w.n
        if end < n and (w.lower[end] in ARTICLES or (w.text[end] == "-" and end + 1 < n and w.text[end + 1].islower()
                                                     and w.lower[end + 1] not in lex.located_suffixes)):
            return True  # "Ansar al-Sharia", "Iran-aligned", "Dasht-e-Barchi" (but "Tripoli-based" is a place)
        if start >= 2 and w.text[start - 1] == "-" and w.text[start - 2].islower() and w.lower[start - 2] not in ARTICLES:
            return True  # "pro-Damascus", "Dasht-e-Barchi"
        return self._name_like(w, end) and w.lower[end] not in lex.feature_words and w.lower[end] != "international"

    @staticmethod
    @lru_cache(maxsize=65536)
    def _acronym(token: str) -> bool:
        """Capitals after the first letter of a word part: "SEMA", "FAMa" ("Ma'arrat", "Al-Qaim" are not)."""
        return any(part[1:] != part[1:].lower() for part in token.replace("'", "-").split("-") if len(part) > 1)

    @staticmethod
    def _dateline(w: Words, m: Match) -> bool:
        """A dateline in capitals at the start of the text or of a paragraph: "BAGHDAD (Tigris Wire) –".

        The place is followed by a comma, bracket, dash, colon or slash: "MALE students marched" is no dateline.
        """
        if not w.span_text(m.start, m.end).isupper():
            return False
        if m.end >= w.n or w.text[m.end] not in DATELINE_FOLLOWERS:
            return False
        start = m.start
        while start >= 2 and w.text[start - 1] == "/" and w.text[start - 2].isupper():
            start -= 2  # "KABUL/ISLAMABAD": the second place of a shared dateline
        return start == 0 or "\n" in w.doc_text[max(0, w.idx[start] - 2):w.idx[start]]

    @staticmethod
    def _actor_blocks(w: Words, start: int, end: int, region: bool = False) -> bool:
        """Inside (or across) an actor's name: "Hezbollah Brigades in Iraq" is a name, not a place.

        A state actor's span within the toponym does not count: a country's name is also its territory. Nor
        does one that starts inside a region's name followed by "province" (`region`): "North Sinai province"
        is the province, whatever group is called "Sinai Province".
        """
        for a_start, a_end, state in w.actors:
            if a_end <= start or a_start >= end:
                continue
            if region and start < a_start:
                continue
            if state and start <= a_start and a_end <= end:
                continue  # "Iraq" the state is also Iraq the country; "Sudan" inside "Port Sudan"
            return True
        return False

    def _text_ok(self, w: Words, m: Match) -> bool:
        """Filters that need only the words: stop words, persons, parts of longer names, common words."""
        lex = self.lex
        first = w.lower[m.start]
        single = m.end - m.start == 1
        strong = self._strong.get(m.key)
        if strong is None:  # a country or curated place among the candidates (the same for every mention of a name)
            if len(self._strong) > 100_000:
                self._strong.clear()
            strong = self._strong[m.key] = any(c.place.kind in ("country", "curated") for c in m.candidates)
        if single and (first in lex.stop_words or first in lex.name_words or first in lex.person_titles):
            return False
        if single and first in self.demonyms and not m.want_admin1:
            nxt = m.end
            if nxt < w.n and w.alpha[nxt] and w.text[nxt].islower():
                return False  # "the Somali border", "Somali troops": the adjective, not the place
        if not strong and any(self._acronym(x) for x in w.text[m.start:m.end]) and not self._dateline(w, m):
            return False  # "IS", "SEMA", "FAMa": acronyms, not towns
        before = w.lower[m.start - 1] if m.start > 0 else ""
        if before in lex.people_words and not m.want_admin1:
            return False  # "ethnic Amhara militias": a people, not the region
        if before in lex.person_titles or (m.start > 1 and f"{w.lower[m.start - 2]} {before}" in lex.person_titles):
            return False
        headline = w.headline[m.start]
        if not headline and self._embedded(w, m.start, m.end):
            return False
        words = [x for x, alpha in zip(w.lower[m.start:m.end], w.alpha[m.start:m.end]) if alpha]
        if not strong and all(x in lex.common_words or x in lex.stop_words or x in lex.name_words for x in words):
            if not single:
                if not any(c.place.kind == "admin1" or c.place.population >= NOTABLE_POPULATION for c in m.candidates):
                    return False
            elif headline or not m.cue or (w.sent_start[m.start] and first in w.lowercase_words):
                return False
        return not self._actor_blocks(w, m.start, m.end, m.want_admin1)

    # -- the words around a toponym ---------------------------------------------------------------------
    def _relate(self, w: Words, m: Match) -> None:
        """Relation, cue and admin1 wish from the words before and after the toponym."""
        lex = self.lex
        n = w.n
        after = w.lower[m.end] if m.end < n else ""
        if after == "'s" and m.end + 1 < n:
            after = w.lower[m.end + 1]
        if after in lex.admin_words and any(c.place.kind == "admin1" for c in m.candidates):
            m.want_admin1 = True
        if after in lex.countryside_words:
            m.relation, m.near = ("outskirts of" if after == "outskirts" else "countryside"), True
        # "the town of X", "a village near X": look past the settlement noun and the article
        j = m.start
        if j >= 2 and w.lower[j - 1] == "of" and w.lower[j - 2] in lex.place_nouns:
            m.want_town = w.lower[j - 2] in lex.town_nouns
            j -= 2
            m.cue = True
        ends = (j, j - 1) if j >= 1 and w.lower[j - 1] in ("the", "a", "an") else (j,)
        relation = self._near_phrase(w, ends)
        if relation is not None:
            m.relation, m.near, m.cue = relation, True, True
            return
        for end in ends:
            if end >= 2 and w.lower[end - 1] == "of":
                direction = self._compass(w, end - 1)
                if direction in lex.directions:
                    inside = self._after_the(w, end - 1)
                    # "in the north of X" is a part of X (northern X); "north of X" lies outside it
                    m.relation = f"{direction}ern" if inside else f"{direction} of"
                    m.near, m.cue = True, True
                    return
        for end in ends:
            adjective = self._compass(w, end)
            if adjective in lex.direction_adjectives:
                m.relation, m.near = adjective, True
                m.cue = m.cue or any(w.lower[i] in lex.locatives for i in range(max(0, end - 4), end))
                return
        if any(e >= 1 and w.lower[e - 1] in lex.locatives for e in ends):
            m.cue = True

    def _near_phrase(self, w: Words, ends: tuple[int, ...]) -> Optional[str]:
        """The relation of the first near phrase (in lexicon order: longest first) that ends at one of `ends`.

        Only the phrases whose last word is the word before an end can end there (`_near_by_last`)."""
        best = self._near_empty
        lower = w.lower
        for end in ends:
            if end < 1:
                continue
            for order, phrase, relation in self._near_by_last.get(lower[end - 1], ()):
                if best is not None and order >= best[0]:
                    break
                if w.ends_with(end, phrase):
                    best = (order, relation)
                    break
        return best[1] if best is not None else None

    def _after_the(self, w: Words, end: int) -> bool:
        """The compass word ending at token `end` (exclusive) follows "the": "the north", "the south-east"."""
        k = end
        while k > 0 and end - k < 3 and (w.lower[k - 1] in self.lex.directions or w.text[k - 1] == "-"):
            k -= 1
        return k > 0 and k < end and w.lower[k - 1] == "the"

    def _compass(self, w: Words, end: int) -> str:
        """The compass word ending at token `end` (exclusive), hyphens joined: "north - east" -> "northeast"."""
        lex = self.lex
        k, word = end, ""
        while k > 0 and end - k < 3 and (w.lower[k - 1] in lex.directions or w.lower[k - 1] in lex.direction_adjectives
                                         or w.text[k - 1] == "-"):
            word = w.lower[k - 1].replace("-", "") + word
            k -= 1
        return word

    def _roads(self, w: Words, matches: list[Match]) -> None:
        """"the X-Y road", "the road between X and Y": both ends get relation "road"."""
        lex = self.lex
        for a, b in zip(matches, matches[1:]):
            between = w.lower[a.end:b.start]
            after = w.lower[b.end] if b.end < w.n else ""
            dashed = len(between) == 1 and between[0] in DASHES and after in lex.road_words
            lead = w.lower[max(0, a.start - 3):a.start]
            linked = (len(between) == 1 and between[0] in ("and", "to", "with")
                      and any(x in lex.road_words for x in lead)
                      and any(x in ("between", "linking", "connecting", "from", "joining") for x in lead))
            if dashed or linked:
                for m in (a, b):
                    m.relation, m.near, m.cue = "road", True, True

    @staticmethod
    def _plausible(m: Match, res, region: set[str]) -> bool:
        """Enough evidence for a town: size, its own name, a locative word, or the document's countries.

        Where the document's other names point to a region (their countries and neighbours), a place outside
        it needs more: a region by its bare name needs a locative word ("the Litoral penitentiary" in a story
        about Ecuador is no Equatorial Guinean province), and a name that is only one of a place's alternate
        names needs half a million people ("Maré" in Rio is not Malé, Maldives).
        """
        place = res.place
        outside = bool(region) and place.country not in region
        if outside and place.kind == "admin1" and not (m.cue or m.want_admin1):
            return False
        if outside and place.kind == "populated" and not res.candidate.main and place.population < ALTERNATE_NAME_POPULATION:
            return False
        if place.kind != "populated":
            return True
        if not res.candidate.main and place.population < ALTERNATE_NAME_POPULATION:
            # "Hamas" for Hamm, "Iskander" for Iskandar; "Jenin" (Janin) in a story about the West Bank is fine
            return m.cue or (res.in_context and place.population >= WEAK_POPULATION)
        if place.population < WEAK_POPULATION:
            return m.cue or res.in_context
        if place.population < NOTABLE_POPULATION and region and place.country not in region:
            return m.cue  # an Italian "Fano" in a story about Ethiopia
        return True

    def _wider_region(self, w: Words, m: Match, res, countries_at: dict[int, str]) -> bool:
        """A region across countries ("the Sahel") that the text does not tie to the same-named unit's country (Burkina
        Faso's Sahel region): "Burkina Faso's Sahel", "the Sahel region of Burkina Faso", or "the Sahel region" in a
        text whose other places are in that country tie it. `countries_at`: token -> country of the place there."""
        place, lower = res.place, w.lower
        if m.key not in self.lex.transnational_regions or place.kind in ("country", "curated"):
            return False
        if m.start >= 2 and lower[m.start - 1] in ("'s", "’s") and countries_at.get(m.start - 2) == place.country:
            return False
        k = m.end + (m.end < w.n and lower[m.end] in self.lex.admin_words)
        if k + 1 < w.n and lower[k] == "of":
            k += 1 + (lower[k + 1] == "the")
            if countries_at.get(k) == place.country:
                return False
        return not (m.want_admin1 and res.in_context)

    def _metonym(self, w: Words, m: Match, place, ends: dict[int, Match]) -> bool:
        """A country or big city standing for its government: "Russia's defence ministry", "Kigali denies",
        "accused Damascus", "brokered by Russia and Turkey", "talks with Russia". Such a name is an actor, not a
        location."""
        if m.want_admin1 or not (place.kind == "country" or
                                 (place.kind == "populated" and place.population >= METONYM_POPULATION)):
            return False
        lex, n = self.lex, w.n
        j = self._list_start(w, m, ends)
        if j >= 2 and w.lower[j - 1] in ("with", "between") and w.lower[j - 2] in lex.dealing_nouns:
            return True  # "military cooperation with France", "talks between Mali and Algeria" ("between" is a cue)
        if m.cue:
            return False
        if m.end < n and w.lower[m.end] == "'s":
            for k in range(m.end + 1, min(n, m.end + 5)):
                if w.lower[k] in lex.government_nouns:
                    return True
                if w.cap[k] or not w.alpha[k]:
                    break  # "Iraq's Anbar province", "Ukraine's second-largest city"
            return False
        if (m.end + 1 < n and w.lower[m.end] in lex.action_verbs and w.lower[m.end + 1] != "by"):
            return True  # "Israel struck Damascus" ("Kyiv struck by drones" is the place)
        k = m.end
        while k < n and k - m.end < 4 and (w.lower[k] in lex.stance_auxiliaries or w.text[k] in QUOTES):
            k += 1
        if k < n and w.lower[k] in lex.stance_verbs:
            return True
        return j > 0 and w.lower[j - 1] in lex.agent_words

    @staticmethod
    def _list_start(w: Words, m: Match, ends: dict[int, Match]) -> int:
        """The token after the word before the list that holds `m`: "accused Damascus and Iran", "by Turkey, the
        United States and the European Union" (walking left over the list to its first name). `ends`: the
        document's matches by end token."""
        j = m.start
        while j > 0:
            if w.lower[j - 1] in (",", "and", "the"):
                j -= 1
            elif j in ends:
                j = ends[j].start
            else:
                break
        return j

    # -- the whole document -------------------------------------------------------------------------------
    def _context_countries(self, actors: Sequence) -> set[str]:
        """Countries of the state actors the actors component found ("Iraqi forces" -> IQ); `actors`: their
        span._.actor values."""
        countries = set()
        if self.kb is None:
            return countries
        for actor in actors:
            if actor is None or actor.kind not in STATE_KINDS or not actor.kb_id:
                continue
            entry = self.kb.actors.get(actor.kb_id)
            if entry is not None and entry.forces_of and not entry.country:
                entry = self.kb.actors.get(entry.forces_of)
            if entry is not None and entry.country:
                countries.add(entry.country)
        return countries

    def _matches(self, w: Words) -> list[Match]:
        """Longest acceptable match from each start, left to right."""
        spans = self._spans(w)
        keys = {key for _, _, key in spans}
        # "Shabwa" is GeoNames' "Shabwah" too: the other spelling of the feminine ending is looked up as well
        # (in the same batch: one query)
        variants = {key: v for key in keys for v in [_final_h_variant(key)] if v}
        found = self.gaz.lookup_keys(keys.union(variants.values()))
        found.update({key: found[key] + found[v] for key, v in variants.items() if found[v]})
        by_start: dict[int, list[tuple[int, str]]] = {}
        for i, k, key in spans:
            if found.get(key):
                by_start.setdefault(i, []).append((k, key))
        # actor and outlet names the knowledge base knows ("Al-Mayadeen", "Fars"): a place there only as
        # "in Fars", "Fars province", or inside a longer place name ("The National" in "W National Park")
        blocked = [(i, k) for i, k, key in spans if key in self.other_names]  # in order of start
        blocked_starts = [b_start for b_start, _ in blocked]
        matches: list[Match] = []
        resume = 0  # the first token after the last match
        for i in sorted(by_start):
            if i < resume:
                continue
            after_in = i > 0 and w.lower[i - 1] in self.lex.in_words
            # the blocked names that can overlap a candidate from i: none is longer than MAX_TOKENS, nor a candidate
            near = blocked[bisect_left(blocked_starts, i - MAX_TOKENS + 1):bisect_left(blocked_starts, i + MAX_TOKENS)]
            for k, key in sorted(by_start[i], reverse=True):
                if k == i + 1 and w.lower[i] in self._never_alone:
                    continue  # _text_ok turns it down whatever the words around it say
                m = Match(i, k, key, found[key])
                self._relate(w, m)
                m.cue = m.cue or self._dateline(w, m)
                free = all(b_end <= i or b_start >= k or (i <= b_start and b_end <= k and k - i > b_end - b_start)
                           for b_start, b_end in near)
                if (free or m.want_admin1 or after_in) and self._text_ok(w, m):
                    matches.append(m)
                    resume = k
                    break
        return matches

    def __call__(self, doc: Doc, actor_spans: Optional[Sequence[Span]] = None) -> list[Span]:
        """The place spans of the Doc; `actor_spans`: doc.spans["actors"] as a list, where the caller has it."""
        if not len(doc):
            return []
        if actor_spans is None:
            actor_spans = list(doc.spans.get("actors", ()))
        actors = [(span.start, span.end, span._.actor) for span in actor_spans]  # each extension read once
        w = Words(doc, [(start, end, actor is not None and actor.kind in STATE_KINDS) for start, end, actor in actors])
        matches = self._matches(w)
        if not matches:
            return []
        self._roads(w, matches)
        context = self._context_countries([actor for _, _, actor in actors])
        resolutions = resolve([Mention(m.key, m.candidates, m.want_admin1, m.want_town) for m in matches],
                              context, neighbours=self.gaz.neighbours)
        # the countries each place name of the document vouches for (clear resolutions only)
        support: dict[str, set[str]] = {c: {""} for c in context}
        for m, res in zip(matches, resolutions):
            if res is not None and res.margin >= CLEAR_MARGIN:
                support.setdefault(res.place.country, set()).add(m.key)
        ends = {m.end: m for m in matches}
        countries_at = {i: res.place.country for m, res in zip(matches, resolutions) if res is not None
                        for i in range(m.start, m.end)}
        spans = []
        regions: dict[str, set[str]] = {}  # by name key: the same for every mention of a name
        for m, res in zip(matches, resolutions):
            region = regions.get(m.key)
            if region is None:
                others = {c for c, keys in support.items() if keys - {m.key}}
                region = regions[m.key] = others.union(*(self.gaz.neighbours(c) for c in others))
            if res is None or not self._plausible(m, res, region):
                log.debug("dropped weak place %r", w.span_text(m.start, m.end))
                continue
            if self._wider_region(w, m, res, countries_at):
                log.debug("dropped %r: a region across countries", w.span_text(m.start, m.end))
                continue
            if self._metonym(w, m, res.place, ends):
                log.debug("dropped %r: it stands for a government", w.span_text(m.start, m.end))
                continue
            place = res.place
            span = Span(doc, m.start, m.end, label="place")
            precision = max(place.precision, 2) if m.near else place.precision
            if m.want_admin1 and place.kind == "admin1":
                precision = 3
            start_char, end_char = w.idx[m.start], w.table.char_end(m.end - 1)
            span._.location = Location(
                name=place.name, text=w.doc_text[start_char:end_char], span=(start_char, end_char),
                lat=place.lat, lon=place.lon,
                country=place.country, admin1=place.admin1 if place.kind != "country" else None,
                geonames_id=place.geonames_id, kb_id=place.kb_id, precision=precision, relation=m.relation)
            spans.append(span)
        return spans


@lru_cache(maxsize=1)
def get_tagger() -> PlaceTagger:
    """The tagger of this process: lexicon, gazetteer and state demonyms loaded once."""
    from ..kb import get_kb

    kb = get_kb()
    demonyms = frozenset(d.lower() for a in kb.actors.values() if a.kind == "state" for d in a.demonyms)
    return PlaceTagger(get_lexicon(), get_gazetteer(), demonyms, kb)


@lru_cache(maxsize=65536)
def _final_h_variant(key: str) -> str:
    """geo.normalize.final_h_variant, remembered: the same names come back in every document."""
    return final_h_variant(key)


def _inside_longer(start: int, end: int, place_at: dict[int, tuple[int, int]]) -> bool:
    """Tokens start:end lie inside a longer place name, or start inside one and run past it ("Sinai province" of
    "North Sinai province": the place was kept over that reading). `place_at`: token -> (start, end) of the
    place holding it (places do not overlap, and both cases need one that holds token `start`)."""
    place = place_at.get(start)
    if place is None:
        return False
    p_start, p_end = place
    return (p_start <= start and end <= p_end and end - start < p_end - p_start) or p_start < start < p_end < end


@Language.component("conflictlens_places")
def places(doc: Doc) -> Doc:
    group = doc.spans.get("actors")
    actors = list(group) if group is not None else []
    found = get_tagger()(doc, actors)
    doc.spans["places"] = found
    if group is not None and found:
        # the longer name wins: "Sudan" in "Port Sudan" is no mention of the state
        place_at = {i: (p.start, p.end) for p in found for i in range(p.start, p.end)}
        kept = [a for a in actors if not _inside_longer(a.start, a.end, place_at)]
        if len(kept) < len(actors):
            doc.spans["actors"] = kept
    return doc
