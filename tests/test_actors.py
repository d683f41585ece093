"""The actors component on sentences written for these tests: spans, KB ids, demonyms, negatives,
case-sensitive acronyms, spelling variants and overlaps."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
import yaml

from conflictlens.kb import load_kb
from conflictlens.model import Document
from conflictlens.nlp.actors import ActorRecognizer, build_tables, lookup_demonym
from conflictlens.nlp.assemble import mentions_from_doc


@pytest.fixture(scope="module")
def nlp():
    """Sentences and the actors component alone, so these tests read only this component's work
    (test_mentions_reach_the_output_contract runs the whole pipeline)."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("conflictlens_actors")
    return pipeline


def actors(nlp, text: str) -> list[tuple[str, str]]:
    """(text, kb_id) of every actor span, in order."""
    doc = nlp(text)
    return [(s.text, s._.actor.kb_id) for s in doc.spans["actors"]]


def ids(nlp, text: str) -> set[str]:
    return {kb_id for _, kb_id in actors(nlp, text)}


# --- demonyms and state forces -------------------------------------------------------------------

def test_demonym_with_force_noun_is_that_states_forces(nlp):
    found = actors(nlp, "US forces handed the airbase to Iraqi security forces on Sunday, while Russian "
                        "troops massed near the border and Ukrainian police officers evacuated the town.")
    assert ("US forces", "military_us") in found
    assert ("Iraqi security forces", "military_iq") in found
    assert ("Russian troops", "military_ru") in found
    assert ("Ukrainian police officers", "police_ua") in found


def test_a_knowledge_base_name_beats_a_demonym_phrase_of_the_same_words(nlp):
    assert ("Libyan National Army", "libyan_national_army") in actors(nlp, "The Libyan National Army shelled Tajura.")
    assert ("Libyan troops", "military_ly") in actors(nlp, "Libyan troops shelled Tajura.")


def test_modifiers_possessives_and_government(nlp):
    found = actors(nlp, "Israeli ground troops entered the camp after Israel's army shelled it; the Syrian "
                        "government condemned the raid and Iraqi federal police closed the crossing.")
    assert ("Israeli ground troops", "military_il") in found
    assert ("Israel's army", "military_il") in found
    assert ("Syrian government", "government_sy") in found
    assert ("Iraqi federal police", "police_iq") in found


def test_bare_plural_demonym_is_the_state(nlp):
    found = actors(nlp, "The Israelis said they had warned the Americans, and the British declined to comment.")
    assert ("Israelis", "state_il") in found
    assert ("Americans", "state_us") in found
    assert ("British", "state_gb") in found


def test_demonym_modifying_something_else_is_no_actor(nlp):
    text = ("The Iraqi prime minister told a Lebanese journalist and a Qatari newspaper that the Turkish "
            "embassy would stay open.")
    assert actors(nlp, text) == []
    found = ids(nlp, "Ukrainian drones struck a depot, and the Iraqi military spokesman said US officials knew.")
    assert not {"military_ua", "state_ua", "military_iq", "state_us", "military_us"} & found


def test_counted_people_and_stances_are_not_the_state(nlp):
    found = ids(nlp, "Two Americans and thousands of Iraqis were evacuated as pro-Iranian militias and "
                     "Iran-backed groups protested against anti-American sentiment.")
    assert not {"state_us", "state_iq", "state_ir"} & found


def test_country_names_need_a_capital_and_places_named_after_them_are_not_states(nlp):
    assert ids(nlp, "Families roasted a turkey and ate from fine china.") == set()
    assert "state_tr" in ids(nlp, "Turkey closed its airspace.")
    assert "state_us" not in ids(nlp, "Arms flowed from Latin America and South America to the Gulf of Guinea.")
    assert "state_gn" not in ids(nlp, "Pirates operate in the Gulf of Guinea.")


def test_country_after_a_locative_preposition_is_a_place_not_an_actor(nlp):
    found = actors(nlp, "Rockets fell in Papua New Guinea, Iraq and Syria, and Iran blamed the United States.")
    assert found == [("Iran", "state_ir"), ("United States", "state_us")]
    assert actors(nlp, "Officials in the United States said Iraq was consulted.") == [("Iraq", "state_iq")]


