"""When a predicted value equals a gold value: actors via the knowledge base, places by distance, dates by range.

Gold actors are ACLED-style names ("Military Forces of the United States", "Civilians (Iraq)",
"NLC: Nigeria Labour Congress"); predicted actors carry a knowledge-base id. `ActorMatcher`
resolves gold names to kb ids through canonical names and aliases, so that both sides are
compared by id; names that the knowledge base does not know are compared normalised.
Generic actors (civilians, protesters, unidentified armed groups: kb entries without a
country) are equal only in the same country, and unidentified actors match by kind and country.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from rapidfuzz import fuzz

from ..geo.records import haversine_km as km
from ..kb import KnowledgeBase, get_kb
from ..model import Actor, Location, Source, When
from .gold import GoldLocation, GoldRange

NEAR_KM = 25.0            # "the place itself": ACLED precision-1 tolerance
REGION_KM = 161.0         # 100 miles: the same district or region
SOURCE_NAME_SIMILARITY = 90  # rapidfuzz token_sort_ratio for source names the kb does not know
SUBSET_MIN_WORDS = 2          # a source name inside another counts when it has at least this many words

APOSTROPHES = re.compile(r"['’‘`ʼʻ]")
NON_WORD = re.compile(r"[^\w]+")
SUFFIX = re.compile(r"^(?P<base>.+?)\s*\((?P<paren>[^()]+)\)\s*$")
LEADING = ("the ", "a ", "an ")
GENERIC_KINDS = frozenset({"civilians", "unidentified", "other"})  # with no country: people ACLED codes by country


def fold(text: str) -> str:
    """Lower case, no diacritics, apostrophes or punctuation, single spaces, no leading article."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = APOSTROPHES.sub("", "".join(c for c in text if not unicodedata.combining(c)))
    text = " ".join(NON_WORD.sub(" ", text).split())
    for article in LEADING:
        if text.startswith(article):
            return text[len(article):]
    return text


# --- places ----------------------------------------------------------------------------------------------

def location_distance(gold: GoldLocation, predicted: Location) -> float:
    return km(gold.lat, gold.lon, predicted.lat, predicted.lon)


def same_location(gold: Optional[GoldLocation], predicted: Optional[Location], limit_km: float) -> bool:
    """Within `limit_km` of the gold point; a gold region (precision 3) has no point: same country."""
    if gold is None or predicted is None:
        return False
    if gold.precision == 3:
        return (predicted.country or "").upper() == gold.country.upper()
    return location_distance(gold, predicted) <= limit_km


# --- dates -----------------------------------------------------------------------------------------------

DateRange = tuple[dt.date, dt.date]


def gold_range(value: Optional[GoldRange]) -> Optional[DateRange]:
    return (value.earliest, value.end) if value is not None else None


def predicted_range(when: Optional[When]) -> Optional[DateRange]:
    """(earliest, latest) of a predicted time; a bare `date` is a one-day range; None when nothing is known."""
    if when is None:
        return None
    earliest = when.earliest or when.date or when.latest
    latest = when.latest or when.date or when.earliest
    if earliest is None or latest is None:
        return None
    return (min(earliest, latest), max(earliest, latest))


def same_day(gold: Optional[DateRange], predicted: Optional[DateRange]) -> bool:
    """Exact: the same earliest and the same latest day (for a one-day gold date: that very day)."""
    return gold is not None and predicted is not None and gold == predicted


def ranges_overlap(gold: Optional[DateRange], predicted: Optional[DateRange]) -> bool:
    return gold is not None and predicted is not None and gold[0] <= predicted[1] and predicted[0] <= gold[1]


# --- actors and sources ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorKey:
    """What an actor name means for comparison.

    ids: the kb ids it may denote (empty when the kb does not know it); country: the country it
    belongs to, for generic actors; names: its normalised names; unidentified: an unnamed armed actor.
    """

    ids: frozenset[str]
    country: Optional[str]
    names: frozenset[str]
    unidentified: bool
    generic: bool

    def __str__(self) -> str:
        return sorted(self.names)[0] if self.names else "?"


