"""Tallies through the real pipeline: aggregate counts over a period are tallies, one event's toll is not."""

from __future__ import annotations

import datetime as dt

from conflictlens.model import Document

PUBLISHED = dt.date(2024, 3, 15)  # a Friday


def tallies(extractor, text: str, published: dt.date = PUBLISHED):
    return extractor.extract(Document(id="t", text=text, published=published)).tallies


def test_count_of_attacks_since_a_day_with_place_reporting_day_and_sources(extractor):
    text = ("An army spokesman said on Wednesday that insurgents had carried out 85 attacks on army posts "
            "in Kirkuk since January 9.")
    [tally] = tallies(extractor, text)
    assert tally.count == 85
    assert tally.what == "attacks on army posts"
    assert [loc.name for loc in tally.where] == ["Kirkuk"]
    assert (tally.since.earliest, tally.since.latest) == (dt.date(2024, 1, 9), dt.date(2024, 1, 9))
    assert tally.as_of.date == dt.date(2024, 3, 13)  # the Wednesday the figure was given
    assert tally.attribution and tally.attribution[0].kind == "spokesperson"
    assert text[tally.evidence.start:tally.evidence.end] == tally.evidence.text == "85 attacks on army posts"


def test_times_form_quantifier_and_whole_month_start(extractor):
    text = "Militants have attacked the pipeline at least 62 times since February, the company said."
    [tally] = tallies(extractor, text)
    assert (tally.count, tally.what) == (62, "attacks")
    assert tally.evidence.text == "attacked the pipeline at least 62 times"
    assert (tally.since.earliest, tally.since.latest) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert tally.as_of.date == PUBLISHED  # no day in the sentence: the publication day


def test_casualty_total_of_a_war_is_a_tally(extractor):
    text = "More than 12,500 people have been killed since the war began, according to the health ministry."
    [tally] = tallies(extractor, text)
    assert tally.count == 12500
    assert tally.what == "people killed"


def test_period_words_start_the_count(extractor):
    [tally] = tallies(extractor, "Monitors have recorded 240 drone strikes in the province this year.")
    assert tally.count == 240 and tally.what.startswith("drone strikes")
    assert tally.since.earliest == dt.date(2024, 1, 1)


def test_one_events_toll_is_no_tally(extractor):
    assert tallies(extractor, "Gunmen killed 12 villagers in an attack on a market on Tuesday, officials said.") == []
    assert tallies(extractor, "Gunmen killed 14 civilians near the border, one of the deadliest attacks this year.") == []


def test_a_count_without_a_period_is_no_tally(extractor):
    assert tallies(extractor, "The convoy of 40 trucks carried 300 tonnes of flour to the camp on Monday.") == []
    assert tallies(extractor, "The army said it launched 12 strikes on Tuesday night.") == []


def test_years_and_dates_are_no_counts(extractor):
    assert tallies(extractor, "The group has been active since 2014 and since March 2020 has claimed few attacks.") == []


def test_number_words_and_decimals_times_a_multiplier(extractor):
    [tally] = tallies(extractor, "Aid agencies say more than two million people have been displaced by the floods and fighting.")
    assert tally.count == 2_000_000
    [tally] = tallies(extractor, "Some 2.4 million people remain displaced in the province, the agency said.")
    assert tally.count == 2_400_000
    [tally] = tallies(extractor, "Nearly half a million people have fled the region since March.")
    assert tally.count == 500_000


def test_displacement_counts_are_totals_without_a_period(extractor):
    [tally] = tallies(extractor, "More than 15,000 people have fled their villages, the governor said.")
    assert (tally.count, tally.what) == (15000, "people fled")
    # "displaced" as the adjective of a counted noun is no tally
    assert tallies(extractor, "About 200 displaced people marched to the town hall on Monday.") == []


def test_bare_count_with_auxiliary_and_verb_before_with_perfect(extractor):
    counts = {t.count for t in tallies(
        extractor, "Officials say 900 people have been killed and 45,000 have fled since the uprising began.")}
    assert counts == {900, 45000}
    [tally] = tallies(extractor, "The insurgency, which began in 2015, has killed more than 4,000 people, a think tank says.")
    assert tally.count == 4000


def test_people_noun_with_of_phrase_and_quoted_verb(extractor):
    [tally] = tallies(extractor, "At least 75 members of the border police have been killed in the district since May.")
    assert tally.count == 75
    [tally] = tallies(extractor, 'The ministry said troops had "neutralised" 640 insurgents in the mountains since April.')
    assert tally.count == 640


def test_counted_projectiles_since_a_day(extractor):
    [tally] = tallies(extractor, "The militia has fired more than 900 rockets and drones at the city since June 3.")
    assert tally.count == 900 and tally.what.startswith("rockets")


def test_a_share_of_the_count_before_is_a_tally_of_the_same(extractor):
    text = "Aid agencies said 90,000 people had been displaced in the province, about 12,000 of them since March."
    found = {t.count: t for t in tallies(extractor, text)}
    assert set(found) == {90000, 12000}
    assert found[12000].what == found[90000].what
    assert found[12000].since.earliest == dt.date(2024, 3, 1)