def test_shared_demonym_goes_to_the_preferred_state(nlp):
    assert ids(nlp, "Congolese soldiers retook the town.") == {"military_cd"}


def test_lookup_demonym_for_other_components():
    assert lookup_demonym("Iraqi").id == "state_iq"
    assert lookup_demonym("south  korean").country == "KR"
    assert lookup_demonym("Martian") is None


# --- aliases, acronyms, overlaps -----------------------------------------------------------------

def test_case_sensitive_acronyms_do_not_match_ordinary_words(nlp):
    assert "state_us" not in ids(nlp, "Tell us what happened, the villagers asked.")
    assert "state_us" in ids(nlp, "The US said the strike was lawful.")
    assert "military_il" in ids(nlp, "The IDF said it struck a launcher.")
    assert "military_il" not in ids(nlp, "An idf file was attached.")


def test_longest_alias_wins_and_spans_do_not_overlap(nlp):
    doc = nlp("The Israel Defense Forces and the US-led coalition struck targets; Papua New Guinea and "
              "the Democratic Republic of the Congo protested, said the Syrian Arab Army.")
    found = [(s.text, s._.actor.kb_id) for s in doc.spans["actors"]]
    assert ("Israel Defense Forces", "military_il") in found
    assert ("US-led coalition", "intl_coalition_oir") in found
    assert ("Papua New Guinea", "state_pg") in found
    assert ("Democratic Republic of the Congo", "state_cd") in found
    assert ("Syrian Arab Army", "military_sy") in found
    assert not {"state_il", "state_us", "state_gn"} & {kb_id for _, kb_id in found}
    spans = sorted((s.start, s.end) for s in doc.spans["actors"])
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def test_generic_actors(nlp):
    found = actors(nlp, "Unidentified gunmen killed three farmers; Palestinian civilians fled and protesters "
                        "blocked the road before a suicide bomber struck.")
    assert ("Unidentified gunmen", "unidentified_armed_group") in found
    assert ("farmers", "farmers") in found
    assert ("Palestinian civilians", "civilians") in found
    assert ("protesters", "protesters") in found
    assert ("suicide bomber", "unidentified_armed_group") in found


def test_an_alias_inside_a_longer_place_name_is_no_actor(nlp):
    assert "is_sinai" not in ids(nlp, "Gunmen shot dead two policemen at a checkpoint in North Sinai Province on Friday.")
    assert "is_sinai" not in ids(nlp, "The curfew in North Sinai Province was lifted, then North Sinai Province "
                                      "closed its schools.")
    assert ("Sinai Province", "is_sinai") in actors(nlp, "Sinai Province said its fighters planted the bomb.")


def test_a_branch_named_through_its_parent_is_the_branch(nlp):
    found = actors(nlp, "The Islamic State's Sahel Province said it had killed 14 soldiers.")
    assert ("Islamic State's Sahel Province", "is_sahel") in found
    assert "islamic_state" not in {kb_id for _, kb_id in found}
    assert actors(nlp, "Tribal fighters have battled the Sinai branch of the Islamic State since 2015.")[-2:] == [
        ("Sinai branch", "is_sinai"), ("Islamic State", "islamic_state")]
    assert ("Islamic State's West Africa affiliate", "iswap") in actors(
        nlp, "The Islamic State's West Africa affiliate overran a base near the lake.")
    assert ("al-Qaeda's Yemen branch", "aqap") in actors(nlp, "A drone killed a commander of al-Qaeda's Yemen branch.")
    # the parent alone, or with a region none of its branches names, stays the parent
    assert actors(nlp, "Islamic State claimed the bombing.") == [("Islamic State", "islamic_state")]
    assert ids(nlp, "The Islamic State's southern branch regrouped.") == {"islamic_state"}


