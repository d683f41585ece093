"""The HTTP API over a real SQLite store filled by real ingest of articles written for these tests.

tests/data/web/articles.jsonl: a rocket attack near Erbil reported by two outlets (2 vs 3 dead,
one quoting a prime minister out of office), a drone attack on Ain al-Asad by another member of
the same umbrella, a massacre in Zamfara (Nigeria) and a drone strike on Kharkiv.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from conflictlens.api import create_app
from conflictlens.api.server import check_binding, is_loopback
from conflictlens.errors import ConflictlensError
from conflictlens.ingest import read_records
from conflictlens.store import open_store

ARTICLES = Path(__file__).parent / "data" / "web" / "articles.jsonl"

ZAMFARA = "Gunmen killed four farmers in an attack on a village near Gusau in Zamfara state on Tuesday, police said."


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory, extractor) -> Path:
    """A SQLite store with the test articles ingested (extracted by the real pipeline, merged by the store)."""
    path = tmp_path_factory.mktemp("api") / "events.db"
    store = open_store(f"sqlite:///{path}")
    try:
        for document in read_records(ARTICLES):
            assert not isinstance(document, Exception), document
            store.ingest(document, extractor.extract(document))
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def client(filled_db):
    with TestClient(create_app(store_url=f"sqlite:///{filled_db}", token=""), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writable_db(filled_db, tmp_path) -> Path:
    """A copy of the filled store that a test may write to."""
    copy = tmp_path / "events.db"
    shutil.copy(filled_db, copy)
    return copy


def all_events(client, **params) -> list[dict]:
    response = client.get("/api/events", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def erbil_event(client) -> dict:
    [event] = [e for e in all_events(client) if e["location"] and e["location"]["name"] == "Erbil"]
    return event


def assert_error(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and "\n" not in body["error"]
    assert "Traceback" not in response.text
    for word in words:
        assert word in body["error"], body["error"]
    return body


# ---- events ------------------------------------------------------------------------------------

def test_events_lists_every_ingested_event_newest_first(client):
    events = all_events(client)
    places = {e["location"]["name"] for e in events if e["location"]}
    assert {"Erbil", "Gusau", "Kharkiv", "Ain al-Asad Air Base"} <= places
    days = [e["date"]["date"] or e["date"]["earliest"] for e in events]
    assert days == sorted(days, reverse=True)
    assert all(e["id"] and e["reports"] for e in events)


def test_two_reports_of_one_attack_are_one_event_with_both_sources(client):
    event = erbil_event(client)
    assert {r["outlet"] for r in event["reports"]} == {"Test Wire", "Kurdistan Observer"}
    assert event["actor1"]["kb_id"] == "kataib_hezbollah"
    [deaths] = [c for c in event["conflicts"] if c["field"] == "fatalities"]
    assert sorted(v["value"] for v in deaths["values"]) == [2, 3]


def test_pagination_walks_all_events_once(client):
    everything = [e["id"] for e in all_events(client)]
    seen, offset = [], 0
    while offset is not None:
        page = client.get("/api/events", params={"limit": 2, "offset": offset}).json()
        assert page["total"] == len(everything) and page["limit"] == 2 and len(page["items"]) <= 2
        seen += [e["id"] for e in page["items"]]
        offset = page["next_offset"]
    assert seen == everything
    past_the_end = client.get("/api/events", params={"offset": len(everything) + 5}).json()
    assert past_the_end["items"] == [] and past_the_end["next_offset"] is None


def test_sort_by_fatalities_both_ways(client):
    down = [e["fatalities"] for e in all_events(client, sort="fatalities", order="desc") if e["fatalities"] is not None]
    up = [e["fatalities"] for e in all_events(client, sort="fatalities", order="asc") if e["fatalities"] is not None]
    assert down == sorted(down, reverse=True) and up == sorted(up) and down[0] == 7


def test_actor_filter_by_id_and_by_alias(client):
    by_id = all_events(client, actor="kataib_hezbollah")
    by_alias = all_events(client, actor="Kata'ib Hezbollah")
    assert [e["id"] for e in by_id] == [e["id"] for e in by_alias] == [erbil_event(client)["id"]]


def test_umbrella_matches_its_members_only_with_include_members(client):
    assert all_events(client, actor="islamic_resistance_in_iraq") == []
    events = all_events(client, actor="islamic_resistance_in_iraq", include_members="true")
    assert {e["actor1"]["kb_id"] for e in events} == {"kataib_hezbollah", "harakat_hezbollah_al_nujaba"}
    assert {e["location"]["country"] for e in events} == {"IQ"}


def test_country_type_date_text_and_place_filters(client):
    assert {e["location"]["name"] for e in all_events(client, country="ng")} == {"Gusau"}
    violence = all_events(client, type="Violence against civilians")
    assert violence and {e["event_type"] for e in violence} == {"Violence against civilians"}
    assert {e["sub_event_type"] for e in all_events(client, type="Air/drone strike")} == {"Air/drone strike"}
    spring = all_events(client, since="2024-03-01", until="2024-03-31")
    assert {e["location"]["name"] for e in spring} == {"Gusau"}
    assert {e["location"]["name"] for e in all_events(client, text="Gusau")} == {"Gusau"}
    iraq_box = all_events(client, bbox="38.7,29.0,48.8,37.4")
    assert {e["location"]["country"] for e in iraq_box} == {"IQ"} and len(iraq_box) == 2
    near_kharkiv = all_events(client, near="49.99,36.23,30")
    assert near_kharkiv and {e["location"]["name"] for e in near_kharkiv} == {"Kharkiv"}


@pytest.mark.parametrize("params, status, words", [
    ({"bbox": "1,2"}, 400, ["bbox"]),
    ({"bbox": "10,50,20,40"}, 400, ["bbox", "range"]),
    ({"near": "49.9,36.2"}, 400, ["near", "lat,lon,km"]),
    ({"near": "49.9,36.2,-5"}, 400, ["near"]),
    ({"since": "2024-05-01", "until": "2024-04-01"}, 400, ["since", "after"]),
    ({"country": "Iraq"}, 400, ["country", "alpha-2"]),
    ({"since": "last week"}, 422, ["since"]),
    ({"limit": "0"}, 422, ["limit"]),
    ({"sort": "colour"}, 422, ["sort"]),
    ({"order": "sideways"}, 422, ["order"]),
])
def test_bad_filters_get_a_one_line_json_error(client, params, status, words):
    assert_error(client.get("/api/events", params=params), status, *words)


def test_event_has_reports_evidence_spans_and_provenance(client):
    event = client.get(f"/api/events/{erbil_event(client)['id']}").json()
    for report in event["reports"]:
        document = client.get(f"/api/documents/{report['document_id']}").json()
        text, evidence, trigger = document["text"], report["event"]["evidence"], report["event"]["trigger"]
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]
        assert text[trigger["start"]:trigger["end"]] == trigger["text"]
        assert report["published"] == document["document"]["published"]
    assert set(event["provenance"].values()) <= {r["document_id"] for r in event["reports"]}


def test_unknown_ids_are_404_with_a_message(client):
    assert_error(client.get("/api/events/ev_nothing"), 404, "ev_nothing")
    assert_error(client.get("/api/documents/nothing"), 404, "nothing")
    assert_error(client.get("/api/actors/no_such_group"), 404, "no_such_group")
    assert_error(client.get("/api/no-such-endpoint"), 404)
    assert_error(client.delete("/api/events"), 405)


# ---- actors, documents, stats, flags -------------------------------------------------------------

def test_actor_has_aliases_memberships_over_time_and_events(client):
    umbrella = client.get("/api/actors/islamic_resistance_in_iraq", params={"include_members": "true"}).json()
    members = {m["id"]: m for m in umbrella["members"]}
    assert {"kataib_hezbollah", "harakat_hezbollah_al_nujaba"} <= set(members)
    assert members["kataib_hezbollah"]["valid_from"] == "2023-10-17"
    assert umbrella["events"]["total"] == 2 and sum(umbrella["events_by_week"].values()) == 2
    member = client.get("/api/actors/kataib_hezbollah").json()
    assert "Kataib Hezbollah" in member["aliases"]
    assert "islamic_resistance_in_iraq" in {u["id"] for u in member["member_of"]}
    assert member["events"]["total"] == 1


def test_state_lists_its_office_holders(client):
    iraq = client.get("/api/actors/state_iq").json()
    holders = {(h["person"], h["office"]) for h in iraq["office_holders"]}
    assert ("mustafa_al_kadhimi", "head_of_government") in holders
    assert all(h["country"] == "IQ" for h in iraq["office_holders"])


def test_document_has_text_extraction_and_merged_events(client):
    body = client.get("/api/documents/web-erbil-guards").json()
    assert body["document"]["outlet"] == "Kurdistan Observer"
    assert body["text"].startswith("ERBIL (Kurdistan Observer)")
    kinds = {m["kind"] for m in body["extraction"]["mentions"]}
    assert {"actor", "place", "time"} <= kinds
    assert erbil_event(client)["id"] in body["events"]
    listing = client.get("/api/documents", params={"limit": 2}).json()
    assert listing["total"] == 5 and len(listing["items"]) == 2 and listing["next_offset"] == 2


def test_stats_count_the_filtered_events(client):
    stats = client.get("/api/stats").json()
    assert stats["total"] == len(all_events(client)) == sum(stats["by_type"].values())
    iraq = client.get("/api/stats", params={"country": "IQ"}).json()
    assert iraq["total"] == 2 and iraq["by_country"] == {"IQ": 2}


def test_flags_name_the_document_and_the_sentence(client):
    body = client.get("/api/flags").json()
    [flag] = [f for f in body["items"] if f["document_id"] == "web-erbil-guards"]
    assert flag["kind"] == "office_holder" and "al-Kadhimi" in flag["evidence"]["text"]


# ---- export --------------------------------------------------------------------------------------

def test_export_acled_csv_of_the_filter(client):
    response = client.get("/api/export", params={"format": "acled-csv", "country": "IQ"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2 and {r["country"] for r in rows} == {"Iraq"}
    assert {"event_date", "event_type", "actor1", "latitude", "longitude", "fatalities"} <= set(rows[0])


def test_export_geojson_parquet_jsonl(client):
    geo = client.get("/api/export", params={"format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(all_events(client))
    parquet = client.get("/api/export", params={"format": "parquet", "country": "NG"})
    nigerian = all_events(client, country="NG")
    assert parquet.status_code == 200 and nigerian
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == len(nigerian)
    lines = client.get("/api/export", params={"format": "jsonl", "actor": "kataib_hezbollah"}).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [erbil_event(client)["id"]]
    assert_error(client.get("/api/export", params={"format": "xlsx"}), 400, "xlsx", "acled-csv")


# ---- extract and ingest --------------------------------------------------------------------------

def test_extract_returns_the_contract_without_storing(client):
    response = client.post("/api/extract", json={"text": ZAMFARA, "published": "2024-06-13"})
    assert response.status_code == 200, response.text
    extraction = response.json()
    [event] = extraction["events"]
    assert event["event_type"] == "Violence against civilians" and event["fatalities"] == 4
    assert event["location"]["name"] == "Gusau" and event["date"]["date"] == "2024-06-11"
    assert client.get(f"/api/documents/{extraction['document']['id']}").status_code == 404


@pytest.mark.parametrize("body, words", [
    ({"published": "2024-06-13"}, ["text", "required"]),
    ({"text": ZAMFARA}, ["published", "required"]),
    ({"text": "   ", "published": "2024-06-13"}, ["text", "empty"]),
    ({"text": ZAMFARA, "published": "13/06/2024"}, ["published"]),
    ({"text": ZAMFARA, "published": "2024-06-13", "colour": "red"}, ["colour"]),
])
def test_extract_validation_errors_are_422(client, body, words):
    assert_error(client.post("/api/extract", json=body), 422, *words)


def test_malformed_json_is_422(client):
    response = client.post("/api/extract", content=b'{"text": "x", ', headers={"content-type": "application/json"})
    assert_error(response, 422)


def test_too_large_text_is_413(filled_db):
    app = create_app(store_url=f"sqlite:///{filled_db}", token="", max_bytes=1000)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/extract", json={"text": "x" * 1500, "published": "2024-01-01"}), 413, "1000")
        body = json.dumps({"text": "y" * 200_000, "published": "2024-01-01"})
        assert_error(c.post("/api/extract", content=body, headers={"content-type": "application/json"}), 413)


def test_ingest_stores_once_and_serves_it(writable_db):
    with TestClient(create_app(store_url=f"sqlite:///{writable_db}", token=""), raise_server_exceptions=False) as c:
        article = {"text": ZAMFARA, "published": "2024-06-13", "url": "https://saheldesk.example/gusau-farmers",
                   "title": "Farmers killed near Gusau", "outlet": "Sahel Desk"}
        first = c.post("/api/documents", json=article)
        assert first.status_code == 201, first.text
        assert first.json()["status"] == "new" and first.json()["events"]
        assert first.headers["location"] == f"/api/documents/{first.json()['id']}"
        again = c.post("/api/documents", json=article)
        assert again.status_code == 200 and again.json()["status"] == "unchanged"
        stored = c.get(f"/api/documents/{first.json()['id']}").json()
        assert stored["document"]["title"] == "Farmers killed near Gusau"
        gusau = all_events(c, text="Gusau", since="2024-06-01")
        assert [e["id"] for e in gusau] == first.json()["events"]


# ---- token rules -----------------------------------------------------------------------------------

def test_writing_needs_the_bearer_token_when_the_server_has_one(writable_db):
    app = create_app(store_url=f"sqlite:///{writable_db}", token="s3cret-token")
    article = {"text": ZAMFARA, "published": "2024-06-13"}
    with TestClient(app, raise_server_exceptions=False) as c:
        missing = c.post("/api/documents", json=article)
        assert_error(missing, 401, "Bearer")
        assert missing.headers["www-authenticate"] == "Bearer"
        assert_error(c.post("/api/documents", json=article, headers={"Authorization": "Bearer wrong"}), 403)
        assert_error(c.post("/api/documents", json=article, headers={"Authorization": "Basic s3cret-token"}), 401)
        assert c.get("/api/documents").json()["total"] == 5
        ok = c.post("/api/documents", json=article, headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 201, ok.text
        assert c.get("/api/documents").json()["total"] == 6
        assert c.get("/api/events").status_code == 200          # reading stays open
        assert c.post("/api/extract", json=article).status_code == 200


def test_token_comes_from_the_environment(writable_db, monkeypatch):
    monkeypatch.setenv("CONFLICTLENS_TOKEN", "from-env")
    with TestClient(create_app(store_url=f"sqlite:///{writable_db}"), raise_server_exceptions=False) as c:
        assert_error(c.post("/api/documents", json={"text": ZAMFARA, "published": "2024-06-13"}), 401)
        assert c.get("/api/health").json() == {"ok": True, "token_required": True}


def test_without_a_token_only_loopback_is_allowed():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10") and not is_loopback("::")
    assert "loopback only" in check_binding("127.0.0.1", None)
    assert "Bearer" in check_binding("0.0.0.0", "secret")
    with pytest.raises(ConflictlensError, match="CONFLICTLENS_TOKEN"):
        check_binding("0.0.0.0", None)


def test_serve_refuses_a_public_host_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CONFLICTLENS_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "conflictlens", "serve", "--host", "0.0.0.0",
                             "--db", f"sqlite:///{tmp_path / 'x.db'}"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "loopback only" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_serve_says_so_when_the_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "conflictlens", "serve", "--port", str(port),
                                 "--db", f"sqlite:///{tmp_path / 'x.db'}"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


# ---- docs and pages ----------------------------------------------------------------------------------

def test_openapi_docs_are_served_locally(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/actors/{actor_id}", "/api/documents/{document_id}",
            "/api/stats", "/api/export", "/api/flags", "/api/extract", "/api/documents"} <= set(spec["paths"])


@pytest.mark.parametrize("path", ["/", "/documents", "/documents/web-erbil-rockets", "/actors/kataib_hezbollah",
                                  "/actors/islamic_resistance_in_iraq", "/actors/state_iq", "/extract", "/flags"])
def test_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "https://" not in response.text.replace("https://testwire.example", "").replace(
        "https://kobserver.example", "")


def test_event_page_shows_fields_sources_and_the_conflict(client):
    event = erbil_event(client)
    page = client.get(f"/events/{event['id']}").text
    assert "Kurdistan Observer" in page and "Test Wire" in page
    assert "Conflicting reports" in page and 'class="hl hl-trigger"' in page
    assert f'href="/documents/web-erbil-guards"' in page


def test_pages_forbid_inline_and_foreign_scripts(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "'unsafe-inline'" in client.get("/docs").headers["content-security-policy"].split("script-src")[1]
    assert client.get("/api/events").headers["x-content-type-options"] == "nosniff"


def test_a_broken_database_is_a_json_500_without_a_trace(writable_db):
    with TestClient(create_app(store_url=f"sqlite:///{writable_db}", token=""), raise_server_exceptions=False) as c:
        with sqlite3.connect(writable_db) as db:
            db.execute("DROP TABLE event_actors")
        assert_error(c.get("/api/events", params={"actor": "kataib_hezbollah"}), 500, "internal error")
        page = c.get("/", headers={"accept": "text/html"})
        assert page.status_code == 200       # the explore page itself needs no query


def test_missing_page_is_an_html_404(client):
    response = client.get("/events/ev_nothing", headers={"accept": "text/html"})
    assert response.status_code == 404 and "ev_nothing" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_article_text_is_escaped(writable_db):
    text = ("Police said <script>document.title='pwned'</script> gunmen killed two traders "
            "near Gusau in Zamfara state on Monday.")
    with TestClient(create_app(store_url=f"sqlite:///{writable_db}", token=""), raise_server_exceptions=False) as c:
        stored = c.post("/api/documents", json={"text": text, "published": "2024-07-02",
                                                "title": "<b>Traders</b> killed"}).json()
        page = c.get(f"/documents/{stored['id']}").text
    assert "&lt;script&gt;document.title=" in page and "<script>document.title" not in page
    assert "&lt;b&gt;Traders&lt;/b&gt;" in page
