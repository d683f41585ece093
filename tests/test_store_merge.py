"""Merging rules, unit by unit, on hand-built extractions (the only place they are hand-built)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from conflictlens.model import Actor, Document, Event, Extraction, Location, Span, When
from conflictlens.store import EventFilter, open_store
from conflictlens.store.merge import sort_key

DAY = dt.date(2024, 5, 6)


def report(n: int, *, event_type="Violence against civilians", sub="Attack", actor1=None, fatalities=None,
           lat=13.45, lon=-2.35, precision=1, day=DAY, name="Ouahigouya") -> tuple[Document, Extraction]:
    text_ = f"Report {n}: an attack in {name}."
    doc = Document(id=f"doc{n}", url=f"https://outlet{n}.example/a", text=text_, outlet=f"Outlet {n}",
                   published=day + dt.timedelta(days=1))
    event = Event(id="e0", event_type=event_type, sub_event_type=sub, actor1=actor1,
                  location=Location(name=name, text=name, lat=lat, lon=lon, country="BF", precision=precision),
                  date=When(date=day, earliest=day, latest=day, precision="day"), fatalities=fatalities,
                  trigger=Span(text="attack", start=13, end=19), evidence=Span(text=text_, start=0, end=len(text_)))
    return doc, Extraction(document=doc.info(), events=[event])


def actor(kb_id: str, name: str, kind="terrorist") -> Actor:
    return Actor(kb_id=kb_id, name=name, text=name, kind=kind)


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def ingest_all(store, pairs) -> list[dict]:
    for doc, extraction in pairs:
        store.ingest(doc, extraction)
    return store.events(EventFilter(), limit=100)[0]


def test_different_perpetrators_at_the_same_spot_and_day_are_one_event_with_a_conflict(store):
    events = ingest_all(store, [report(1, actor1=actor("jnim", "JNIM")),
                                report(2, actor1=actor("is_sahel", "Islamic State Sahel Province"))])
    assert len(events) == 1
    conflict = next(c for c in events[0]["conflicts"] if c["field"] == "actor1")
    assert {v["kb_id"] for v in conflict["values"]} == {"jnim", "is_sahel"}
    assert {a["name"] for r in events[0]["reports"] for a in [r["event"]["actor1"]]} == {
        "JNIM", "Islamic State Sahel Province"}


def test_different_perpetrators_apart_stay_apart(store):
    events = ingest_all(store, [report(1, actor1=actor("jnim", "JNIM")),
                                report(2, actor1=actor("is_sahel", "ISSP"), lat=13.62)])  # ~19 km north
    assert len(events) == 2


def test_two_events_of_one_article_are_never_merged(store):
    doc, extraction = report(1)
    killing = extraction.events[0]
    abduction = killing.model_copy(update={"id": "e1", "sub_event_type": "Abduction/forced disappearance",
                                           "fatalities": 0})
    store.ingest(doc, extraction.model_copy(update={"events": [killing, abduction]}))
    events = store.events(EventFilter(), limit=100)[0]
    assert sorted(e["sub_event_type"] for e in events) == ["Abduction/forced disappearance", "Attack"]


def test_member_and_umbrella_agree(store):
    events = ingest_all(store, [report(1, actor1=actor("katiba_macina", "Katiba Macina"), lat=13.62),
                                report(2, actor1=actor("jnim", "JNIM"))])
    assert len(events) == 1 and not events[0]["conflicts"]
    assert events[0]["n_sources"] == 2


@pytest.mark.parametrize("change", [
    dict(lat=15.2),                                            # ~195 km away
    dict(day=DAY + dt.timedelta(days=5)),                      # five days later
    dict(event_type="Protests", sub="Peaceful protest"),       # not the same kind of event
])
def test_incompatible_reports_are_not_merged(store, change):
    assert len(ingest_all(store, [report(1, fatalities=3), report(2, fatalities=3, **change)])) == 2


def test_coarse_locations_merge_within_a_wider_radius(store):
    near = dict(lat=13.45 + 0.6)                               # ~67 km: beyond precision 1 and 2, within 3
    assert len(ingest_all(store, [report(1), report(2, precision=3, **near)])) == 1


def test_fatalities_conflict_keeps_both_values_and_the_lowest(store):
    events = ingest_all(store, [report(1, fatalities=12), report(2, fatalities=7), report(3, fatalities=12)])
    assert len(events) == 1
    event = events[0]
    assert event["fatalities"] == 7 and event["provenance"]["fatalities"] == "doc2"
    conflict = next(c for c in event["conflicts"] if c["field"] == "fatalities")
    assert sorted((v["document_id"], v["value"]) for v in conflict["values"]) == [("doc1", 12), ("doc2", 7), ("doc3", 12)]


def test_rebuild_is_deterministic_and_keeps_ids(store):
    pairs = [report(1, fatalities=2), report(2, fatalities=2, lat=13.5), report(3, lat=15.2), report(4, day=DAY + dt.timedelta(days=9))]
    before = ingest_all(store, pairs)                           # in sort order: ingest already gives the rebuild
    assert store.merge(rebuild=True) == 3
    after = store.events(EventFilter(), limit=100)[0]
    assert store.merge(rebuild=True) == 3
    assert store.events(EventFilter(), limit=100)[0] == after
    assert sorted(after, key=lambda e: e["id"]) == sorted(before, key=lambda e: e["id"])


def second_store_url(store_url: str, request, tmp_path) -> str:
    """Another empty database on the same backend as store_url."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    from postgres import fresh_postgres_database

    return fresh_postgres_database(request.getfixturevalue("postgres_server"))


