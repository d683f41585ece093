"""Aligning predicted events with gold events of one article (one-to-one).

A pair is admissible when the prediction is plausibly about the gold incident: its trigger
overlaps the gold trigger, or its evidence sentence contains the gold trigger, or it has the
same event type, an overlapping date and a location within 161 km. Among admissible pairs the
alignment maximises first the number of pairs, then the summed similarity (weights below),
solved exactly with the Hungarian algorithm (scipy.optimize.linear_sum_assignment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Optional, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..model import Event
from .compare import REGION_KM, NEAR_KM, ActorMatcher, gold_range, predicted_range, ranges_overlap, same_day, same_location
from .gold import CharSpan, GoldEvent

WEIGHTS = {"trigger": 0.30, "type": 0.20, "actors": 0.20, "location": 0.15, "date": 0.15}

G = TypeVar("G")
P = TypeVar("P")


def overlaps(a: Optional[CharSpan], b: Optional[CharSpan]) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def contains(outer: CharSpan, inner: CharSpan) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def event_country(gold: GoldEvent) -> Optional[str]:
    return gold.location.country if gold.location else None


def predicted_country(event: Event) -> Optional[str]:
    return event.location.country if event.location else None


def trigger_score(gold: GoldEvent, event: Event) -> float:
    if overlaps(gold.span, (event.trigger.start, event.trigger.end)):
        return 1.0
    if contains((event.evidence.start, event.evidence.end), gold.span):
        return 0.5
    return 0.0


def type_score(gold: GoldEvent, event: Event) -> float:
    if gold.event_type != event.event_type:
        return 0.0
    return 1.0 if gold.sub_event_type == event.sub_event_type else 0.5


def location_score(gold: GoldEvent, event: Event) -> float:
    if gold.location is None and event.location is None:
        return 1.0
    if same_location(gold.location, event.location, NEAR_KM):
        return 1.0
    return 0.5 if same_location(gold.location, event.location, REGION_KM) else 0.0


def date_score(gold: GoldEvent, event: Event) -> float:
    want, got = gold_range(gold.date), predicted_range(event.date)
    if same_day(want, got):
        return 1.0
    return 0.5 if ranges_overlap(want, got) else 0.0


def actor_score(gold: GoldEvent, event: Event, actors: ActorMatcher) -> float:
    """Share of the gold main actors found among the predicted main actors (either role)."""
    wanted = [a for a in (gold.actor1, gold.actor2) if a]
    found = [a for a in (event.actor1, event.actor2) if a]
    if not wanted:
        return 0.0 if found else 1.0
    country, other = event_country(gold), predicted_country(event)
    hits = sum(any(actors.same_actor(name, actor, country, other) for actor in found) for name in wanted)
    return hits / len(wanted)


def admissible(gold: GoldEvent, event: Event) -> bool:
    if trigger_score(gold, event) > 0:
        return True
    return (gold.event_type == event.event_type and ranges_overlap(gold_range(gold.date), predicted_range(event.date))
            and same_location(gold.location, event.location, REGION_KM))


def similarity(gold: GoldEvent, event: Event, actors: ActorMatcher) -> float:
    """Weighted agreement in [0, 1] of trigger, type, actors, location and date."""
    return (WEIGHTS["trigger"] * trigger_score(gold, event) + WEIGHTS["type"] * type_score(gold, event)
            + WEIGHTS["actors"] * actor_score(gold, event, actors) + WEIGHTS["location"] * location_score(gold, event)
            + WEIGHTS["date"] * date_score(gold, event))


def assign(gold: Sequence[G], predicted: Sequence[P], weight: Callable[[G, P], Optional[float]]) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs (gold index, predicted index): most pairs first, then most weight.

    `weight(g, p)` is None for a pair that may not be matched, else its weight in [0, 1].
    """
    if not gold or not predicted:
        return []
    scores = np.zeros((len(gold), len(predicted)))
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            w = weight(g, p)
            if w is not None:
                scores[i, j] = 1.0 + w      # every admissible pair outweighs any gain in similarity
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if scores[i, j] > 0]


def align_events(gold: Sequence[GoldEvent], predicted: Sequence[Event], actors: ActorMatcher) -> list[tuple[int, int]]:
    """Matched (gold index, predicted index) pairs of one article."""
    return assign(gold, predicted, lambda g, p: similarity(g, p, actors) if admissible(g, p) else None)
