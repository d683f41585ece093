"""EventFilter: what the CLI, the API and exports ask of the store, turned into indexed SQL conditions."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from ..geo.records import EARTH_RADIUS_KM
from ..kb import KnowledgeBase
from .schema import EventActorRow, EventRow

BOX_MARGIN = 1.01   # index boxes and radii are widened by 1 %: candidates are a superset, the rules decide


@dataclass
class EventFilter:
    actor: Optional[str] = None           # kb id or name (case-insensitive, alias-aware via the KB)
    include_members: bool = False         # umbrella -> its members on the event date, member -> its umbrellas
    event_type: Optional[str] = None      # exact ACLED event type (or sub-event type)
    country: Optional[str] = None         # ISO alpha-2
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None
    near: Optional[tuple[float, float, float]] = None       # lat, lon, km
    bbox: Optional[tuple[float, float, float, float]] = None  # west, south, east, north
    text: Optional[str] = None            # substring over actor names, location, notes/evidence


def actor_ids(kb: KnowledgeBase, query: str) -> list[str]:
    """KB ids a user's actor query names: the id itself, or every actor with that name or alias."""
    if query in kb.actors:
        return [query]
    wanted = " ".join(query.lower().split())
    return sorted(a.id for a in kb.actors.values() if any(" ".join(n.lower().split()) == wanted for n in a.names()))


def _dated(actors, kb_id: str, valid_from: Optional[dt.date], valid_to: Optional[dt.date]) -> ColumnElement[bool]:
    """The event has actor kb_id, and its date lies in the link's validity (an undated event: any)."""
    condition = [actors.kb_id == kb_id]
    if valid_from:
        condition.append(or_(EventRow.date.is_(None), EventRow.date >= valid_from))
    if valid_to:
        condition.append(or_(EventRow.date.is_(None), EventRow.date <= valid_to))
    return and_(*condition)


def actor_condition(kb: KnowledgeBase, query: str, include_members: bool) -> ColumnElement[bool]:
    ids = actor_ids(kb, query)
    actors = aliased(EventActorRow)      # its own alias: the outer query may join event_actors too (stats)
    alternatives: list[ColumnElement[bool]] = [actors.name == " ".join(query.lower().split())]
    alternatives += [actors.kb_id == kb_id for kb_id in ids]
    if include_members:
        for kb_id in ids:
            for member, link in kb.members_of.get(kb_id, []):           # umbrella -> members on the event date
                alternatives.append(_dated(actors, member, link.valid_from, link.valid_to))
            entry = kb.actors.get(kb_id)
            for link in entry.member_of if entry else []:                # member -> its umbrellas on the event date
                alternatives.append(_dated(actors, link.id, link.valid_from, link.valid_to))
    return exists(select(actors.event_pk).where(actors.event_pk == EventRow.pk, or_(*alternatives))
                  .correlate(EventRow))


def near_bounds(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """A lat/lon box that holds every point within km of (lat, lon) by haversine: south, north, west, east.

    Exact on the sphere merging measures on (merge.distance_km), widened by BOX_MARGIN for the
    R*Tree's 32-bit coordinates; a box reaching a pole or across the antimeridian spans every
    longitude. The box may hold more: callers test the distance itself.
    """
    angle = km * BOX_MARGIN / EARTH_RADIUS_KM                 # radians of arc
    dlat = math.degrees(angle)
    if abs(lat) + dlat >= 90.0 or angle >= math.pi / 2:
        return max(-90.0, lat - dlat), min(90.0, lat + dlat), -180.0, 180.0
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return lat - dlat, lat + dlat, -180.0, 180.0
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def within_km(dialect: str, lat: float, lon: float, km: float) -> ColumnElement[bool]:
    """Events within km of a point, through the spatial index of each database."""
    if dialect == "postgresql":   # on the sphere (use_spheroid false), as the haversine below on SQLite
        return text("ST_DWithin(events.geog, ST_SetSRID(ST_MakePoint(:near_lon, :near_lat), 4326)::geography, "
                    ":near_m, false)").bindparams(near_lat=lat, near_lon=lon, near_m=km * 1000.0)
    south, north, west, east = near_bounds(lat, lon, km)
    in_box = text("events.pk IN (SELECT pk FROM event_rtree WHERE lat1 >= :near_s AND lat0 <= :near_n "
                  "AND lon1 >= :near_w AND lon0 <= :near_e)").bindparams(near_s=south, near_n=north,
                                                                            near_w=west, near_e=east)
    return and_(in_box, func.haversine_km(EventRow.lat, EventRow.lon, lat, lon) <= km)


def conditions(f: EventFilter, kb: KnowledgeBase, dialect: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.actor:
        where.append(actor_condition(kb, f.actor, f.include_members))
    if f.event_type:
        where.append(or_(EventRow.event_type == f.event_type, EventRow.sub_event_type == f.event_type))
    if f.country:
        where.append(EventRow.country == f.country.upper())
    if f.since:
        where.append(EventRow.date >= f.since)
    if f.until:
        where.append(EventRow.date <= f.until)
    if f.near:
        lat, lon, km = f.near
        where.append(within_km(dialect, lat, lon, km))
    if f.bbox:
        west, south, east, north = f.bbox
        lon_ok = (EventRow.lon.between(west, east) if west <= east
                  else or_(EventRow.lon >= west, EventRow.lon <= east))     # a box across the antimeridian
        where.append(and_(EventRow.lat.between(south, north), lon_ok))
    if f.text:
        where.append(EventRow.search_text.contains(f.text.lower(), autoescape=True))
    return where
