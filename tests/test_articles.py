"""The project's annotated articles (tests/data/articles, format in docs/gold-format.md).

Two kinds of checks:
- the files themselves are sound: they parse, carry every required field, every quoted
  text really occurs in the article, every ACLED string is a codebook string, every date
  and coordinate is well formed. These must always pass.
- the real pipeline finds the expected mentions with the right resolution (places within
  25 km and in the right country, times with the same earliest/latest day, actors and
  sources at the right words).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pycountry
import pytest
import yaml

import conflictlens
from conflictlens.model import Document

DATA = Path(__file__).parent / "data"
ARTICLES_DIR = DATA / "articles"
ARTICLE_FILES = sorted(ARTICLES_DIR.glob("*.yaml"))
IDS = [p.stem for p in ARTICLE_FILES]

REQUIRED = ("id", "published", "outlet", "title", "url", "text", "mentions", "events")
MENTION_KINDS = ("actor", "place", "time", "source", "person")
MENTION_FIELDS = {
    "actor": ("name", "actor_kind"),
    "person": ("name",),
    "place": ("name", "country", "lat", "lon", "precision", "relation"),
    "time": ("earliest", "latest"),
    "source": ("name", "source_kind"),
}
ACTOR_KINDS = {"state", "state_forces", "militia", "umbrella", "rebel", "terrorist", "political", "civilians",
               "company", "person", "unidentified", "other"}
SOURCE_KINDS = {"outlet", "journalist", "official", "spokesperson", "group", "anonymous", "document", "other"}
TIME_PRECISIONS = {"day", "week", "month", "year", "range", "unknown"}
STATEMENT_KINDS = {"threat", "demand", "negotiation", "denial", "claim", "other"}
PREDICATES = {"member_of", "formed", "allied_with", "backed_by", "leads"}
EVENT_FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "date", "fatalities", "claimed_by",
                "attribution", "trigger")
PLACE_TOLERANCE_KM = 25.0
MIN_WORDS, MAX_WORDS = 150, 450


@lru_cache(maxsize=None)
def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def try_load(path: Path) -> dict | None:
    """The file's data, or None when it does not parse (bad YAML, or an impossible date such as 2023-02-30)."""
    try:
        return load(path)
    except (yaml.YAMLError, ValueError):
        return None


