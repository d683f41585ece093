"""Merged events out as files: ACLED-style CSV, GeoJSON, Parquet, JSON Lines.

`write_export(events, format, out)` takes the event dicts the store serves (store.iter_events)
and streams them to a path or a binary file. The ACLED CSV uses ACLED's column names and
vocabulary, filled where the event says and empty where it does not; GeoJSON and Parquet
carry the same columns (typed) plus the store's event id and number of sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Optional, Union

import yaml

from . import taxonomy
from .errors import ConflictlensError

log = logging.getLogger(__name__)

FORMATS = ("acled-csv", "geojson", "parquet", "jsonl")
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
INTEGER_COLUMNS = ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
                   "fatalities", "timestamp")
FLOAT_COLUMNS = ("latitude", "longitude")
REGIONS_FILE = Path(__file__).parent / "kb" / "data" / "lexicon" / "acled_regions.yaml"

# ACLED inter codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
# 5 rioters, 6 protesters, 7 civilians, 8 external/other forces. Our actor kinds map onto them.
INTER_OF_KIND = {"state": 1, "state_forces": 1, "rebel": 2, "terrorist": 2, "umbrella": 2, "militia": 3,
                 "unidentified": 3, "political": 3, "civilians": 7, "company": 8, "person": 8, "other": 8}
TIME_PRECISION_DAYS = ((1, 1), (7, 2))   # window width up to N days -> ACLED time_precision; else 3


class ExportError(ConflictlensError):
    """An export that cannot be written."""


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """ISO alpha-2 -> ACLED region, from the data table."""
    data = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    return {code: region for region, codes in data["regions"].items() for code in codes}


def _kb():
    from .kb import get_kb

    return get_kb()


@lru_cache(maxsize=1)
def _outlets_by_name() -> dict:
    return {name.lower(): o for o in _kb().outlets.values() for name in o.names()}


def _country(code: Optional[str]):
    if not code:
        return None
    import pycountry

    return pycountry.countries.get(alpha_2=code.upper())


def _inter(actor: Optional[dict], event: dict) -> Optional[int]:
    if not actor:
        return None
    code = INTER_OF_KIND.get(actor.get("kind") or "other", 8)
    if event["event_type"] == "Protests" and code in (3, 7, 8):
        return 6
    if event["event_type"] == "Riots" and code in (3, 7, 8):
        return 5
    if code == 1 and actor.get("kb_id"):       # state forces abroad are external forces
        entry = _kb().actors.get(actor["kb_id"])
        home = entry and (entry.country or (_kb().actors.get(entry.forces_of).country
                                            if entry.forces_of in _kb().actors else None))
        where = (event.get("location") or {}).get("country")
        if home and where and home != where:
            return 8
    return code


def _time_precision(event: dict) -> Optional[int]:
    when = event.get("date") or {}
    if when.get("date") and when.get("precision") in (None, "day", "unknown"):
        return 1
    earliest, latest = when.get("earliest"), when.get("latest")
    if earliest and latest:
        width = (dt.date.fromisoformat(latest) - dt.date.fromisoformat(earliest)).days + 1
        return next((code for days, code in TIME_PRECISION_DAYS if width <= days), 3)
    return {"day": 1, "week": 2, "range": 2, "month": 3, "year": 3}.get(when.get("precision") or "", None)


def _event_date(event: dict) -> Optional[str]:
    when = event.get("date") or {}
    return when.get("date") or when.get("earliest") or when.get("latest")


def _names(actors: Iterable[dict]) -> str:
    return "; ".join(a["name"] for a in actors if a and a.get("name"))


def _sources(event: dict) -> tuple[str, str]:
    """ACLED `source` (the outlets, '; ') and `source_scale` (National / International / ...)."""
    names, scales = [], []
    where = (event.get("location") or {}).get("country")
    outlets = _outlets_by_name()
    for report in event.get("reports") or []:
        name = report.get("outlet") or report.get("url") or report.get("title") or report.get("document_id")
        if name and name not in names:
            names.append(name)
        entry = outlets.get((report.get("outlet") or "").lower())
        if entry and entry.country and where:
            scale = "National" if entry.country == where else "International"
            if scale not in scales:
                scales.append(scale)
    return "; ".join(names), "-".join(sorted(scales, key=["National", "International"].index))


def _notes(event: dict) -> str:
    parts = []
    day = _event_date(event)
    evidence = " ".join(((event.get("evidence") or {}).get("text") or "").split())
    if evidence:
        parts.append(f"On {day}, {evidence}" if day else evidence)
    for conflict in event.get("conflicts") or []:
        values = ", ".join(f"{v.get('value')} ({v.get('document_id')})" for v in conflict["values"])
        parts.append(f"[Sources differ on {conflict['field']}: {values}]")
    return " ".join(parts)


def _tags(event: dict) -> str:
    tags = []
    if event.get("claimed_by"):
        tags.append(f"claimed by {event['claimed_by']['name']}")
    tags += [f"conflicting reports: {c['field']}" for c in event.get("conflicts") or []]
    tags += sorted({f"flag: {f['kind']}" for f in event.get("flags") or []})
    return "; ".join(tags)


def acled_row(event: dict, timestamp: Optional[int] = None) -> dict[str, Any]:
    """One merged event as ACLED columns (None where unknown)."""
    loc = event.get("location") or {}
    country = _country(loc.get("country"))
    day = _event_date(event)
    inter1, inter2 = _inter(event.get("actor1"), event), _inter(event.get("actor2"), event)
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    interaction = (codes[0] * 10 + codes[1] if len(codes) == 2 else codes[0] * 10) if codes else None
    actor2 = event.get("actor2") or {}
    source, scale = _sources(event)
    civilian = (actor2.get("kind") == "civilians" or event["event_type"] == "Violence against civilians")
    return {
        "event_id_cnty": f"{country.alpha_3 if country else 'XXX'}{event['id'].removeprefix('ev_')}",
        "event_date": day,
        "year": int(day[:4]) if day else None,
        "time_precision": _time_precision(event),
        "disorder_type": taxonomy.DISORDER_TYPE.get(event["event_type"]),
        "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"],
        "actor1": (event.get("actor1") or {}).get("name"),
        "assoc_actor_1": _names(event.get("assoc_actor1") or []) or None,
        "inter1": inter1,
        "actor2": actor2.get("name"),
        "assoc_actor_2": _names(event.get("assoc_actor2") or []) or None,
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civilian else None,
        "iso": int(country.numeric) if country else None,
        "region": regions().get(loc.get("country") or ""),
        "country": (getattr(country, "common_name", None) or country.name) if country else None,
        "admin1": loc.get("admin1"),
        "admin2": None,
        "admin3": None,
        "location": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "geo_precision": loc.get("precision"),
        "source": source or None,
        "source_scale": scale or None,
        "notes": _notes(event) or None,
        "fatalities": event.get("fatalities"),
        "tags": _tags(event) or None,
        "timestamp": timestamp if timestamp is not None else int(time.time()),
    }


@contextmanager
def _binary(out: Union[str, Path, IO[bytes]]) -> Iterator[IO[bytes]]:
    if hasattr(out, "write"):
        yield out  # type: ignore[misc]
        return
    try:
        handle = open(out, "wb")
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def _write_csv(events: Iterable[dict], sink: IO[bytes], now: int) -> int:
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    n = 0
    for event in events:
        writer.writerow({k: ("" if v is None else v) for k, v in acled_row(event, now).items()})
        n += 1
    text.flush()
    text.detach()
    return n


def _feature(event: dict, now: int) -> dict:
    loc = event.get("location")
    geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc else None
    properties = {"id": event["id"], **acled_row(event, now), "n_sources": event.get("n_sources", 1),
                  "conflicts": event.get("conflicts") or [], "provenance": event.get("provenance") or {}}
    return {"type": "Feature", "id": event["id"], "geometry": geometry, "properties": properties}


def _write_geojson(events: Iterable[dict], sink: IO[bytes], now: int) -> int:
    sink.write(b'{"type": "FeatureCollection", "features": [\n')
    n = 0
    for event in events:
        sink.write((",\n" if n else "").encode() + json.dumps(_feature(event, now), ensure_ascii=False).encode())
        n += 1
    sink.write(b"\n]}\n")
    return n


def _write_jsonl(events: Iterable[dict], sink: IO[bytes]) -> int:
    n = 0
    for event in events:
        sink.write(json.dumps(event, ensure_ascii=False).encode() + b"\n")
        n += 1
    return n


def parquet_schema():
    import pyarrow as pa

    fields = [pa.field("id", pa.string())]
    for column in ACLED_COLUMNS:
        kind = pa.int64() if column in INTEGER_COLUMNS else pa.float64() if column in FLOAT_COLUMNS else pa.string()
        fields.append(pa.field(column, kind))
    fields += [pa.field("n_sources", pa.int64()), pa.field("event_json", pa.string())]
    return pa.schema(fields)


def _write_parquet(events: Iterable[dict], sink: IO[bytes], now: int, batch: int = 1000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(sink, schema) as writer:
        rows: list[dict] = []

        def flush() -> None:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            rows.clear()

        for event in events:
            rows.append({"id": event["id"], **acled_row(event, now), "n_sources": event.get("n_sources", 1),
                         "event_json": json.dumps(event, ensure_ascii=False)})
            n += 1
            if len(rows) >= batch:
                flush()
        if rows or n == 0:
            flush()
    return n


def write_export(events: Iterable[dict], format: str, out: Union[str, Path, IO[bytes]]) -> int:
    """Write events in one of FORMATS to a path or a binary file; return how many were written."""
    if format not in FORMATS:
        raise ExportError(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    now = int(time.time())
    with _binary(out) as sink:
        if format == "acled-csv":
            return _write_csv(events, sink, now)
        if format == "geojson":
            return _write_geojson(events, sink, now)
        if format == "parquet":
            return _write_parquet(events, sink, now)
        return _write_jsonl(events, sink)
