"""Which of the places a name may refer to does the document mean? Scoring by prior and context.

A candidate's score adds:
- a prior by kind: countries first, curated sites next, then towns by population (log10),
  first-level regions about like a town of 30,000 (news name a region by its bare name less
  often than the town that shares it: "Erbil" is the city, "Erbil province" the region);
- +1 when the name is the place's own name rather than one of its alternate names;
- context: the document names the place's country (or its state actors are of it), a
  neighbouring country, the same admin1 region as a place already resolved, or lies near one.
Resolution runs in passes: what is resolved with a clear margin becomes context for the rest
("Tripoli" is Libya's unless the text is about Lebanon).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from .records import Candidate, Place, haversine_km

PRIOR_COUNTRY = 9.0
PRIOR_CURATED = 8.0
PRIOR_ADMIN1 = 4.5
ADMIN1_CUE = 5.0          # "X province": the region, not the town
MAIN_NAME = 1.0
SAME_COUNTRY = 2.5
NEIGHBOUR_COUNTRY = 1.0
SAME_ADMIN1 = 1.0
NEAR_ANCHOR = 1.0
NEAR_KM = 250.0
NEAR_DEGREES = NEAR_KM / 111.0   # a cheap latitude/longitude box before the great-circle distance
NEAR_LON_DEGREES = 2 * NEAR_DEGREES
CLEAR_MARGIN = 1.5        # a resolution this far ahead of the best other-country reading becomes context
PASSES = 3


@dataclass
class Mention:
    """A toponym occurrence to resolve: its name key and candidates, and what the words around it say."""

    key: str
    candidates: Sequence[Candidate]
    want_admin1: bool = False      # followed by "province", "governorate", "oblast", ...
    want_town: bool = False        # after a settlement noun ("the town of X"): not a country or region


@dataclass
class Resolution:
    candidate: Candidate
    score: float
    margin: float                  # ahead of the best candidate in another country (inf if none)
    in_context: bool               # its country is one the document's other names (or its actors) are about

    @property
    def place(self) -> Place:
        return self.candidate.place


@dataclass
class Context:
    """What the document is about: countries, regions, places resolved with confidence."""

    countries: set[str] = field(default_factory=set)
    neighbours: set[str] = field(default_factory=set)
    admin1: set[str] = field(default_factory=set)
    anchors: list[Place] = field(default_factory=list)


def prior(candidate: Candidate, want_admin1: bool = False) -> float:
    """How likely a bare mention of this name means this place, before context."""
    place = candidate.place
    if place.kind == "country":
        value = PRIOR_COUNTRY
    elif place.kind == "curated":
        value = PRIOR_CURATED
    elif place.kind == "admin1":
        value = PRIOR_ADMIN1 + (ADMIN1_CUE if want_admin1 else 0.0)
    else:
        value = math.log10(place.population + 100)
    return value + (MAIN_NAME if candidate.main else 0.0)


def score(candidate: Candidate, mention: Mention, ctx: Context) -> float:
    return _with_context(prior(candidate, mention.want_admin1), candidate.place, ctx)


def _with_context(value: float, place: Place, ctx: Context) -> float:
    """A candidate's prior `value` plus what the context says of its place."""
    if place.country in ctx.countries:
        value += SAME_COUNTRY
    elif place.country in ctx.neighbours:
        value += NEIGHBOUR_COUNTRY
    if place.kind != "country":
        if place.admin1_code and place.admin1_code in ctx.admin1:
            value += SAME_ADMIN1
        lat, lon = place.lat, place.lon
        for a in ctx.anchors:  # near one of them (a plain loop: this runs for every candidate in every pass)
            if (abs(a.lat - lat) < NEAR_DEGREES and abs(a.lon - lon) < NEAR_LON_DEGREES and a.id != place.id
                    and haversine_km(a.lat, a.lon, lat, lon) <= NEAR_KM):
                value += NEAR_ANCHOR
                break
    return value


def _plausible(mention: Mention) -> list[Candidate]:
    """Drop a region whose bare name is that of a town inside it: "Kharkiv" alone is the city."""
    if mention.want_admin1:
        return list(mention.candidates)
    if mention.want_town:
        # "near the town of Costa Rica" is the Mexican town, not the country
        towns = [c for c in mention.candidates if c.place.kind in ("populated", "curated")]
        if towns:
            return towns
    towns = {c.place.admin1_code for c in mention.candidates if c.place.kind == "populated" and c.main}
    return [c for c in mention.candidates if not (c.place.kind == "admin1" and c.place.admin1_code in towns)]


def resolve_one(mention: Mention, ctx: Context) -> Optional[Resolution]:
    return _resolve_scored([(prior(c, mention.want_admin1), c) for c in _plausible(mention)], ctx)


def _resolve_scored(priors: list[tuple[float, Candidate]], ctx: Context) -> Optional[Resolution]:
    """resolve_one over the plausible candidates with their priors (which the context does not change)."""
    if not priors:
        return None
    if len(priors) == 1:  # most names: one candidate, no rival
        p, best = priors[0]
        return Resolution(best, _with_context(p, best.place, ctx), math.inf, best.place.country in ctx.countries)
    scored = sorted(((_with_context(p, c.place, ctx), c) for p, c in priors), key=lambda sc: -sc[0])
    best_score, best = scored[0]
    rivals = [s for s, c in scored[1:] if c.place.country != best.place.country]
    margin = best_score - rivals[0] if rivals else math.inf
    return Resolution(best, best_score, margin, best.place.country in ctx.countries)


def resolve(mentions: Sequence[Mention], countries: Iterable[str] = (), neighbours=None) -> list[Optional[Resolution]]:
    """Resolve every mention of a document; `countries`: ISO codes known from elsewhere (state actors).

    `neighbours(code) -> set of codes` widens the context to bordering countries when given.
    Mentions of the same name resolve alike, so each distinct (key, want_admin1, want_town) is scored once.
    """
    given = {c.upper() for c in countries if c}
    distinct = list({(m.key, m.want_admin1, m.want_town): m for m in mentions}.values())
    results: list[Optional[Resolution]] = [None] * len(distinct)
    ctx = Context(countries=set(given))
    priors = [[(prior(c, m.want_admin1), c) for c in _plausible(m)] for m in distinct]  # the same in every pass
    for _ in range(PASSES):
        results = [_resolve_scored(p, ctx) for p in priors]
        new = Context(countries=set(given))
        anchors: dict[str, Place] = {}
        for res in results:
            if res is None or res.margin < CLEAR_MARGIN:
                continue
            new.countries.add(res.place.country)
            if res.place.kind != "country":
                anchors[res.place.id] = res.place
                if res.place.admin1_code:
                    new.admin1.add(res.place.admin1_code)
        new.anchors = list(anchors.values())
        if neighbours is not None:
            new.neighbours = set().union(*(neighbours(c) for c in new.countries)) - new.countries
        if new.countries == ctx.countries and len(new.anchors) == len(ctx.anchors):
            break
        ctx = new
    # "in context" means vouched for by another name of the document (or a given country), not by itself
    support: dict[str, set[str]] = {c: {""} for c in given}
    for m, res in zip(distinct, results):
        if res is not None and res.margin >= CLEAR_MARGIN:
            support.setdefault(res.place.country, set()).add(m.key)
    for m, res in zip(distinct, results):
        if res is not None:
            res.in_context = bool(support.get(res.place.country, set()) - {m.key})
    by_name = {(m.key, m.want_admin1, m.want_town): res for m, res in zip(distinct, results)}
    return [by_name[(m.key, m.want_admin1, m.want_town)] for m in mentions]