def crowded_reports() -> list[tuple[Document, Extraction]]:
    """Articles on overlapping incidents around one town: shared coordinates (score ties), two events
    of one article at one spot, known and unknown perpetrators, neighbouring days, coarse places."""
    two_at_one_spot = report(1)
    attack = two_at_one_spot[1].events[0]
    abduction = attack.model_copy(update={"id": "e1", "sub_event_type": "Abduction/forced disappearance"})
    pairs = [(two_at_one_spot[0], two_at_one_spot[1].model_copy(update={"events": [attack, abduction]}))]
    jnim, issp = actor("jnim", "JNIM"), actor("is_sahel", "Islamic State Sahel Province")
    variants = [dict(), dict(actor1=jnim), dict(actor1=issp), dict(lat=13.55), dict(lat=13.7, precision=2),
                dict(day=DAY + dt.timedelta(days=1)), dict(day=DAY + dt.timedelta(days=2), actor1=jnim),
                dict(lat=14.1, precision=3), dict(fatalities=4), dict(fatalities=9, actor1=jnim),
                dict(event_type="Battles", sub="Armed clash", actor1=jnim), dict(lat=13.45, lon=-2.0)]
    for n, variant in enumerate(variants, start=2):
        pairs.append(report(n, **variant))
    return pairs


def stored_events(store) -> list[dict]:
    events, total = store.events(EventFilter(), limit=1000, sort="id", descending=False)
    assert total == len(events)
    return events


def test_events_and_ids_do_not_depend_on_the_ingest_order(store, store_url, request, tmp_path):
    pairs = sorted(crowded_reports(), key=lambda pair: sort_key(pair[0].published, pair[0].id, 0))
    ingest_all(store, pairs)                                  # sort order (publication day, then id)
    in_order = stored_events(store)
    other = open_store(second_store_url(store_url, request, tmp_path))
    try:
        for doc, extraction in pairs[::-1]:                   # every document before those already stored
            other.ingest(doc, extraction)
        assert other.out_of_order == 0                        # all replayed: few enough
        assert stored_events(other) == in_order               # ids, report lists, every field
        assert other.merge(rebuild=True) == store.merge(rebuild=True) == len(in_order)
        assert stored_events(store) == stored_events(other) == in_order   # ingest already gave the rebuild
        assert other.merge(rebuild=True) == len(in_order) and stored_events(other) == in_order   # re-runnable
    finally:
        other.close()


def test_an_updated_article_leaves_the_events_a_rebuild_gives(store):
    pairs = sorted(crowded_reports(), key=lambda pair: sort_key(pair[0].published, pair[0].id, 0))
    ingest_all(store, pairs)
    doc, extraction = pairs[0]                                 # the first in sort order: every event after it may change
    moved = extraction.events[0].model_copy(update={"location": extraction.events[0].location.model_copy(
        update={"lat": 13.9, "precision": 2})})
    assert store.ingest(doc.model_copy(update={"text": doc.text + " Updated."}),
                        extraction.model_copy(update={"events": [moved]})) == "updated"
    updated = stored_events(store)
    store.merge(rebuild=True)
    assert stored_events(store) == updated


