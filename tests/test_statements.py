"""Statements through the real pipeline: kind, speaker, words, date and attribution, and sentences
that state nothing."""

from __future__ import annotations

import datetime as dt

from conflictlens.model import Actor, Document, Source

PUBLISHED = dt.date(2024, 5, 10)  # a Friday


def statements(extractor, text: str):
    return extractor.extract(Document(id="s", text=text, published=PUBLISHED)).statements


def one(extractor, text: str, kind: str):
    found = [s for s in statements(extractor, text) if s.kind == kind]
    assert len(found) == 1, statements(extractor, text)
    return found[0]


def test_threat_with_group_speaker_reporting_day_and_chain(extractor):
    text = ("On Wednesday, sources close to Kataib Hezbollah told Al-Mayadeen that the group is preparing a new "
            "round of escalation against American bases.")
    threat = one(extractor, text, "threat")
    assert isinstance(threat.speaker, Actor) and threat.speaker.kb_id == "kataib_hezbollah"
    assert threat.text.startswith("preparing a new round of escalation against American bases")
    assert threat.date.date == dt.date(2024, 5, 8)
    assert [s.name for s in threat.attribution][0] == "Al-Mayadeen"
    assert text[threat.evidence.start:threat.evidence.end] == threat.evidence.text == text


def test_vow_and_demand_by_named_actors(extractor):
    threat = one(extractor, "Hamas vowed to retaliate for the killing of its commander.", "threat")
    assert threat.speaker.kb_id == "hamas"
    assert threat.text == "vowed to retaliate for the killing of its commander"
    demand = one(extractor, "The Houthis demanded the withdrawal of foreign warships from the Red Sea.", "demand")
    assert demand.speaker.kb_id == "ansar_allah"
    assert demand.text == "demanded the withdrawal of foreign warships from the Red Sea"
    assert (demand.date.earliest, demand.date.latest) == (PUBLISHED - dt.timedelta(days=1), PUBLISHED)


def test_negotiation_needs_no_speaker(extractor):
    talks = one(extractor, "Talks between the army and the rebels reached a standstill last week.", "negotiation")
    assert talks.speaker is None or isinstance(talks.speaker, (Actor, Source))
    assert "reached a standstill" in talks.text
    assert talks.date.earliest == dt.date(2024, 4, 29)


def test_denials_active_and_in_a_relative_clause(extractor):
    denial = one(extractor, "Hamas denied any involvement in the attack.", "denial")
    assert denial.speaker.kb_id == "hamas" and denial.text == "denied any involvement in the attack"
    denial = one(extractor, "Witnesses blamed the Houthis for the blast, a charge the Houthis deny.", "denial")
    assert denial.text == "a charge the Houthis deny"
    assert denial.speaker.kb_id == "ansar_allah"
    assert denial.date.date == PUBLISHED  # present tense: as of publication


def test_conditional_threat_and_claim_by_a_spokesman(extractor):
    text = 'An M23 spokesman said the group would "liberate" Goma if the shelling continued.'
    threat = one(extractor, text, "threat")
    assert threat.speaker.kb_id == "m23"
    assert threat.text == 'the group would "liberate" Goma if the shelling continued'
    claim = one(extractor, "Al-Shabaab said its fighters had killed ten soldiers in the raid.", "claim")
    assert claim.speaker.kb_id == "al_shabaab"


def test_position_statement_of_an_official(extractor):
    text = '"The government is moving toward ending the mission of the coalition," the Iraqi prime minister said.'
    other = one(extractor, text, "other")
    assert other.text.startswith("moving toward ending the mission")
    assert other.attribution, "the prime minister is the source"


def test_sentences_that_state_nothing(extractor):
    assert statements(extractor, "The weather in Mosul was calm on Tuesday and markets reopened.") == []
    assert statements(extractor, "The council rejected the budget and adjourned.") == []
    assert statements(extractor, "Gunmen attacked a checkpoint near Kirkuk, killing two soldiers.") == []


def test_unnamed_speaker_is_the_clause_subject(extractor):
    demand = one(extractor, "Dockworkers at the northern port demanded higher wages on Monday.", "demand")
    assert demand.text.startswith("demanded higher wages")
    assert isinstance(demand.speaker, Actor) and demand.speaker.kb_id is None
    assert demand.speaker.text == "Dockworkers at the northern port"
    denial = one(extractor, "The mayor blamed the traders for the fire, a charge local merchants deny.", "denial")
    assert denial.speaker.text == "local merchants" and denial.speaker.kb_id is None


def test_pronoun_speaker_is_the_last_group_named(extractor):
    text = "Hezbollah fighters fired rockets at the border town on Sunday. It denied targeting civilians."
    denial = one(extractor, text, "denial")
    assert denial.speaker.kb_id == "hezbollah" and denial.speaker.text == "It"


def test_claim_after_saying_and_of_men(extractor):
    text = "Al-Shabaab claimed the raid on Tuesday, saying its men had seized two armoured vehicles."
    claim = one(extractor, text, "claim")
    assert claim.speaker.kb_id == "al_shabaab"
    assert "seized two armoured vehicles" in claim.text


