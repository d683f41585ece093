"""What the gazetteer hands out: places, and the candidates a name matches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Optional

PlaceKind = Literal["country", "admin1", "populated", "curated"]


@dataclass(frozen=True, slots=True)
class Place:
    """One place: a country, a first-level admin region, a populated place (GeoNames) or a curated site (KB)."""

    id: str                      # "geonames:<id>" or "kb:<id>"
    name: str
    lat: float
    lon: float
    country: Optional[str]       # ISO 3166-1 alpha-2
    kind: PlaceKind
    admin1: Optional[str] = None          # display name of the first-level region
    admin1_code: Optional[str] = None     # GeoNames admin1 code, e.g. "IQ.11"
    population: int = 0
    feature: Optional[str] = None         # curated sites: base, airfield, crossing, region, ...
    precision: int = 1                    # ACLED geo precision of a plain mention of it
    geonames_id: Optional[int] = None
    kb_id: Optional[str] = None

    @property
    def is_region(self) -> bool:
        """Countries, admin1 regions and curated regions: a mention of them is geo precision 3."""
        return self.precision == 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may refer to, and how well the name fits it."""

    place: Place
    main: bool  # the name is the place's own (main or curated) name, not one of its alternate names


EARTH_RADIUS_KM = 6371.0088   # mean radius (IUGG), as PostGIS measures geography on the sphere


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (the one used everywhere: places, merging, the store, evaluation)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
