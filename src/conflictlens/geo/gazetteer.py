"""Name -> candidate places, over the GeoNames index and the curated places of the knowledge base.

`get_gazetteer()` gives the process's one Gazetteer. Lookups go by `name_key`, in batches
(one SQL query for all the names of a document) and are remembered, misses included.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..kb.schema import PlaceEntry
from . import index
from .normalize import name_key
from .records import Candidate, Place

log = logging.getLogger(__name__)

_QUERY = ("SELECT n.key, n.main, p.id, p.geonames_id, p.name, p.kind, p.country, p.admin1_code, p.lat, p.lon,"
          " p.population, a.name FROM name n JOIN place p ON p.id = n.place"
          " LEFT JOIN admin1 a ON a.code = p.admin1_code WHERE n.key IN ({})")
_CHUNK = 500
_CACHE_LIMIT = 200_000


def curated_names(entries: Iterable[PlaceEntry]) -> dict[str, list[Candidate]]:
    """Name key -> curated places, from knowledge-base place entries (kb/data/places.yaml)."""
    names: dict[str, list[Candidate]] = {}
    for e in entries:
        place = Place(id=f"kb:{e.id}", name=e.name, lat=e.lat, lon=e.lon, country=e.country, kind="curated",
                      admin1=e.admin1, feature=e.feature, precision=e.precision, kb_id=e.id)
        for key in {name_key(n) for n in e.names()} - {""}:
            names.setdefault(key, []).append(Candidate(place, True))
    return names


class Gazetteer:
    """Candidate places for names; countries by code; neighbouring countries."""

    def __init__(self, path: Optional[Path] = None, curated: Optional[Iterable[PlaceEntry]] = None):
        """`curated`: place entries to add (default: those of the knowledge base)."""
        if curated is None:
            from ..kb import get_kb

            curated = get_kb().places.values()
        self.path = Path(path) if path else index.index_path()
        self._local = threading.local()
        self._cache: dict[str, tuple[Candidate, ...]] = {}
        self._curated = curated_names(curated)
        # word prefixes of curated names, so that a tagger can follow "Pik" into "Pik airfield"
        self.curated_prefixes = frozenset(" ".join(key.split()[:n]) for key in self._curated
                                          for n in range(1, len(key.split()) + 1))
        con = self._con()
        self._countries: dict[str, Place] = {}
        self._neighbours: dict[str, frozenset[str]] = {}
        for row in con.execute("SELECT id, geonames_id, name, kind, country, admin1_code, lat, lon, population, NULL,"
                               " neighbours FROM place WHERE kind = 'country'"):
            self._countries[row[4]] = self._place(row)
            self._neighbours[row[4]] = frozenset(c for c in (row[10] or "").split(",") if c)
        log.info("gazetteer: %s (%d curated names)", self.path, len(self._curated))

    def _con(self) -> sqlite3.Connection:
        """One read-only connection per thread and process (connections do not survive a fork)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.con = index.connect(self.path)
            local.pid = os.getpid()
        return local.con

    @staticmethod
    def _place(row) -> Place:
        _id, gid, name, kind, country, admin1_code, lat, lon, population, admin1_name = row[:10]
        if kind == "admin1":
            admin1_name = name
        precision = 3 if kind in ("country", "admin1") else 1
        return Place(id=f"geonames:{gid}" if gid else f"gaz:{_id}", name=name, lat=lat, lon=lon, country=country,
                     kind=kind, admin1=admin1_name, admin1_code=admin1_code, population=population,
                     precision=precision, geonames_id=gid)

    def lookup_keys(self, keys: Iterable[str]) -> dict[str, tuple[Candidate, ...]]:
        """Candidates for each name key (keys from `name_key`); keys that match nothing map to ()."""
        keys = set(keys)
        missing = [k for k in keys if k and k not in self._cache]
        if missing:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            found: dict[str, list[Candidate]] = {k: list(self._curated.get(k, ())) for k in missing}
            con = self._con()
            for start in range(0, len(missing), _CHUNK):
                chunk = missing[start:start + _CHUNK]
                for row in con.execute(_QUERY.format(",".join("?" * len(chunk))), chunk):
                    found[row[0]].append(Candidate(self._place(row[2:]), bool(row[1])))
            for key, candidates in found.items():
                self._cache[key] = tuple(candidates)
        return {k: self._cache.get(k, ()) for k in keys}

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        """Candidates for a name as written ("El-Fasher", "the Golan Heights")."""
        key = name_key(name)
        return self.lookup_keys([key])[key] if key else ()

    def country(self, code: str) -> Optional[Place]:
        """The country of an ISO alpha-2 code, at its representative point."""
        return self._countries.get(code.upper())

    def neighbours(self, code: str) -> frozenset[str]:
        """ISO alpha-2 codes of the countries bordering `code`."""
        return self._neighbours.get(code.upper(), frozenset())


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The gazetteer of this process (index built on first use, then opened)."""
    return Gazetteer()