def test_a_long_clause_opening_is_no_speaker(extractor):
    text = ("After the storm the committee of the five northern districts of the old province ordered the "
            "markets closed.")
    assert [s for s in statements(extractor, text) if s.kind == "demand"] == []


def test_cue_set_off_by_commas_speaks_for_the_sentence_subject(extractor):
    denial = one(extractor, "Al-Shabaab, the group that holds much of the south, denied planting the bomb.", "denial")
    assert denial.speaker.kb_id == "al_shabaab"
    claim = one(extractor, "Hamas claimed the ambush in a video on Monday, saying it had destroyed two tanks.", "claim")
    assert claim.speaker.kb_id == "hamas" and claim.text.startswith("saying it had destroyed two tanks")


def test_group_possessive_cue_is_read_with_its_own_token(extractor):
    text = "A spokesman said the group's fighters had shot down a drone over the valley."
    claim = one(extractor, text, "claim")
    assert claim.text.startswith("group's fighters had shot down a drone")


def test_unnamed_speaker_after_a_time_and_no_speaker_read_into_talks(extractor):
    threat = one(extractor, "Last month Governor Okafor threatened to close the border crossings.", "threat")
    assert threat.speaker is not None and "month" not in threat.speaker.text.lower()
    talks = one(extractor, "Peace talks between the two neighbours are due to resume next month.", "negotiation")
    assert talks.speaker is None


def test_demand_of_a_protest_is_the_protesters(extractor):
    text = "In Kisumu, about 200 fishermen marched to the county offices on Monday to demand compensation for their nets."
    demand = one(extractor, text, "demand")
    assert demand.text == "to demand compensation for their nets"
    assert demand.speaker.name == "Protesters (Kenya)"
    demand = one(extractor, "Angry farmers blocked the main road outside Tamale for hours, demanding fuel subsidies.",
                 "demand")
    assert demand.text == "demanding fuel subsidies" and demand.speaker.name == "Protesters (Ghana)"


def test_own_action_in_the_speakers_quoted_words_is_a_claim(extractor):
    text = 'The navy said it had sunk "three pirate skiffs" near the islands on Sunday and that patrols went on.'
    claim = one(extractor, text, "claim")
    assert claim.text == 'it had sunk "three pirate skiffs" near the islands on Sunday'
    assert claim.speaker is not None and claim.speaker.name.lower() == "the navy"
    # told plainly, the action is the report of an event, not a claim
    assert [s for s in statements(extractor, "The navy said it had rescued 40 fishermen near the islands.")
            if s.kind == "claim"] == []


def test_reported_intention_is_a_threat_or_a_position(extractor):
    threat = one(extractor, 'The interior minister told reporters on Monday that the rebels would be "hunted down".', "threat")
    assert threat.text == 'the rebels would be "hunted down"'
    assert threat.date.date == dt.date(2024, 5, 6)
    other = one(extractor, "The governor said on Tuesday the army would deploy two more battalions to the district.",
                "other")
    assert other.text == "the army would deploy two more battalions to the district"
    assert other.speaker is not None and "army" not in other.speaker.name.lower()  # the governor speaks
    text = 'The president said she would not resign and would "answer every attack on the republic".'
    assert [s.kind for s in statements(extractor, text)] == ["threat"]
    assert [s.kind for s in statements(extractor, "The president said she would not resign before the vote.")] == ["other"]
    assert statements(extractor, "The minister said there would be no change to the curfew.") == []
    text = "The minister said a committee to negotiate the handover would meet next week."
    assert [s.kind for s in statements(extractor, text)] == ["negotiation"]  # what the cue there says, no more
    text = ('The district governor, a retired colonel, visited the wounded in hospital and said the curfew would stay '
            'in place.')
    other = one(extractor, text, "other")
    assert other.speaker.text == "The district governor"  # the subject of the sentence reports it


def test_quoted_claim_after_saying_has_its_own_subject(extractor):
    text = 'Al-Shabaab claimed the ambush in a video, saying the convoy had been "punished for its crimes".'
    claim = one(extractor, text, "claim")
    assert claim.text == 'the convoy had been "punished for its crimes"' and claim.speaker.kb_id == "al_shabaab"
    claim = one(extractor, 'Hamas claimed the raid, saying the fighters had freed "dozens of prisoners".', "claim")
    assert claim.text == 'the fighters had freed "dozens of prisoners"'


def test_reported_negation_is_a_denial(extractor):
    text = "The army said in a statement that no civilians had been hurt in the strike on Monday."
    denial = one(extractor, text, "denial")
    assert denial.text == "no civilians had been hurt in the strike on Monday"
    denial = one(extractor, "The rebels said there were no soldiers in the village at the time.", "denial")
    assert denial.text == "there were no soldiers in the village at the time"
    text = "The navy said in a statement that the boat had been hit at night and that no one had been killed."
    assert one(extractor, text, "denial").text == "no one had been killed"


def test_coordinated_cue_shares_the_speaker_of_the_first(extractor):
    text = "The dockers' union demanded the reinstatement of the sacked drivers and threatened to block the port."
    demand, threat = one(extractor, text, "demand"), one(extractor, text, "threat")
    assert threat.text == "threatened to block the port"
    assert threat.speaker is not None and threat.speaker.text == demand.speaker.text
