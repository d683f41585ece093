"""Query parameters of the event endpoints → the store's EventFilter (same filters as the CLI)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from fastapi import Query

from .errors import BadRequest

SORT_FIELDS = ("date", "fatalities", "sources", "type", "country")   # the store's sort keys


def _numbers(value: str, count: int, name: str, form: str) -> tuple[float, ...]:
    parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != count:
        raise BadRequest(f"{name}: {value!r} is not {form}")
    return numbers


def parse_bbox(value: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    if not value:
        return None
    west, south, east, north = _numbers(value, 4, "bbox", "west,south,east,north in degrees")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise BadRequest(f"bbox: {value!r} is out of range (west,south,east,north; -180..180, -90..90, south <= north)")
    return west, south, east, north


def parse_near(value: Optional[str]) -> Optional[tuple[float, float, float]]:
    if not value:
        return None
    lat, lon, km = _numbers(value, 3, "near", "lat,lon,km")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise BadRequest(f"near: {value!r} is out of range (lat -90..90, lon -180..180, km > 0)")
    return lat, lon, km


@dataclass
class EventQuery:
    """The filter fields as received, kept so pages and export links can repeat them."""

    actor: Optional[str] = None
    include_members: bool = False
    type: Optional[str] = None
    country: Optional[str] = None
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None
    bbox: Optional[str] = None
    near: Optional[str] = None
    text: Optional[str] = None

    def to_filter(self):
        """The store's EventFilter; BadRequest on values that do not make sense together."""
        from ..store import EventFilter

        if self.since and self.until and self.since > self.until:
            raise BadRequest(f"since ({self.since}) is after until ({self.until})")
        country = (self.country or "").strip().upper() or None
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise BadRequest(f"country: {self.country!r} is not an ISO 3166-1 alpha-2 code such as IQ")
        return EventFilter(actor=(self.actor or "").strip() or None, include_members=self.include_members,
                           event_type=(self.type or "").strip() or None, country=country,
                           since=self.since, until=self.until, near=parse_near(self.near),
                           bbox=parse_bbox(self.bbox), text=(self.text or "").strip() or None)

    def params(self) -> dict[str, str]:
        """The non-empty fields as query parameters."""
        out = {}
        for key, value in vars(self).items():
            if value in (None, "", False):
                continue
            out[key] = "true" if value is True else str(value)
        return out


def event_query(
    actor: Optional[str] = Query(None, description="KB id or name of an actor (alias-aware)"),
    include_members: bool = Query(False, description="Also match the actor's members (for an umbrella) or umbrellas "
                                                     "(for a member) on each event's date"),
    type: Optional[str] = Query(None, description="ACLED event type or sub-event type, exact"),
    country: Optional[str] = Query(None, description="ISO 3166-1 alpha-2 country code"),
    since: Optional[dt.date] = Query(None, description="first day, YYYY-MM-DD"),
    until: Optional[dt.date] = Query(None, description="last day, YYYY-MM-DD"),
    bbox: Optional[str] = Query(None, description="west,south,east,north in degrees"),
    near: Optional[str] = Query(None, description="lat,lon,km: within km of a point"),
    text: Optional[str] = Query(None, description="substring of actor names, location, evidence"),
) -> EventQuery:
    """FastAPI dependency: the shared event filters of /api/events, /api/stats and /api/export."""
    return EventQuery(actor, include_members, type, country, since, until, bbox, near, text)