def test_a_document_before_too_many_stored_reports_is_merged_as_if_last_until_a_rebuild(store, store_url, request,
                                                                                       tmp_path, monkeypatch):
    from conflictlens.store import repository

    monkeypatch.setattr(repository, "REPLAY_LIMIT", 2)       # the bound on the work one ingest redoes
    pairs = sorted(crowded_reports(), key=lambda pair: sort_key(pair[0].published, pair[0].id, 0))
    ingest_all(store, pairs[::-1])
    assert store.out_of_order > 0
    store.merge(rebuild=True)
    with open_store(second_store_url(store_url, request, tmp_path)) as other:
        ingest_all(other, pairs)
        assert other.out_of_order == 0 and stored_events(other) == stored_events(store)


def test_sqlite_and_postgresql_merge_alike(postgres_server, tmp_path):
    from postgres import fresh_postgres_database

    pairs = crowded_reports()
    results = []
    for url in (f"sqlite:///{tmp_path / 'alike.db'}", fresh_postgres_database(postgres_server)):
        with open_store(url) as s:
            ingest_all(s, pairs[::-1])
            s.merge(rebuild=True)
            results.append(stored_events(s))
    assert results[0] == results[1]


def test_candidates_reach_the_edge_of_the_merging_radius(store):
    from conflictlens.store.merge import RADIUS_KM, distance_km

    # due east at 50 degrees north: a longitude box sized for 111.32 km per degree and PostGIS's default
    # (spheroid) distance both lose a report the rules (haversine) put inside the 150 km radius
    east = 36.0 + 2.0965
    assert RADIUS_KM[3] - 0.5 < distance_km(50.0, 36.0, 50.0, east) < RADIUS_KM[3]
    events = ingest_all(store, [report(1, lat=50.0, lon=36.0, precision=3, name="Kupiansk"),
                                report(2, lat=50.0, lon=east, precision=3, name="Kupiansk")])
    assert len(events) == 1 and events[0]["n_sources"] == 2


def test_candidate_search_uses_the_spatial_index(store):
    if store.dialect == "sqlite":
        query = ("EXPLAIN QUERY PLAN SELECT pk FROM event_rtree WHERE lat1 >= 1 AND lat0 <= 2 AND lon1 >= 1 "
                 "AND lon0 <= 2 AND day1 >= 2460000 AND day0 <= 2460010")
        expected = "VIRTUAL TABLE INDEX"
    else:
        query = ("EXPLAIN SELECT pk FROM events WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(13.4, 11.6), 4326)"
                 "::geography, 150000)")
        expected = "ix_events_geog"
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))   # an empty table would be scanned; can the index serve?
        plan = " ".join(str(row[-1]) for row in conn.execute(text(query)))
    assert expected in plan, plan


def test_the_two_sides_of_a_merged_event_are_never_the_same_actor():
    from conflictlens.kb import get_kb
    from conflictlens.store.merge import Report, compose

    jnim, farmers = actor("jnim", "JNIM"), actor("farmers", "Farmers", kind="civilians")
    first = report(1, actor1=jnim)[1].events[0].model_dump(mode="json")
    swapped = report(2, actor1=farmers)[1].events[0].model_copy(update={"actor2": jnim}).model_dump(mode="json")
    merged = compose([Report("doc1", 0, first, DAY), Report("doc2", 0, swapped, DAY)], get_kb())
    assert merged["actor1"]["kb_id"] != (merged["actor2"] or {}).get("kb_id")


@pytest.mark.parametrize("lat, lon", [(0.0, 10.0), (50.0, 36.0), (75.0, 20.0), (-60.0, -70.0), (12.0, 179.5)])
def test_the_index_box_holds_every_point_the_merging_radius_holds(lat, lon):
    import math

    from conflictlens.store.filters import near_bounds
    from conflictlens.geo.records import EARTH_RADIUS_KM
    from conflictlens.store.merge import MAX_RADIUS_KM, distance_km

    south, north, west, east = near_bounds(lat, lon, MAX_RADIUS_KM)
    angle, p1, l1 = (MAX_RADIUS_KM - 0.01) / EARTH_RADIUS_KM, math.radians(lat), math.radians(lon)
    for degrees in range(0, 360, 5):                           # points on the circle, every 5 degrees of bearing
        bearing = math.radians(degrees)
        p2 = math.asin(math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(bearing))
        l2 = l1 + math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(p1),
                             math.cos(angle) - math.sin(p1) * math.sin(p2))
        lat2, lon2 = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
        assert distance_km(lat, lon, lat2, lon2) < MAX_RADIUS_KM
        assert south <= lat2 <= north and west <= lon2 <= east, (degrees, lat2, lon2)