@lru_cache(maxsize=1)
def acled_types() -> dict[str, list[str]]:
    return yaml.safe_load((DATA / "acled_types.yaml").read_text(encoding="utf-8"))["event_types"]


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Character spans of `needle` in `text`, case-sensitive, not inside a longer word."""
    pattern = re.escape(needle)
    if needle[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if needle[-1:].isalnum():
        pattern += r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, text)]


def locate(text: str, item: dict) -> tuple[int, int] | None:
    """The span an annotation points at: the n-th occurrence (1-based, default 1) of its text."""
    spans = occurrences(text, item["text"])
    n = item.get("occurrence", 1)
    return spans[n - 1] if 1 <= n <= len(spans) else None


def quoted(value) -> str:
    """A trigger may be a plain string or {text, occurrence}."""
    return value["text"] if isinstance(value, dict) else value


def is_country(code) -> bool:
    return isinstance(code, str) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def date_problems(where: str, value, allow_open: bool = False) -> list[str]:
    """A {earliest, latest} range of real dates, earliest <= latest."""
    if not isinstance(value, dict):
        return [f"{where}: expected a mapping with earliest and latest"]
    earliest, latest = value.get("earliest"), value.get("latest")
    problems = []
    for key, day in (("earliest", earliest), ("latest", latest)):
        if day is None and allow_open and key == "latest":
            continue
        if not isinstance(day, dt.date):
            problems.append(f"{where}.{key}: {day!r} is not a YYYY-MM-DD date")
    if not problems and latest is not None and earliest > latest:
        problems.append(f"{where}: earliest {earliest} after latest {latest}")
    return problems


def location_problems(where: str, loc) -> list[str]:
    if not isinstance(loc, dict):
        return [f"{where}: expected a mapping"]
    problems = [f"{where}: missing {k}" for k in ("name", "country", "lat", "lon", "precision") if k not in loc]
    if problems:
        return problems
    if not is_country(loc["country"]):
        problems.append(f"{where}: {loc['country']!r} is not an ISO 3166-1 alpha-2 code")
    if not (-90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180):
        problems.append(f"{where}: lat/lon out of range")
    if loc["precision"] not in (1, 2, 3):
        problems.append(f"{where}: precision must be 1, 2 or 3")
    return problems


def article_problems(path: Path) -> list[str]:
    """Everything wrong with one annotated file (empty when sound)."""
    try:
        data = load(path)
    except (yaml.YAMLError, ValueError) as exc:
        return [f"does not parse: {' '.join(str(exc).split())[:200]}"]
    if not isinstance(data, dict):
        return ["not a YAML mapping"]
    problems = [f"missing field {k}" for k in REQUIRED if k not in data]
    if problems:
        return problems
    text = data["text"]
    if data["id"] != path.stem:
        problems.append(f"id {data['id']!r} differs from the file name")
    if not isinstance(data["published"], dt.date):
        problems.append("published is not a YYYY-MM-DD date")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"text has {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    if not str(data["url"]).startswith(("http://", "https://")):
        problems.append("url is not an http(s) address")

    def quote_ok(where: str, item: dict) -> None:
        if not isinstance(item.get("text"), str) or not item["text"]:
            problems.append(f"{where}: no text")
        elif locate(text, item) is None:
            n = len(occurrences(text, item["text"]))
            problems.append(f"{where}: {item['text']!r} (occurrence {item.get('occurrence', 1)}) "
                            f"not in the text ({n} found)")

    for i, m in enumerate(data["mentions"]):
        where = f"mentions[{i}]"
        if m.get("kind") not in MENTION_KINDS:
            problems.append(f"{where}: kind {m.get('kind')!r} not one of {MENTION_KINDS}")
            continue
        quote_ok(where, m)
        problems += [f"{where}: missing {k}" for k in MENTION_FIELDS[m["kind"]] if k not in m]
        if m["kind"] == "place":
            problems += location_problems(where, m)
        elif m["kind"] == "time":
            problems += date_problems(where, m)
            if m.get("precision", "unknown") not in TIME_PRECISIONS:
                problems.append(f"{where}: precision {m['precision']!r}")
        elif m["kind"] == "actor" and m.get("actor_kind") not in ACTOR_KINDS:
            problems.append(f"{where}: actor_kind {m.get('actor_kind')!r}")
        elif m["kind"] == "source" and m.get("source_kind") not in SOURCE_KINDS:
            problems.append(f"{where}: source_kind {m.get('source_kind')!r}")
        elif m["kind"] == "person" and "office" in m and not is_country(m.get("country")):
            problems.append(f"{where}: an office needs its country")

    types = acled_types()
    for i, e in enumerate(data["events"]):
        where = f"events[{i}]"
        missing = [k for k in EVENT_FIELDS if k not in e]
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        if e["sub_event_type"] not in types.get(e["event_type"], ()):
            problems.append(f"{where}: {e['event_type']!r} / {e['sub_event_type']!r} is not an ACLED pair")
        quote_ok(f"{where}.trigger", {"text": quoted(e["trigger"]),
                                      "occurrence": e["trigger"].get("occurrence", 1)
                                      if isinstance(e["trigger"], dict) else 1})
        if e["location"] is not None:
            problems += location_problems(f"{where}.location", e["location"])
        problems += date_problems(f"{where}.date", e["date"])
        if e["fatalities"] is not None and (not isinstance(e["fatalities"], int) or e["fatalities"] < 0):
            problems.append(f"{where}: fatalities must be a non-negative integer or null")
        if not isinstance(e["attribution"], list):
            problems.append(f"{where}: attribution must be a list (outermost source first)")
        if e["actor1"] is None and e["event_type"] != "Strategic developments":
            problems.append(f"{where}: only strategic developments may lack actor1")

    for i, t in enumerate(data.get("tallies") or []):
        where = f"tallies[{i}]"
        if not isinstance(t.get("count"), int) or t["count"] <= 0:
            problems.append(f"{where}: count must be a positive integer")
        quote_ok(f"{where}.evidence", {"text": t.get("evidence")})
        for key in ("since", "as_of"):
            if t.get(key) is not None:
                problems += date_problems(f"{where}.{key}", t[key])
    for i, s in enumerate(data.get("statements") or []):
        where = f"statements[{i}]"
        if s.get("kind") not in STATEMENT_KINDS:
            problems.append(f"{where}: kind {s.get('kind')!r}")
        quote_ok(where, s)
        problems += date_problems(f"{where}.date", s.get("date"))
    for i, r in enumerate(data.get("relations") or []):
        where = f"relations[{i}]"
        if r.get("predicate") not in PREDICATES:
            problems.append(f"{where}: predicate {r.get('predicate')!r}")
        if not r.get("subject") or not r.get("object"):
            problems.append(f"{where}: needs subject and object")
        quote_ok(f"{where}.evidence", {"text": r.get("evidence")})
        if r.get("date") is not None:
            problems += date_problems(f"{where}.date", r["date"])
    for i, f in enumerate(data.get("flags") or []):
        quote_ok(f"flags[{i}]", f)
        if not f.get("kind") or not f.get("message"):
            problems.append(f"flags[{i}]: needs kind and message")
    for i, a in enumerate(data.get("absent") or []):
        quote_ok(f"absent[{i}]", a)
    return problems


# --- the files ---------------------------------------------------------------------------------------------

def test_acled_types_file_matches_the_codebook_and_taxonomy():
    from conflictlens.taxonomy import ACLED_TYPES

    types = acled_types()
    assert len(types) == 6
    assert sum(len(subs) for subs in types.values()) == 25
    assert {k: tuple(v) for k, v in types.items()} == ACLED_TYPES


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=IDS)
def test_article_file_is_sound(path):
    problems = article_problems(path)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_dev_set_covers_theatres_and_event_types():
    articles = [load(p) for p in ARTICLE_FILES]
    assert len(articles) >= 24
    events = [e for a in articles for e in a["events"]]
    assert {e["event_type"] for e in events} == set(acled_types())
    assert len({e["sub_event_type"] for e in events}) >= 18
    countries = {e["location"]["country"] for e in events if e["location"]}
    assert len(countries) >= 18
    kinds = Counter(m["kind"] for a in articles for m in a["mentions"])
    assert all(kinds[k] > 0 for k in MENTION_KINDS)
    assert sum(len(a.get("flags") or []) for a in articles) >= 2, "some articles must name the wrong office holder"
    assert len({a["id"] for a in articles}) == len(articles)


def test_bundled_samples_come_from_the_dev_set():
    """The demo reads the samples with the real JSON Lines reader; each is a dev-set article, unchanged."""
    from conflictlens.ingest.jsonl import record_document

    path = Path(conflictlens.__file__).parent / "samples" / "articles.jsonl"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 8
    gold = {load(p)["id"]: load(p) for p in ARTICLE_FILES}
    for n, line in enumerate(lines, 1):
        record = json.loads(line)
        assert set(record) >= {"text", "title", "url", "published", "outlet"}
        document = record_document(record, f"articles.jsonl:{n}")  # raises InputError on a bad record
        assert document.id in gold, f"sample {document.id!r} is not a dev-set article"
        assert document.text == gold[document.id]["text"]
        assert document.published == gold[document.id]["published"]
    records = [json.loads(line) for line in lines]
    assert len({gold[r["id"]]["events"][0]["location"]["country"] for r in records}) >= 6
    assert len({e["event_type"] for r in records for e in gold[r["id"]]["events"]}) >= 5


# --- what the pipeline finds -------------------------------------------------------------------------------

def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def missed_mentions(extraction, data: dict) -> list[str]:
    """Expected mentions the extraction lacks or resolves wrongly, one line each."""
    text = data["text"]
    found = extraction.mentions
    missed = []
    for item in data["mentions"]:
        span = locate(text, item)
        kinds = {"actor": ("actor", "person"), "person": ("person", "actor")}.get(item["kind"], (item["kind"],))
        near = [m for m in found if m.kind in kinds and overlaps(tuple(m.span), span)]
        label = f"{item['kind']} {item['text']!r}@{span[0]}"
        if not near:
            missed.append(f"{label}: not found")
        elif item["kind"] == "place":
            def right(m) -> bool:
                loc = m.location
                if loc is None or loc.country != item["country"]:
                    return False
                return item["precision"] == 3 or km(loc.lat, loc.lon, item["lat"], item["lon"]) <= PLACE_TOLERANCE_KM
            if not any(right(m) for m in near):
                got = [(m.location.name, m.location.country, round(m.location.lat, 2), round(m.location.lon, 2))
                       for m in near if m.location]
                missed.append(f"{label}: resolved to {got}")
        elif item["kind"] == "time":
            want = (item["earliest"], item["latest"])
            if not any(m.when and (m.when.earliest, m.when.latest) == want for m in near):
                got = [(str(m.when.earliest), str(m.when.latest)) for m in near if m.when]
                missed.append(f"{label}: want {want[0]}..{want[1]}, got {got}")
    for item in data.get("absent") or []:
        if item["kind"] in MENTION_KINDS:
            span = locate(text, item)
            wrong = [m for m in found if m.kind == item["kind"] and overlaps(tuple(m.span), span)
                     and (item["kind"] != "time" or m.text in item["text"])]
            if wrong:
                missed.append(f"absent {item['kind']} {item['text']!r}: found {[m.text for m in wrong]}")
    return missed


def as_document(data: dict) -> Document:
    return Document(id=data["id"], text=data["text"], published=data["published"], title=data["title"],
                    url=data["url"], outlet=data["outlet"])


# Share of the expected mentions of each kind the pipeline must find and resolve right over the whole
# dev set, and the share of `absent` words it may still read wrongly. Floors a little under what the
# pipeline reaches (docs/ACCURACY.md has the current figures): a regression fails, an article-specific
# miss does not.
MENTION_FLOORS = {"place": 0.93, "time": 0.97, "actor": 0.85, "person": 0.90, "source": 0.75}
ABSENT_CEILING = 0.35


def test_pipeline_finds_the_expected_mentions(extractor):
    expected: dict[str, int] = {}
    missed: dict[str, list[str]] = {}
    absent_total, absent_wrong = 0, []
    for path in ARTICLE_FILES:
        data = load(path)
        for item in data["mentions"]:
            expected[item["kind"]] = expected.get(item["kind"], 0) + 1
        absent_total += sum(1 for a in data.get("absent") or [] if a["kind"] in MENTION_KINDS)
        for line in missed_mentions(extractor.extract(as_document(data)), data):
            if line.startswith("absent"):
                absent_wrong.append(f"{path.stem}: {line}")
            else:
                missed.setdefault(line.split()[0], []).append(f"{path.stem}: {line}")
    for kind, floor in MENTION_FLOORS.items():
        lost = missed.get(kind, [])
        assert 1 - len(lost) / expected[kind] >= floor, f"{kind}: {len(lost)} of {expected[kind]} missed\n" + "\n".join(lost)
    assert len(absent_wrong) <= ABSENT_CEILING * absent_total, "\n".join(absent_wrong)


FLAGGED = [p for p in ARTICLE_FILES
           if (try_load(p) or {}).get("flags") or any(a.get("kind") == "flag" for a in (try_load(p) or {}).get("absent") or [])]


@pytest.mark.parametrize("path", FLAGGED, ids=[p.stem for p in FLAGGED])
def test_pipeline_flags_wrong_office_holders(extractor, path):
    """A wrong person named in an office is flagged at those words; a former holder named as such is not."""
    data = load(path)
    extraction = extractor.extract(as_document(data))
    text = data["text"]
    expected = [locate(text, f) for f in data.get("flags") or []]
    got = [f for f in extraction.flags if f.kind == "office_holder"]
    for span in expected:
        assert any(overlaps((f.evidence.start, f.evidence.end), span) for f in got), f"no flag at {span}"
    for item in data.get("absent") or []:
        if item["kind"] == "flag":
            span = locate(text, item)
            assert not any(overlaps((f.evidence.start, f.evidence.end), span) for f in got)
    assert len(got) == len(expected)