class ActorMatcher:
    """Resolves gold actor and source names against the knowledge base and compares them with predictions."""

    def __init__(self, kb: Optional[KnowledgeBase] = None):
        self.kb = kb or get_kb()
        self.canonical: dict[str, set[str]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.outlets: dict[str, set[str]] = {}
        self.countries: dict[str, str] = {}
        for entry in self.kb.actors.values():
            self.canonical.setdefault(fold(entry.name), set()).add(entry.id)
            for alias in entry.aliases:
                self.aliases.setdefault(fold(alias), set()).add(entry.id)
            if entry.kind == "state" and entry.country:
                for name in entry.names():
                    self.countries.setdefault(fold(name), entry.country)
        for entry in self.kb.outlets.values():
            for name in entry.names():
                self.outlets.setdefault(fold(name), set()).add(entry.id)

    def ids_of(self, name: str) -> frozenset[str]:
        """Kb ids a name denotes: entries whose canonical name it is, else those with it as an alias."""
        folded = fold(name)
        return frozenset(self.canonical.get(folded) or self.aliases.get(folded) or ())

    def source_ids_of(self, name: str) -> frozenset[str]:
        """Kb ids a source name denotes: an actor's, else an outlet's."""
        return self.ids_of(name) or frozenset(self.outlets.get(fold(name)) or ())

    def country_of(self, name: str) -> Optional[str]:
        return self.countries.get(fold(name))

    def _is_generic(self, ids: frozenset[str]) -> bool:
        entries = [self.kb.actors[i] for i in ids if i in self.kb.actors]
        return bool(entries) and all(e.country is None and e.kind in GENERIC_KINDS for e in entries)

    def _is_unidentified(self, ids: frozenset[str]) -> bool:
        entries = [self.kb.actors[i] for i in ids if i in self.kb.actors]
        return bool(entries) and all(e.kind == "unidentified" for e in entries)

    def _split(self, name: str) -> tuple[list[str], Optional[str]]:
        """Candidate base names and the country a "(Country)" suffix names."""
        candidates, country = [name], None
        match = SUFFIX.match(name)
        if match and self.country_of(match["paren"]):
            country = self.country_of(match["paren"])
            candidates.append(match["base"])
        for candidate in list(candidates):
            if ":" in candidate:                      # ACLED "NLC: Nigeria Labour Congress"
                head, _, tail = candidate.partition(":")
                candidates += [tail.strip(), head.strip()]
        return [c for c in candidates if c.strip()], country

    @lru_cache(maxsize=4096)
    def gold_key(self, name: str, country: Optional[str] = None) -> ActorKey:
        """The key of a gold name; `country` (the event's) applies to generic actors without a suffix."""
        candidates, suffix_country = self._split(name)
        ids: frozenset[str] = frozenset()
        for candidate in candidates:
            ids = self.ids_of(candidate)
            if ids:
                break
        names = frozenset(fold(c) for c in candidates)
        generic = self._is_generic(ids)
        unidentified = self._is_unidentified(ids) or any(n.startswith("unidentified") for n in names)
        return ActorKey(ids, suffix_country or (country if generic or unidentified or not ids else None),
                        names, unidentified, generic or (unidentified and not ids))

    def predicted_key(self, actor: Actor, country: Optional[str] = None) -> ActorKey:
        """The key of a predicted actor: its kb id, the country of its name suffix, kb entry or the event."""
        candidates, suffix_country = self._split(actor.name)
        ids = frozenset([actor.kb_id]) if actor.kb_id else next(
            (found for found in map(self.ids_of, candidates) if found), frozenset())   # no id: resolve its name
        entry = self.kb.actors.get(actor.kb_id) if actor.kb_id else None
        generic = self._is_generic(ids)
        names = frozenset(fold(c) for c in candidates)
        unidentified = (actor.kind == "unidentified" or self._is_unidentified(ids)
                        or (not ids and any(n.startswith("unidentified") for n in names)))
        own_country = entry.country if entry is not None else None
        return ActorKey(ids, suffix_country or own_country or country, names, unidentified, generic or unidentified)

    @staticmethod
    def same(gold: ActorKey, predicted: ActorKey) -> bool:
        """Same actor: unidentified by kind and country; generic by id and country; named by id, else by name."""
        def same_country() -> bool:
            return gold.country is None or predicted.country is None or gold.country == predicted.country

        if gold.unidentified:
            return predicted.unidentified and same_country()
        if gold.ids and predicted.ids:
            return bool(gold.ids & predicted.ids) and (not gold.generic or same_country())
        return bool(gold.names & predicted.names) and (not gold.generic or same_country())

    def same_actor(self, gold_name: Optional[str], predicted: Optional[Actor], country: Optional[str] = None,
                   predicted_country: Optional[str] = None) -> bool:
        if gold_name is None or predicted is None:
            return False
        return self.same(self.gold_key(gold_name, country), self.predicted_key(predicted, predicted_country or country))

    def same_source(self, gold_name: str, predicted: Source) -> bool:
        """A source named in gold attribution: the same kb entry, else (nearly) the same normalised name."""
        ids = self.source_ids_of(gold_name)
        if ids and predicted.kb_id:
            return predicted.kb_id in ids
        if predicted.kb_id is None and ids and self.source_ids_of(predicted.name) & ids:
            return True
        want, got = fold(gold_name), fold(predicted.name)
        if fuzz.token_sort_ratio(want, got) >= SOURCE_NAME_SIMILARITY:
            return True
        # one name inside the other ("Sahel Wire" / "a Sahel Wire reporter"), when the shorter says enough
        shorter, longer = sorted((want.split(), got.split()), key=len)
        return len(shorter) >= SUBSET_MIN_WORDS and set(shorter) <= set(longer)


@lru_cache(maxsize=1)
def get_matcher() -> ActorMatcher:
    """The matcher over the bundled knowledge base (built once per process)."""
    return ActorMatcher()
