"""The event store on SQLite and on PostgreSQL/PostGIS, fed by the real pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conflictlens.ingest import read_records
from conflictlens.model import Document
from conflictlens.store import EventFilter, open_store

DATA = Path(__file__).parent / "data" / "store"


def documents(name: str) -> list[Document]:
    found = list(read_records(DATA / name))
    assert all(isinstance(d, Document) for d in found), found
    return found


def ingest(store, extractor, docs: list[Document]) -> list[str]:
    return [store.ingest(doc, extractor.extract(doc)) for doc in docs]


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_reingesting_the_same_documents_changes_nothing(store, extractor):
    docs = documents("konduga-three-outlets.jsonl")
    assert ingest(store, extractor, docs) == ["new", "new", "new"]
    before = store.counts()
    first_events = store.events(EventFilter(), limit=1000)
    assert before["documents"] == 3 and before["reports"] >= 3 and before["mentions"] > 0
    assert ingest(store, extractor, docs) == ["unchanged"] * 3
    # same text under another URL is the same document too
    copy = docs[0].model_copy(update={"url": "https://mirror.example/copy", "id": "mirror-copy"})
    assert ingest(store, extractor, [copy]) == ["unchanged"]
    assert store.counts() == before
    assert store.events(EventFilter(), limit=1000) == first_events


def test_updated_article_replaces_its_old_extraction(store, extractor):
    url = "https://sahel-courier.example/2024/04/maiduguri-blast"
    first = Document(id="blast", url=url, published=dt.date(2024, 4, 10), title="Blast in Maiduguri",
                     text="A bomb exploded at a market in Maiduguri, Borno State, on Tuesday, killing two people, police said.")
    second = first.model_copy(update={"text": "A bomb exploded at a market in Maiduguri, Borno State, on Tuesday, "
                                              "killing seven people, police said on Wednesday."})
    assert ingest(store, extractor, [first]) == ["new"]
    old = store.document("blast")
    assert ingest(store, extractor, [second]) == ["updated"]
    new = store.document("blast")
    assert new["text"] == second.text and old["text"] == first.text
    assert store.counts()["documents"] == 1
    events, total = store.events(EventFilter())
    assert total == len(new["events"]) >= 1
    assert [e["fatalities"] for e in events] == [7]
    assert all(r["document_id"] == "blast" for e in events for r in e["reports"])
    assert len(events[0]["reports"]) == 1                       # the old report is gone, not merged alongside


def test_three_outlets_on_one_attack_make_one_event_with_three_sources(store, extractor):
    docs = documents("konduga-three-outlets.jsonl")
    ingest(store, extractor, docs)
    events, total = store.events(EventFilter(country="NG"))
    assert total == 1, [(e["event_type"], e["location"]) for e in events]
    event = events[0]
    assert event["n_sources"] == 3
    assert {r["document_id"] for r in event["reports"]} == {d.id for d in docs}
    assert {r["outlet"] for r in event["reports"]} == {"Sahel Courier", "Lake Chad Today", "West Africa Wire"}
    assert event["location"]["name"] == "Konduga" and event["date"]["date"] == "2024-03-04"
    ids = {d.id for d in docs}
    assert {"event_type", "location", "date"} <= set(event["provenance"]) and set(event["provenance"].values()) <= ids
    # the outlets disagree on the toll: kept side by side, flagged, the conservative figure chosen
    conflict = next(c for c in event["conflicts"] if c["field"] == "fatalities")
    values = {v["document_id"]: v["value"] for v in conflict["values"]}
    assert len(set(values.values())) > 1 and event["fatalities"] == min(values.values())
    assert values[event["provenance"]["fatalities"]] == event["fatalities"]
    assert store.document(docs[1].id)["events"] == [event["id"]]
    # a rebuild from scratch gives the same event, same id
    assert store.merge(rebuild=True) == 1
    assert store.events(EventFilter())[0] == events


def test_filters_near_country_since_until_type(store, extractor):
    ingest(store, extractor, documents("konduga-three-outlets.jsonl") + documents("elsewhere.jsonl"))
    every, total = store.events(EventFilter(), limit=100)
    assert total >= 3
    countries = {e["location"]["country"] for e in every if e["location"]}
    assert {"NG", "ML", "UA"} <= countries
    near = store.events(EventFilter(near=(11.70, 13.40, 30)))[0]          # 30 km around Konduga
    assert [e["location"]["name"] for e in near] == ["Konduga"]
    assert store.events(EventFilter(near=(11.70, 13.40, 1)))[1] == 0         # nothing within 1 km of that point
    mali = store.events(EventFilter(country="ML"))[0]
    assert mali and all(e["location"]["country"] == "ML" for e in mali)
    assert store.events(EventFilter(country="ml"))[1] == len(mali)
    since = store.events(EventFilter(since=dt.date(2024, 3, 5)))[0]
    assert since and all(e["date"]["date"] >= "2024-03-05" for e in since)
    until = store.events(EventFilter(until=dt.date(2024, 3, 4)))[0]
    assert until and all(e["date"]["date"] <= "2024-03-04" for e in until)
    assert len(since) + len(until) == total
    window = store.events(EventFilter(since=dt.date(2024, 3, 4), until=dt.date(2024, 3, 4)))[0]
    assert [e["location"]["name"] for e in window] == ["Konduga"]
    by_type = store.events(EventFilter(event_type="Violence against civilians"))[0]
    assert by_type and all(e["event_type"] == "Violence against civilians" for e in by_type)
    in_box = store.events(EventFilter(bbox=(-6.0, 10.0, 4.5, 25.0)))[0]      # west, south, east, north: Mali
    assert in_box and {e["location"]["country"] for e in in_box} == {"ML"}
    assert [e["location"]["name"] for e in store.events(EventFilter(text="konduga"))[0]] == ["Konduga"]
    stats = store.stats(EventFilter())
    assert stats["total"] == total and sum(stats["by_type"].values()) == total
    assert sum(stats["by_week"].values()) == total and stats["by_country"]["NG"] >= 1


def test_umbrella_and_member_queries_follow_the_knowledge_base_on_the_event_date(store, extractor):
    ingest(store, extractor, documents("sahel-jnim.jsonl"))
    member_event = store.events(EventFilter(actor="katiba_macina"))[0]
    assert len(member_event) == 2                               # one in 2016, one in 2023
    assert store.events(EventFilter(actor="Katiba Macina"))[1] == 2   # by name too
    # JNIM (formed 2 March 2017) includes Katiba Macina's 2023 attack, not its 2016 one
    assert store.events(EventFilter(actor="jnim"))[1] == 1
    with_members = store.events(EventFilter(actor="jnim", include_members=True))[0]
    days = sorted(e["date"]["date"] for e in with_members)
    assert len(days) == 2 and all(day >= "2017-03-02" for day in days)
    # a member query with --include-members finds the umbrella's own claim
    member_and_umbrella = store.events(EventFilter(actor="katiba_macina", include_members=True))[1]
    assert member_and_umbrella == 3
    stats = store.stats(EventFilter(actor="jnim", include_members=True))
    assert stats["total"] == 2 and sum(stats["by_week"].values()) == 2 and "Katiba Macina" in stats["by_actor"]
