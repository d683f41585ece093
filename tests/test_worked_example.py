"""The worked example of ../shared/examples: every actor, place, time and source it names is linked.

The article belongs to its publisher, so it is not copied into the project: the test reads it
from shared/ beside the checkout (where CI has it) and skips when it is absent.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from conflictlens.ingest import read_path

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "golan-erbil-article.txt"
PUBLISHED = dt.date(2023, 12, 28)

pytestmark = pytest.mark.skipif(not EXAMPLE.exists(), reason="shared/examples not beside this checkout")


@pytest.fixture(scope="module")
def extraction(extractor):
    document = next(read_path(EXAMPLE)).model_copy(update={"published": PUBLISHED})
    return extractor.extract(document)


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def mentions(extraction, kind):
    return [m for m in extraction.mentions if m.kind == kind]


@pytest.mark.parametrize("kb_id", [
    "islamic_resistance_in_iraq", "kataib_hezbollah", "harakat_hezbollah_al_nujaba",
    "kataib_sayyid_al_shuhada", "ansar_allah_al_awfiya", "irgc", "hamas",
])
def test_named_groups_are_linked(extraction, kb_id):
    assert kb_id in {m.kb_id for m in mentions(extraction, "actor")}


def test_state_forces_and_states_are_linked(extraction):
    ids = {m.kb_id for m in mentions(extraction, "actor")}
    assert "military_us" in ids          # "American forces"
    assert "intl_coalition_oir" in ids   # "coalition forces"
    assert "state_il" in ids             # "by Israel"


def test_office_holder_is_a_person_mention(extraction):
    persons = [m for m in mentions(extraction, "person") if "Kadhimi" in m.text]
    assert persons and all(m.kb_id for m in persons)


@pytest.mark.parametrize("name,lat,lon", [
    ("Golan Heights", 33.0, 35.75), ("Eilat", 29.56, 34.95), ("Erbil", 36.19, 44.01),
    ("Damascus", 33.51, 36.28), ("Pik", 32.80, 35.71),
])
def test_places_resolve_near_their_true_coordinates(extraction, name, lat, lon):
    found = [m for m in mentions(extraction, "place") if name in m.text]
    assert found, f"{name} not found"
    assert min(km(m.location.lat, m.location.lon, lat, lon) for m in found) < 25


def test_relative_place_keeps_relation_and_precision(extraction):
    eliad = [m for m in mentions(extraction, "place") if "Eliad" in m.text]
    assert eliad and eliad[0].location.precision == 2 and eliad[0].location.relation == "south of"


@pytest.mark.parametrize("text,earliest,latest", [
    ("Thursday", "2023-12-28", "2023-12-28"),
    ("Wednesday", "2023-12-27", "2023-12-27"),
    ("Tuesday", "2023-12-26", "2023-12-26"),
    ("last October", "2023-10-01", "2023-10-31"),
    ("since October 17", "2023-10-17", "2023-12-28"),
])
def test_time_expressions_resolve_against_publication(extraction, text, earliest, latest):
    found = [m.when for m in mentions(extraction, "time") if text in m.text]
    assert found, f"{text} not found"
    assert any(str(w.earliest) == earliest and str(w.latest) == latest for w in found)


def test_vague_times_are_low_precision_ranges(extraction):
    vague = [m.when for m in mentions(extraction, "time") if "recent" in m.text.lower()]
    assert vague and all(w.precision == "range" and w.earliest < w.latest for w in vague)


@pytest.mark.parametrize("fragment,kind", [
    ("Lebanese journalist", "journalist"), ("Al-Araby Al-Jadeed", "outlet"), ("Al-Miyadin", "outlet"),
    ("Pentagon official", "official"), ("sources close to", "anonymous"), ("prime minister", "official"),
])
def test_sources_are_found_with_their_kind(extraction, fragment, kind, extractor):
    texts = [m for m in mentions(extraction, "source") if fragment.lower() in m.text.lower()]
    assert texts, f"no source mention containing {fragment!r}"


# --- events, tally, statements, relations and the flag that expected.md describes ----------------------

def events_near(extraction, lat, lon, km_max=25):
    return [e for e in extraction.events if e.location and km(e.location.lat, e.location.lon, lat, lon) <= km_max]


@pytest.mark.parametrize("place,lat,lon", [("Pik airfield", 32.80, 35.71), ("Eilat", 29.56, 34.95),
                                           ("Erbil", 36.19, 44.01)])
def test_the_groups_attacks_are_remote_violence_by_the_umbrella(extraction, place, lat, lon):
    found = events_near(extraction, lat, lon)
    assert found, f"no event at {place}"
    for event in found:
        assert event.event_type == "Explosions/Remote violence"
        assert event.actor1 is not None and event.actor1.kb_id == "islamic_resistance_in_iraq"


def test_the_erbil_drone_attack_is_claimed_on_wednesday(extraction):
    drone = [e for e in events_near(extraction, 36.19, 44.01) if e.sub_event_type == "Air/drone strike"]
    assert len(drone) == 1
    event = drone[0]
    assert event.claimed_by is not None and event.claimed_by.kb_id == "islamic_resistance_in_iraq"
    assert event.actor2 is not None and event.actor2.kb_id == "military_us"
    assert event.date.latest == dt.date(2023, 12, 27)


def test_the_damascus_killing_is_an_israeli_strike(extraction):
    (event,) = events_near(extraction, 33.51, 36.28)
    assert event.actor1 is not None and event.actor1.kb_id in ("state_il", "military_il")
    assert event.actor2 is not None and event.actor2.kb_id == "irgc"


def test_the_pik_attack_is_dated_by_the_report_and_attributed_to_the_journalist(extraction):
    (event,) = events_near(extraction, 32.80, 35.71, km_max=5)
    assert event.date.latest == PUBLISHED and event.date.date is None
    assert [s.kind for s in event.attribution] == ["journalist"]


def test_the_aggregate_is_a_tally_not_events(extraction):
    (tally,) = [t for t in extraction.tallies if t.count == 106]
    assert tally.since.earliest == dt.date(2023, 10, 17) and tally.as_of.latest == dt.date(2023, 12, 27)
    assert {w.country for w in tally.where} == {"IQ", "SY"}
    assert [s.kb_id for s in tally.attribution][0] == "al_mayadeen"
    assert len(extraction.events) <= 6


def test_the_threat_and_the_stalled_talks_are_statements(extraction):
    kinds = {(s.kind, getattr(s.speaker, "kb_id", None)) for s in extraction.statements}
    assert ("threat", "kataib_hezbollah") in kinds
    assert any(kind == "negotiation" for kind, _ in kinds)


def test_the_umbrella_its_five_members_its_founding_and_its_backer(extraction):
    members = {r.subject.kb_id for r in extraction.relations
               if r.predicate == "member_of" and r.object.kb_id == "islamic_resistance_in_iraq"}
    assert members == {"kataib_hezbollah", "harakat_hezbollah_al_nujaba", "kataib_sayyid_al_shuhada",
                       "ansar_allah_al_awfiya", "kataib_al_imam_ali"}
    formed = [r for r in extraction.relations if r.predicate == "formed"]
    assert formed and formed[0].date.earliest == dt.date(2023, 10, 1) and formed[0].date.latest == dt.date(2023, 10, 31)
    assert any(r.predicate == "backed_by" and r.object.kb_id == "state_ir" for r in extraction.relations)


def test_the_wrong_prime_minister_is_flagged(extraction):
    (flag,) = extraction.flags
    assert flag.kind == "office_holder" and "Kadhimi" in flag.evidence.text and "al-Sudani" in flag.message
