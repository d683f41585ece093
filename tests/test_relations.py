"""Relations through the real pipeline: member lists (with a member named by part of its name),
memberships, founding dates, backing, alliance and leadership, and sentences that state none."""

from __future__ import annotations

import datetime as dt

from conflictlens.model import Document

PUBLISHED = dt.date(2024, 1, 20)


def relations(extractor, text: str, published: dt.date = PUBLISHED):
    return extractor.extract(Document(id="r", text=text, published=published)).relations


def triples(found) -> set[tuple]:
    return {(r.subject.kb_id, r.predicate, r.object.kb_id) for r in found}


def test_member_list_links_a_partial_name_through_the_umbrella(extractor):
    text = ("The Islamic Resistance in Iraq, which includes Kataib Hezbollah, Harakat al-Nujaba and Imam Ali, "
            "claimed the attack.")
    found = relations(extractor, text)
    assert triples(found) == {
        ("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq"),
        ("harakat_hezbollah_al_nujaba", "member_of", "islamic_resistance_in_iraq"),
        ("kataib_al_imam_ali", "member_of", "islamic_resistance_in_iraq"),
    }
    imam_ali = next(r for r in found if r.subject.kb_id == "kataib_al_imam_ali")
    assert imam_ali.subject.text == "Imam Ali"
    for relation in found:
        assert text[relation.evidence.start:relation.evidence.end] == relation.evidence.text


def test_list_after_a_colon_and_an_anaphoric_umbrella(extractor):
    text = ("The Islamic Resistance in Iraq claimed the strike. The coalition is a union of several militias: "
            "Kataib Hezbollah, Kataib Sayyid al-Shuhada and the Saraya Northwind Front.")
    found = relations(extractor, text)
    assert ("kataib_sayyid_al_shuhada", "member_of", "islamic_resistance_in_iraq") in triples(found)
    unknown = [r for r in found if r.subject.kb_id is None]
    assert [r.subject.text for r in unknown] == ["Saraya Northwind Front"]  # unknown to the KB: kept, unlinked


def test_single_membership_with_further_members(extractor):
    text = ("The Arakan Army is part of the Three Brotherhood Alliance, with the Ta'ang National Liberation Army "
            "(TNLA) and the Myanmar National Democratic Alliance Army.")
    assert triples(relations(extractor, text)) == {
        ("arakan_army", "member_of", "three_brotherhood_alliance"),
        ("tnla", "member_of", "three_brotherhood_alliance"),
        ("mndaa", "member_of", "three_brotherhood_alliance"),
    }


def test_formed_with_its_date(extractor):
    text = 'The factions chose to unite and call themselves the "Islamic Resistance in Iraq" last October.'
    [formed] = [r for r in relations(extractor, text) if r.predicate == "formed"]
    assert formed.subject.kb_id == formed.object.kb_id == "islamic_resistance_in_iraq"
    assert (formed.date.earliest, formed.date.latest) == (dt.date(2023, 10, 1), dt.date(2023, 10, 31))
    text = "Kataib Hezbollah was formed in 2003, officials said."
    [formed] = relations(extractor, text)
    assert formed.predicate == "formed" and formed.date.earliest == dt.date(2003, 1, 1)


def test_backing_alliance_and_leadership(extractor):
    assert ("kataib_hezbollah", "backed_by", "state_ir") in triples(
        relations(extractor, "Iran-backed Kataib Hezbollah fired rockets at the base."))
    assert ("hamas", "backed_by", "state_ir") in triples(
        relations(extractor, "Hamas, backed by Iran, rejected the proposal."))
    assert ("al_shabaab", "allied_with", "al_qaeda") in triples(
        relations(extractor, "Al-Shabaab, the al Qaeda-linked group, claimed the bombing."))
    assert ("hassan_nasrallah", "leads", "hezbollah") in triples(
        relations(extractor, "Hezbollah, led by Hassan Nasrallah, fired rockets across the border."))