def test_mentions_reach_the_output_contract(extractor):
    text = "Sudanese Armed Forces shelled the market, residents said."
    extraction = extractor.extract(Document(id="t1", text=text, published=dt.date(2024, 5, 2)))
    actor_mentions = [m for m in extraction.mentions if m.kind == "actor"]
    start = text.index("residents")
    assert [(m.text, m.kb_id, m.span) for m in actor_mentions] == [
        ("Sudanese Armed Forces", "military_sd", (0, 21)), ("residents", "civilians", (start, start + 9))]


# --- a small KB of its own: spelling variants, match_case, persons ------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kb")
    (folder / "actors.yaml").write_text(yaml.safe_dump({"source": "test data written by test_actors.py", "actors": [
        {"id": "brigades_test", "name": "Kata'ib Sayyid al-Shuhada", "kind": "militia", "country": "IQ"},
        {"id": "movement_test", "name": "Harakat al-Nujaba", "kind": "militia", "country": "IQ"},
        {"id": "is_test", "name": "Islamic State", "kind": "terrorist", "aliases": ["IS", "ISIS"], "match_case": True},
        {"id": "person_test", "name": "Mustafa al-Kadhimi", "aliases": ["al-Kadhimi"], "kind": "person"},
        {"id": "unknowns", "name": "Unidentified Armed Group", "kind": "unidentified", "aliases": ["militants"]},
        {"id": "kivu_test", "name": "Kivu Defence Front", "aliases": ["Kivu"], "kind": "militia", "country": "CD"},
        {"id": "front_test", "name": "Union Front", "kind": "rebel"},
        {"id": "front_lakes_test", "name": "Union Front in Lakeland", "kind": "rebel",
         "member_of": [{"id": "front_test"}]},
    ]}), encoding="utf-8")
    tables = build_tables(load_kb(folder))
    return spacy.blank("en"), ActorRecognizer(tables, spacy.blank("en").tokenizer)


def small_actors(small, text: str) -> list[tuple[str, str]]:
    nlp, recognizer = small
    doc = recognizer(nlp(text))
    return [(s.text, s._.actor.kb_id) for s in doc.spans["actors"]]


def test_transliteration_variants_find_the_same_group(small):
    for text in ("Kata'ib Sayyid al-Shuhada", "Kata’ib Sayyid al-Shuhada", "Kataib Sayyed al Shuhada",
                 "Kataeb Seyyed Al-Shuhadaa", "Kataib Sayyid Shuhada"):
        assert small_actors(small, f"Fighters of {text} fired rockets.") == [(text, "brigades_test")], text
    assert small_actors(small, "Harakat Al-Nujaba and Harakat el Nujaba denied it.") == [
        ("Harakat Al-Nujaba", "movement_test"), ("Harakat el Nujaba", "movement_test")]


def test_match_case_entries_and_militants_after_a_name(small):
    assert small_actors(small, "This is what residents said.") == []
    found = small_actors(small, "IS militants attacked; later, militants fired again.")
    assert found == [("IS", "is_test"), ("militants", "unknowns")]


def test_persons_become_person_mentions(small):
    nlp, recognizer = small
    doc = recognizer(nlp("Prime Minister Mustafa al-Kadhimi met envoys; al-Kadhimi said talks stalled."))
    assert [(s.text, s._.actor.kind) for s in doc.spans["actors"]] == [
        ("Mustafa al-Kadhimi", "person"), ("al-Kadhimi", "person")]
    assert {m.kind for m in mentions_from_doc(doc)} == {"person"}


def test_a_qualifier_and_an_alias_that_form_a_gazetteer_name_are_a_place(small):
    assert small_actors(small, "Displaced families fled across North Kivu.") == []
    assert small_actors(small, "Kivu fighters fled across the border.") == [("Kivu", "kivu_test")]


def test_a_branch_comes_from_the_region_its_aliases_name(small):
    assert small_actors(small, "The Lakeland wing of the Union Front seized the port.") == [
        ("Lakeland wing", "front_lakes_test"), ("Union Front", "front_test")]
    assert small_actors(small, "The Union Front's Lakeland branch seized the port.") == [
        ("Union Front's Lakeland branch", "front_lakes_test")]
    assert small_actors(small, "The Union Front's Hillside branch seized the port.") == [("Union Front", "front_test")]
