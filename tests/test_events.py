"""The events component through the real pipeline, on short texts written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from conflictlens.model import Document
from conflictlens.taxonomy import is_valid, plover_for

PUBLISHED = dt.date(2024, 3, 14)  # a Thursday


def events_of(extractor, text: str, published: dt.date | None = PUBLISHED):
    return extractor.extract(Document(id="t", text=text, published=published)).events


def only(events):
    assert len(events) == 1, [(e.sub_event_type, e.trigger.text) for e in events]
    return events[0]


# ---- the six ACLED event types
@pytest.mark.parametrize("text, event_type, sub_event_type", [
    ("Fighters of Hayat Tahrir al-Sham clashed with government troops near Saraqib on Tuesday.",
     "Battles", "Armed clash"),
    ("A roadside bomb struck an army patrol near Tikrit on Monday, killing two soldiers, officials said.",
     "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Gunmen abducted nine villagers from a farm near Katsina on Sunday night, police said.",
     "Violence against civilians", "Abduction/forced disappearance"),
    ("Hundreds of teachers staged a peaceful protest outside the ministry in Nairobi on Wednesday.",
     "Protests", "Peaceful protest"),
    ("A mob lynched a man accused of theft in a market in Kano on Tuesday, residents said.",
     "Riots", "Mob violence"),
    ("Police arrested twelve members of the opposition in Dhaka on Monday, a spokesman said.",
     "Strategic developments", "Arrests"),
])
def test_each_event_type_is_found(extractor, text, event_type, sub_event_type):
    event = only(events_of(extractor, text))
    assert (event.event_type, event.sub_event_type) == (event_type, sub_event_type)
    assert is_valid(event.event_type, event.sub_event_type)
    assert event.plover == plover_for(sub_event_type)
    assert event.trigger.text in text and text[event.trigger.start:event.trigger.end] == event.trigger.text
    assert event.evidence.start <= event.trigger.start < event.evidence.end
    assert 0 < event.confidence <= 1


def test_event_id_is_stable_and_names_the_trigger_offset(extractor):
    text = "Russian artillery shelled Kherson on Monday, killing three civilians, the governor said."
    first, second = only(events_of(extractor, text)), only(events_of(extractor, text))
    assert first.id == second.id and first.id.endswith(f"-{first.trigger.start}")


# ---- roles
def test_active_subject_and_object(extractor):
    event = only(events_of(extractor, "Al-Shabaab fighters attacked a Somali army base near Baidoa on Sunday."))
    assert event.event_type == "Battles"
    assert "Shabaab" in event.actor1.name and event.actor1.kind != "unidentified"
    assert event.actor2.name == "Military Forces of Somalia"


def test_passive_voice_puts_the_agent_first(extractor):
    event = only(events_of(extractor, "A police convoy was ambushed by Boko Haram near Bama on Friday, officials said."))
    assert event.sub_event_type == "Armed clash"
    assert event.actor1.kb_id == "boko_haram"
    assert event.actor2.name == "Police Forces of Nigeria"


def test_nominal_event_with_demonym_and_target(extractor):
    event = only(events_of(extractor, "A Turkish drone strike on a car near Kobani killed two fighters of the "
                                      "Syrian Democratic Forces on Sunday."))
    assert event.sub_event_type == "Air/drone strike"
    assert event.actor1.name == "Military Forces of Turkey"
    assert event.actor2.kb_id == "sdf"
    assert event.fatalities == 2


def test_unidentified_perpetrator_is_no_guess(extractor):
    event = only(events_of(extractor, "A grenade thrown into a crowded cafe in Mogadishu wounded seven people on Tuesday."))
    assert event.sub_event_type == "Grenade"
    assert event.actor1.kind == "unidentified"
    assert event.actor1.name == "Unidentified Armed Group (Somalia)"
    assert event.fatalities is None  # nobody is said to have died; the wounded are not counted


def test_civilian_target_is_named_with_the_country(extractor):
    event = only(events_of(extractor, "Gunmen shot dead four farmers near Jos on Saturday, police said."))
    assert event.sub_event_type == "Attack"
    assert event.actor2.name == "Civilians (Nigeria)" and event.actor2.kind == "civilians"
    assert [a.name for a in event.assoc_actor2] == ["Farmers (Nigeria)"]  # ACLED: the group as associated actor
    assert event.fatalities == 4


# ---- claims
def test_umbrella_claim_makes_the_umbrella_actor1(extractor):
    text = ("A drone struck a US base near Erbil on Monday night, Iraqi officials said. "
            "The Islamic Resistance in Iraq claimed responsibility for the attack.")
    event = only(events_of(extractor, text))
    assert event.claimed_by.kb_id == "islamic_resistance_in_iraq"
    assert event.actor1.kb_id == "islamic_resistance_in_iraq" and event.actor1.kind == "umbrella"


def test_denial_is_no_claim(extractor):
    text = ("A car bomb exploded near a checkpoint in Kabul on Sunday, killing three people. "
            "The Taliban denied carrying out the bombing.")
    event = only(events_of(extractor, text))
    assert event.claimed_by is None
    assert event.actor1.kind == "unidentified"
    assert event.fatalities == 3


# ---- what is not an event
@pytest.mark.parametrize("text", [
    "Hezbollah threatened to attack Israeli positions if the shelling continued.",
    "The militia vowed to strike American bases across the region.",
    "Commanders said they were preparing a new round of attacks against the army.",
    "No clashes were reported in the city on Tuesday.",
])
def test_threats_hypotheticals_and_negations_are_no_events(extractor, text):
    assert events_of(extractor, text) == []


@pytest.mark.parametrize("text", [
    "Militants have carried out 106 attacks on army posts in the province since January.",
    "Government forces were attacked 140 times since October 17, a monitor said.",
])
def test_aggregates_are_no_events(extractor, text):
    assert events_of(extractor, text) == []


# ---- several events, one event
def test_several_events_in_one_sentence(extractor):
    text = ("On Monday, insurgents looted shops in Mocimboa da Praia and abducted five traders near Palma, "
            "residents said.")
    subs = {e.sub_event_type for e in events_of(extractor, text)}
    assert {"Looting/property destruction", "Abduction/forced disappearance"} <= subs


def test_one_incident_told_twice_is_one_event(extractor):
    text = ("A suicide bomber blew himself up at a mosque in Peshawar on Friday, killing 15 worshippers, police said.\n\n"
            "The attack was the deadliest in the city this year. The Islamic State claimed the bombing on Saturday.")
    event = only(events_of(extractor, text))
    assert event.sub_event_type == "Suicide bomb"
    assert event.fatalities == 15
    assert event.claimed_by.kb_id == "islamic_state"


# ---- fatalities
@pytest.mark.parametrize("text, expected", [
    ("Militants ambushed an army convoy near Menaka on Monday, killing twelve soldiers.", 12),
    ("Nine soldiers were killed and 14 wounded when militants ambushed a convoy near Menaka on Monday.", 9),
    ("Militants ambushed an army convoy near Menaka on Monday; no one was hurt, the army said.", 0),
    ("A Russian missile strike hit a school in Kharkiv on Monday, wounding 23 people.", None),
])
def test_fatalities_in_words_and_digits(extractor, text, expected):
    assert only(events_of(extractor, text)).fatalities == expected


# ---- place and date
def test_location_is_the_event_place_not_the_dateline(extractor):
    text = "BAGHDAD (Test Wire) – A roadside bomb hit a patrol near Tarmiyah on Tuesday, killing two soldiers."
    event = only(events_of(extractor, text))
    assert event.location.text == "Tarmiyah" and event.location.country == "IQ"
    assert abs(event.location.lat - 33.67) < 0.1 and abs(event.location.lon - 44.39) < 0.1
    assert event.location.precision == 2 and event.location.relation == "near"


def test_report_date_bounds_the_event_from_above(extractor):
    text = "A local journalist reported Wednesday that gunmen attacked a police station in Jamundi."
    event = only(events_of(extractor, text))
    assert event.date.latest == dt.date(2024, 3, 13)
    assert event.date.earliest is None and event.date.precision == "range"


def test_no_time_expression_falls_back_to_publication(extractor):
    event = only(events_of(extractor, "Gunmen abducted a priest near Enugu, the diocese said."))
    assert event.date.latest == PUBLISHED and event.date.earliest is None and event.date.precision == "range"


def test_event_day_from_the_sentence(extractor):
    event = only(events_of(extractor, "Israeli shelling destroyed two houses in Kfar Kila on Tuesday."))
    assert event.date.earliest == event.date.latest == dt.date(2024, 3, 12)
    assert event.actor1.name == "Military Forces of Israel"


def test_attribution_chain_is_carried(extractor):
    text = "Houthi forces fired a missile at a tanker off Hodeidah on Monday, two port officials told Reuters."
    event = only(events_of(extractor, text))
    assert [s.name for s in event.attribution][:1] == ["Reuters"] and len(event.attribution) == 2


def test_defender_subject_makes_the_attacker_actor1(extractor):
    event = only(events_of(extractor, "Ukrainian troops repelled 40 Russian assaults near Toretsk on Tuesday, the army said."))
    assert event.sub_event_type == "Armed clash"
    assert event.actor1.name == "Military Forces of Russia"
    assert event.actor2.name == "Military Forces of Ukraine"


def test_police_breaking_up_a_protest_is_one_event(extractor):
    text = ("Several thousand students marched to the parliament in Accra on Monday. "
            "Riot police fired tear gas to disperse the crowd.")
    event = only(events_of(extractor, text))
    assert event.sub_event_type == "Protest with intervention"
    assert event.actor1.name == "Protesters (Ghana)"
    assert event.actor2.name == "Police Forces of Ghana"


def test_place_in_a_relative_clause_is_not_the_event_place(extractor):
    text = ("Gunmen shot dead six traders near Gao on Monday, two survivors who fled to Bamako told reporters.")
    event = only(events_of(extractor, text))
    assert event.location.text == "Gao"


def test_residents_attacking_is_mob_violence(extractor):
    event = only(events_of(extractor, "In Sfax, a group of residents armed with sticks attacked migrants on Sunday night."))
    assert event.sub_event_type == "Mob violence"
    assert event.actor1.name == "Rioters (Tunisia)"


def test_coordinated_perpetrators_give_associated_actors(extractor):
    event = only(events_of(extractor, "US and British warplanes struck radar sites near Hodeidah on Sunday, the ministry said."))
    assert event.actor1.name == "Military Forces of the United States"
    assert [a.name for a in event.assoc_actor1] == ["Military Forces of the United Kingdom"]