def test_sentences_that_state_no_relation(extractor):
    assert relations(extractor, "Iranian drones struck the base in October, the army said.") == []
    assert relations(extractor, "The statement included a warning to Israel and the United States.") == []
    assert relations(extractor, "Reports have emerged of differences among the factions in recent months.") == []
    assert relations(extractor, "Hamas launched rockets at Israel on Monday.") == []


def test_unit_of_a_group_and_roles_named_with_the_group(extractor):
    assert ("qassam_brigades", "member_of", "hamas") in triples(
        relations(extractor, "Fighters of the Qassam Brigades of Hamas clashed with troops."))
    found = triples(relations(extractor, "Hezbollah's deputy leader Naim Qassem spoke on Friday."))
    assert found == {("naim_qassem", "member_of", "hezbollah")}
    found = triples(relations(extractor, "Hezbollah's leader Hassan Nasrallah spoke on Friday."))
    assert found == {("hassan_nasrallah", "leads", "hezbollah")}
    # a state's officials are no members of a group: "Iran's foreign minister" names an office
    assert relations(extractor, "Iran's foreign minister Hossein Amir-Abdollahian spoke on Friday.") == []


def test_members_after_a_lead_in_and_an_anaphoric_group(extractor):
    text = ("Gunmen of the Jenin Brigade fired at the soldiers. The brigade is a local coalition that brings "
            "together fighters from the Al-Quds Brigades and the Qassam Brigades.")
    found = triples(relations(extractor, text))
    assert ("al_quds_brigades", "member_of", "jenin_brigade") in found
    assert ("qassam_brigades", "member_of", "jenin_brigade") in found


def test_appositive_names_a_part_of_a_group(extractor):
    found = relations(extractor, "Islamic State West Africa Province (ISWAP), the Islamic State's branch in the "
                                 "Lake Chad region, raided the town.")
    assert triples(found) == {("iswap", "member_of", "islamic_state")}
    assert found[0].evidence.text.startswith("Islamic State West Africa Province")  # the name, not the acronym
    assert triples(relations(extractor, "Kataib Hezbollah, the largest faction in the Islamic Resistance in Iraq, "
                                        "denied the report.")) == {
        ("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq")}
    # an appositive without a part word states no membership
    assert relations(extractor, "Hamas, the main rival of Fatah, won the vote.") == []


def test_group_role_before_a_person_without_possessive(extractor):
    found = triples(relations(extractor, "Hezbollah leader Hassan Nasrallah spoke on Friday. "
                                         "Hamas deputy leader Saleh al-Arouri was killed."))
    assert found == {("hassan_nasrallah", "leads", "hezbollah"), ("saleh_al_arouri", "member_of", "hamas")}


def test_leader_verb_whose_and_the_group_led_by(extractor):
    assert triples(relations(extractor, "Yahya Sinwar, who has led Hamas in Gaza since 2017, was not seen.")) == {
        ("yahya_sinwar", "leads", "hamas")}
    assert triples(relations(extractor, "Al-Shabaab claimed the attack. The group is led by Ahmed Diriye, "
                                        "officials say.")) == {("ahmed_diriye", "leads", "al_shabaab")}


def test_the_faction_of_an_appositive_is_the_one_led(extractor):
    text = "Kataib Hezbollah, the Islamic Resistance in Iraq faction once led by Abu Mahdi al-Muhandis, denied it."
    assert triples(relations(extractor, text)) == {
        ("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq"),
        ("abu_mahdi_al_muhandis", "leads", "kataib_hezbollah"),
    }


def test_a_front_for_a_group_is_a_membership(extractor):
    text = ("The Resistance Front, which officials describe as a front for the Pakistan-based Lashkar-e-Taiba, "
            "claimed the attack.")
    assert triples(relations(extractor, text)) == {("the_resistance_front", "member_of", "lashkar_e_taiba")}
