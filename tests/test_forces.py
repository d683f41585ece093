"""The forces component: bare "troops"/"riot police" linked to the forces of the country named around them."""

import pytest

from conflictlens.model import Document
from conflictlens.nlp.build import Extractor


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def actors(extractor, text):
    extraction = extractor.extract(Document(id="t", text=text))
    return [(m.text, m.kb_id) for m in extraction.mentions if m.kind == "actor"]


def test_bare_troops_take_the_country_of_the_place_in_the_sentence(extractor):
    found = actors(extractor, "Troops stormed a village near Gao in northern Mali on Sunday.")
    assert ("Troops", "military_ml") in found


def test_police_phrase_and_country_from_a_later_place(extractor):
    found = actors(extractor, "Riot police fired tear gas at students marching through Nairobi.")
    assert ("Riot police", "police_ke") in found


def test_country_comes_from_the_document_when_the_sentence_names_none(extractor):
    text = ("Gunmen attacked a market in Maiduguri on Friday.\n\n"
            "Government soldiers later returned fire, a resident said.")
    assert ("Government soldiers", "military_ng") in actors(extractor, text)


def test_someone_elses_troops_and_roles_are_not_state_forces(extractor):
    text = ("Rebel troops and Wagner soldiers entered Bambari, while a police spokesman in Bangui said "
            "the group's soldiers had left.")
    linked = {kb_id for _, kb_id in actors(extractor, text)}
    assert not {"military_cf", "police_cf"} & linked


def test_nothing_is_linked_without_any_country(extractor):
    assert not [kb for text, kb in actors(extractor, "Soldiers fired on the crowd.") if text == "Soldiers"]


def test_demonym_forces_stay_with_the_actors_component(extractor):
    found = actors(extractor, "Iraqi troops and police patrolled Mosul.")
    assert ("Iraqi troops", "military_iq") in found


def test_bare_soldiers_refer_back_to_the_forces_named_before_them(extractor):
    text = ("Israeli forces raided the Jenin refugee camp in the occupied West Bank on Monday.\n\n"
            "Gunmen exchanged fire with soldiers from rooftops in Jenin, witnesses said.")
    assert ("soldiers", "military_il") in actors(extractor, text)


def test_forces_named_long_before_do_not_decide(extractor):
    text = ("US troops left the base in 2021. " + "The town was quiet for years afterwards. " * 40 +
            "On Monday soldiers clashed with gunmen near Gao in Mali.")
    assert ("soldiers", "military_ml") in actors(extractor, text)
