"""Merging reports of one real-world event from different articles into one event.

Pure logic over contract Event dicts (no database): whether a report matches an event, and
how an event's fields are composed from its reports, with provenance and conflicts. The
repository finds candidates through the spatial/date indexes and calls these functions.
Rules (docs/store.md):

- reports from different documents (the pipeline already merged one article's repeats);
- event types compatible (same ACLED type, or one of COMPATIBLE_TYPES);
- date windows overlap, allowing DATE_TOLERANCE days (a report without a date falls back to
  the UNDATED_WINDOW days before publication);
- both located, within RADIUS_KM of the coarser geo precision of the two;
- actors compatible role by role (same KB id, umbrella/member or state/forces on that date,
  or one side unknown/unidentified); named actors that differ only merge when the place and
  day agree closely (SAME_SPOT_KM, precision 1, same day) and then show as a conflict.

Composition is deterministic: reports are taken in sort-key order (publication date,
document id, ordinal) and every choice breaks ties by that order. Matching too: a report is
matched, in sort order, against the events of the reports before it, and equal scores go to the
event whose first report comes first (best_candidate), so the events are a function of the
reports alone (the repository replays later reports when an earlier one arrives).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any, Optional

from ..geo.records import haversine_km as distance_km
from ..kb import KnowledgeBase

RADIUS_KM = {1: 25.0, 2: 50.0, 3: 150.0}
MAX_RADIUS_KM = max(RADIUS_KM.values())
SAME_SPOT_KM = 10.0
DATE_TOLERANCE = dt.timedelta(days=1)
UNDATED_WINDOW = dt.timedelta(days=3)
COMPATIBLE_TYPES = {
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Battles", "Violence against civilians"}),
    frozenset({"Explosions/Remote violence", "Violence against civilians"}),
    frozenset({"Protests", "Riots"}),
}
DATE_PRECISION_RANK = {"day": 0, "week": 1, "range": 2, "month": 3, "year": 4, "unknown": 5}
ACTOR_ROLES = ("actor1", "actor2", "claimed_by")
UNKNOWN_ACTOR_KINDS = {"unidentified"}


@dataclass
class Report:
    """One event as one document reported it, with what merging needs to know of that document."""

    document_id: str
    ordinal: int
    event: dict[str, Any]                       # the contract Event, JSON-ready
    published: Optional[dt.date] = None
    url: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    flags: list[dict[str, Any]] = field(default_factory=list)   # the document's flags (contract Flag dicts)

    @property
    def sort_key(self) -> str:
        return sort_key(self.published, self.document_id, self.ordinal)

    @property
    def window(self) -> Optional[tuple[dt.date, dt.date]]:
        return date_window(self.event.get("date") or {}, self.published)


def sort_key(published: Optional[dt.date], document_id: str, ordinal: int) -> str:
    return f"{published.isoformat() if published else '9999-12-31'}|{document_id}|{ordinal:06d}"


def new_event_id(report: Report) -> str:
    """The id of the event a report founds: a function of that report alone, so that a rebuild gives
    every event the id of its first report whatever was stored before."""
    return "ev_" + hashlib.sha1(f"{report.document_id}:{report.ordinal}".encode()).hexdigest()[:12]


def _day(value: Any) -> Optional[dt.date]:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def date_window(when: dict[str, Any], published: Optional[dt.date]) -> Optional[tuple[dt.date, dt.date]]:
    """The days an event may have happened on: its date, its earliest..latest, or just before publication."""
    day, earliest, latest = _day(when.get("date")), _day(when.get("earliest")), _day(when.get("latest"))
    if day:
        return day, day
    if earliest or latest:
        return earliest or latest, latest or earliest
    if published:
        return published - UNDATED_WINDOW, published
    return None


def radius_km(precision_a: Optional[int], precision_b: Optional[int]) -> float:
    return max(RADIUS_KM.get(precision_a or 3, MAX_RADIUS_KM), RADIUS_KM.get(precision_b or 3, MAX_RADIUS_KM))


def types_compatible(type_a: str, type_b: str) -> bool:
    return type_a == type_b or frozenset({type_a, type_b}) in COMPATIBLE_TYPES


def actor_key(actor: Optional[dict[str, Any]]) -> Optional[str]:
    """Who an actor is, for comparison: its KB id, else its lower-cased name; None when unknown."""
    if not actor or actor.get("kind") in UNKNOWN_ACTOR_KINDS:
        return None
    if actor.get("kb_id"):
        return actor["kb_id"]
    name = " ".join(str(actor.get("name") or "").lower().split())
    return f"name:{name}" if name else None


def related(key_a: str, key_b: str, kb: KnowledgeBase, on: Optional[dt.date]) -> bool:
    """Same actor, umbrella and member on that date, or a state and its forces."""
    if key_a == key_b:
        return True
    if key_a.startswith("name:") or key_b.startswith("name:"):
        return False
    if key_b in kb.umbrellas(key_a, on) or key_a in kb.umbrellas(key_b, on):
        return True
    entry_a, entry_b = kb.actors.get(key_a), kb.actors.get(key_b)
    return bool((entry_a and entry_a.forces_of == key_b) or (entry_b and entry_b.forces_of == key_a))


def _roles_agreement(a: dict[str, Any], b: dict[str, Any], kb: KnowledgeBase, on: Optional[dt.date]) -> str:
    """'same' (every role known on both sides agrees), 'unknown' (nothing to compare) or 'different'."""
    compared, verdict = 0, "same"
    for role in ("actor1", "actor2"):
        ka, kb_ = actor_key(a.get(role)), actor_key(b.get(role))
        if ka is None or kb_ is None:
            continue
        compared += 1
        if not related(ka, kb_, kb, on):
            verdict = "different"
    return verdict if compared else "unknown"


def actors_agreement(a: dict[str, Any], b: dict[str, Any], kb: KnowledgeBase, on: Optional[dt.date]) -> str:
    """Actor agreement of two events; in battles the sides may be named in either order."""
    straight = _roles_agreement(a, b, kb, on)
    if straight != "different" or a.get("event_type") != "Battles":
        return straight
    swapped = {**b, "actor1": b.get("actor2"), "actor2": b.get("actor1")}
    return _roles_agreement(a, swapped, kb, on)


@dataclass
class Candidate:
    """A merged event as the matcher sees it: its composed fields, its date window, and the sort key
    of its first report (what ties are broken by: it depends only on the event's reports, never on
    the order they were stored in or on ids handed out earlier)."""

    pk: int
    id: str
    data: dict[str, Any]
    day_from: dt.date
    day_to: dt.date
    first_key: str = ""


def match_score(report: Report, candidate: Candidate, kb: KnowledgeBase) -> Optional[float]:
    """How well a report fits an event (lower is better), or None when it is not the same event."""
    event, other = report.event, candidate.data
    if not types_compatible(event["event_type"], other["event_type"]):
        return None
    if any(r.get("document_id") == report.document_id for r in other.get("reports") or []):
        return None  # one article's events are distinct: the pipeline already merged its repeats
    window = report.window
    loc, other_loc = event.get("location"), other.get("location")
    if window is None or not loc or not other_loc:
        return None
    if window[0] > candidate.day_to + DATE_TOLERANCE or window[1] < candidate.day_from - DATE_TOLERANCE:
        return None
    distance = distance_km(loc["lat"], loc["lon"], other_loc["lat"], other_loc["lon"])
    radius = radius_km(loc.get("precision"), other_loc.get("precision"))
    if distance > radius:
        return None
    agreement = actors_agreement(event, other, kb, window[0])
    if agreement == "different":
        same_spot = (distance <= SAME_SPOT_KM and loc.get("precision") == 1 and other_loc.get("precision") == 1
                     and window[0] == window[1] == candidate.day_from == candidate.day_to)
        if not same_spot:
            return None
    gap_days = max(0, (window[0] - candidate.day_to).days, (candidate.day_from - window[1]).days)
    return (distance / radius + gap_days + (0 if event["event_type"] == other["event_type"] else 0.5)
            + {"same": 0, "unknown": 0.25, "different": 1}[agreement])


def best_candidate(report: Report, candidates: list[Candidate], kb: KnowledgeBase) -> Optional[Candidate]:
    """The lowest-scoring match; among equal scores (common: places share gazetteer coordinates) the
    event whose first report comes first in sort order."""
    scored = [(score, c.first_key, c.id, c) for c in candidates if (score := match_score(report, c, kb)) is not None]
    return min(scored, key=lambda item: item[:3])[3] if scored else None


# ---- composing a merged event from its reports -------------------------------------------------

def _actor_rank(actor: Optional[dict[str, Any]]) -> int:
    if not actor:
        return 3
    if actor.get("kind") in UNKNOWN_ACTOR_KINDS:
        return 2
    return 0 if actor.get("kb_id") else 1


def _location_rank(location: Optional[dict[str, Any]]) -> int:
    return location.get("precision") or 3 if location else 9


def _date_rank(report: Report) -> tuple[int, int]:
    when = report.event.get("date") or {}
    window = report.window
    width = (window[1] - window[0]).days if window else 10**6
    explicit = 0 if (when.get("date") or when.get("earliest") or when.get("latest")) else 1
    return explicit, DATE_PRECISION_RANK.get(when.get("precision") or "unknown", 5), width


def _pick(reports: list[Report], rank) -> Report:
    """The best report by rank, the first in sort order among equals (reports come sorted)."""
    return min(enumerate(reports), key=lambda item: (rank(item[1]), item[0]))[1]


def _actor_conflict(role: str, reports: list[Report], kb: KnowledgeBase) -> Optional[dict[str, Any]]:
    named = [(r, r.event.get(role)) for r in reports if _actor_rank(r.event.get(role)) <= 1]
    keys = []
    for report, actor in named:
        key = actor_key(actor)
        on = report.window[0] if report.window else None
        if key and not any(related(key, other, kb, on) for other in keys):
            keys.append(key)
    if len(keys) <= 1:
        return None
    return {"field": role, "values": [{"value": actor.get("name"), "kb_id": actor.get("kb_id"),
                                       "document_id": r.document_id} for r, actor in named]}


def _union(lists: list[list[dict[str, Any]]], key) -> list[dict[str, Any]]:
    seen, merged = set(), []
    for items in lists:
        for item in items or []:
            k = key(item)
            if k not in seen:
                seen.add(k)
                merged.append(item)
    return merged


def _overlaps(span: dict[str, Any], evidence: dict[str, Any]) -> bool:
    return span.get("start", 0) < evidence.get("end", 0) and evidence.get("start", 0) < span.get("end", 0)


def compose(reports: list[Report], kb: KnowledgeBase) -> dict[str, Any]:
    """The merged event of these reports (without its id): contract Event fields, reports, provenance, conflicts, flags."""
    reports = sorted(reports, key=lambda r: r.sort_key)
    provenance: dict[str, str] = {}
    conflicts: list[dict[str, Any]] = []

    typed = _pick(reports, lambda r: -float(r.event.get("confidence") or 0))
    merged: dict[str, Any] = {
        "event_type": typed.event["event_type"], "sub_event_type": typed.event["sub_event_type"],
        "plover": typed.event.get("plover"), "trigger": typed.event["trigger"], "evidence": typed.event["evidence"],
    }
    for name in ("event_type", "sub_event_type", "trigger", "evidence"):
        provenance[name] = typed.document_id
    for name in ("event_type", "sub_event_type"):
        values = {r.event[name] for r in reports}
        if len(values) > 1:
            conflicts.append({"field": name, "values": [{"value": r.event[name], "document_id": r.document_id}
                                                        for r in reports]})

    for role in ACTOR_ROLES:
        taken = actor_key(merged.get("actor1")) if role == "actor2" else None
        # the other side of the event cannot be the same actor (reports may swap roles)
        choices = [r for r in reports if taken is None or actor_key(r.event.get(role)) != taken] or reports[:1]
        chosen = _pick(choices, lambda r: _actor_rank(r.event.get(role)))
        merged[role] = chosen.event.get(role) if actor_key(chosen.event.get(role)) != taken or taken is None else None
        if merged[role]:
            provenance[role] = chosen.document_id
        conflict = _actor_conflict(role, reports, kb)
        if conflict:
            conflicts.append(conflict)
    for role, main in (("assoc_actor1", "actor1"), ("assoc_actor2", "actor2")):
        main_key = actor_key(merged.get(main))
        merged[role] = [a for a in _union([r.event.get(role) or [] for r in reports],
                                          lambda a: actor_key(a) or a.get("name")) if actor_key(a) != main_key or main_key is None]

    located = _pick(reports, lambda r: _location_rank(r.event.get("location")))
    merged["location"] = located.event.get("location")
    if merged["location"]:
        provenance["location"] = located.document_id

    dated = _pick(reports, _date_rank)
    merged["date"] = dated.event.get("date") or {}
    provenance["date"] = dated.document_id
    days = {r.event.get("date", {}).get("date") for r in reports} - {None}
    if len(days) > 1:
        conflicts.append({"field": "date", "values": [{"value": r.event.get("date", {}).get("date"),
                                                       "document_id": r.document_id}
                                                      for r in reports if r.event.get("date", {}).get("date")]})

    counted = [r for r in reports if r.event.get("fatalities") is not None]
    if counted:
        lowest = _pick(counted, lambda r: r.event["fatalities"])   # ACLED codes the most conservative figure
        merged["fatalities"] = lowest.event["fatalities"]
        provenance["fatalities"] = lowest.document_id
        if len({r.event["fatalities"] for r in counted}) > 1:
            conflicts.append({"field": "fatalities", "values": [{"value": r.event["fatalities"],
                                                                 "document_id": r.document_id} for r in counted]})
    else:
        merged["fatalities"] = None

    merged["attribution"] = _union([r.event.get("attribution") or [] for r in reports],
                                   lambda s: (s.get("name"), s.get("kind"), s.get("verb")))
    merged["confidence"] = round(min(0.99, 1 - math.prod(1 - float(r.event.get("confidence") or 0) for r in reports)), 4)
    merged["reports"] = [{"document_id": r.document_id, "url": r.url, "title": r.title, "outlet": r.outlet,
                          "published": r.published.isoformat() if r.published else None, "event": r.event}
                         for r in reports]
    merged["n_sources"] = len({r.document_id for r in reports})
    merged["provenance"] = provenance
    merged["conflicts"] = conflicts
    merged["flags"] = [{**flag, "document_id": r.document_id} for r in reports for flag in r.flags
                       if _overlaps(flag.get("evidence") or {}, r.event.get("evidence") or {})]
    return merged


def window_of(merged: dict[str, Any], reports: list[Report]) -> Optional[tuple[dt.date, dt.date]]:
    """The date window of a merged event: that of the report its date came from."""
    source = merged["provenance"].get("date")
    published = next((r.published for r in reports if r.document_id == source), None)
    return date_window(merged.get("date") or {}, published)
