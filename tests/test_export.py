"""Exports read back: ACLED CSV (exact header), GeoJSON (schema-validated), Parquet, JSON Lines; via the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conflictlens.cli import app
from conflictlens.export import ACLED_COLUMNS
from postgres import fresh_postgres_database

DATA = Path(__file__).parent / "data" / "store"
ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                "fatalities", "tags", "timestamp"]
POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
GEOJSON_SCHEMA = {   # RFC 7946 FeatureCollection of Point features (the subset exports use)
    "type": "object", "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": ["string", "number"]},
                "geometry": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["type", "coordinates"],
                    "properties": {"type": {"const": "Point"}, "coordinates": POSITION}}]},
                "properties": {"type": ["object", "null"]}}}}},
}

runner = CliRunner()


def cli(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory):
    """A store filled through `conflictlens ingest`: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("export") / "events.db")
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    result = cli("ingest", str(DATA / "konduga-three-outlets.jsonl"), str(DATA / "elsewhere.jsonl"), "--db", url)
    assert result.exit_code == 0, result.output
    return url


def test_header_is_acleds():
    assert list(ACLED_COLUMNS) == ACLED_HEADER


def test_acled_csv_reads_back_with_acled_columns_and_vocabulary(db, tmp_path):
    out = tmp_path / "events.csv"
    result = cli("export", "--format", "acled-csv", "--out", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        assert next(reader) == ACLED_HEADER
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == 3
    konduga = frame[frame.location == "Konduga"].iloc[0]
    assert konduga.event_id_cnty.startswith("NGA")
    assert konduga.event_date == "2024-03-04" and konduga.year == "2024" and konduga.time_precision == "1"
    assert konduga.disorder_type == "Political violence" and konduga.event_type == "Violence against civilians"
    assert konduga.iso == "566" and konduga.country == "Nigeria" and konduga.region == "Western Africa"
    assert konduga.geo_precision in ("1", "2") and float(konduga.latitude) == pytest.approx(11.65, abs=0.05)
    assert set(konduga.source.split("; ")) == {"Sahel Courier", "Lake Chad Today", "West Africa Wire"}
    assert "conflicting reports: fatalities" in konduga.tags and "Sources differ on fatalities" in konduga.notes
    assert konduga.civilian_targeting == "Civilian targeting"
    assert konduga.admin2 == "" and konduga.admin3 == ""                       # unknown stays empty
    codes = sorted(int(c) for c in (konduga.inter1, konduga.inter2) if c)
    assert codes and set(codes) <= set(range(1, 9))
    assert int(konduga.interaction) == (codes[0] * 10 + codes[1] if len(codes) == 2 else codes[0] * 10)
    assert set(frame.region) >= {"Western Africa", "Europe"} and set(frame.iso) >= {"566", "466", "804"}


def test_geojson_validates_and_carries_points(db, tmp_path):
    out = tmp_path / "events.geojson"
    assert cli("export", "--format", "geojson", "--out", str(out), "--db", db, "--country", "NG").exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, GEOJSON_SCHEMA)
    assert len(data["features"]) == 1
    feature = data["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert lat == pytest.approx(11.65, abs=0.05) and lon == pytest.approx(13.42, abs=0.05)
    assert feature["properties"]["n_sources"] == 3 and feature["properties"]["event_type"] == "Violence against civilians"


def test_parquet_reads_back_typed(db, tmp_path):
    out = tmp_path / "events.parquet"
    assert cli("export", "--format", "parquet", "--out", str(out), "--db", db).exit_code == 0
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert table.column_names == ["id", *ACLED_HEADER, "n_sources", "event_json"]
    assert str(table.schema.field("fatalities").type) == "int64" and str(table.schema.field("latitude").type) == "double"
    rows = table.to_pylist()
    assert sorted(r["n_sources"] for r in rows) == [1, 1, 3]
    assert {json.loads(r["event_json"])["id"] for r in rows} == {r["id"] for r in rows}


def test_jsonl_is_the_event_dicts(db, tmp_path):
    out = tmp_path / "events.jsonl"
    assert cli("export", "--format", "jsonl", "--out", str(out), "--db", db, "--since", "2024-03-06").exit_code == 0
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["location"]["country"] for e in events] == ["ML", "UA"]     # oldest first, Konduga (4 March) filtered out
    assert all({"id", "reports", "provenance", "conflicts", "flags"} <= set(e) for e in events)


def test_events_and_stats_commands(db):
    result = cli("events", "--db", db, "--format", "json", "--near", "11.7,13.4,25")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["location"]["name"] for e in events] == ["Konduga"]
    result = cli("events", "--db", db, "--format", "csv", "--country", "UA")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["country"] for r in rows] == ["UA"]
    result = cli("stats", "--db", db)
    assert result.exit_code == 0 and "3 events" in result.stdout and "Violence against civilians" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["events", "--near", "north"], "--near"),
    (["events", "--since", "yesterday"], "--since"),
    (["events", "--type", "Massacre"], "--type"),
    (["export", "--format", "xlsx", "--out", "x.xlsx"], "--format"),
    (["events", "--db", "/nonexistent/folder/x.db"], "does not exist"),
    (["events", "--db", "postgresql://nobody@127.0.0.1:1/none"], "cannot open the database"),
])
def test_bad_options_give_one_line_errors(args, message, tmp_path):
    result = cli(*args, *([] if "--db" in args else ["--db", str(tmp_path / "x.db")]))
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
