"""Merging rules, unit by unit, on hand-built extractions (the only place they are hand-built)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from conflictlens.model import Actor, Document, Event, Extraction, Location, Span, When
from conflictlens.store import EventFilter, open_store

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
    before = ingest_all(store, reversed(pairs))                 # ingest order differs from sort order
    assert store.merge(rebuild=True) == 3
    after = store.events(EventFilter(), limit=100)[0]
    assert store.merge(rebuild=True) == 3
    assert store.events(EventFilter(), limit=100)[0] == after
    assert {e["id"] for e in after} == {e["id"] for e in before}


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
