"""Time expressions: the grammar finds them, the calendar resolves them against the publication day.

Every sentence here was written for these tests in the style of wire copy.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy

from conflictlens.model import Document
from conflictlens.nlp.timegrammar import TimeGrammar, family_specs, load_lexicon, phrase_specs, reach
from conflictlens.nlp.times import find_times

D = dt.date
THU = D(2023, 12, 28)  # a Thursday
MON = D(2024, 1, 1)    # a Monday, the first day of a year
WED = D(2024, 1, 3)    # a Wednesday, early in a year


def only(text: str, published: dt.date | None):
    """The one time expression of `text`."""
    found = find_times(text, published)
    assert len(found) == 1, [w.text for w in found]
    return found[0]


def window(when) -> tuple:
    return when.earliest, when.latest, when.precision


# --- weekdays and days ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words, day", [
    ("The ministry said Thursday that two soldiers were killed.", "Thursday", D(2023, 12, 28)),
    ("Rebels shelled the town on Tuesday, residents said.", "Tuesday", D(2023, 12, 26)),
    ("A drone struck a convoy Wednesday night near the border.", "Wednesday night", D(2023, 12, 27)),
    ("Clashes broke out early Wednesday in the old city.", "early Wednesday", D(2023, 12, 27)),
    ("The base came under fire Wednesday morning.", "Wednesday morning", D(2023, 12, 27)),
    ("Police said the bomb went off last Friday outside a mosque.", "last Friday", D(2023, 12, 22)),
    ("Protesters gathered on Sunday evening in the capital.", "Sunday evening", D(2023, 12, 24)),
    ("Gunmen stormed the village late on Monday night.", "late on Monday night", D(2023, 12, 25)),
    ("Troops withdrew from the hill overnight Tuesday.", "overnight Tuesday", D(2023, 12, 26)),
    ("Saturday's raid left the market in ruins.", "Saturday", D(2023, 12, 23)),
    ("The army said today that the crossing would stay shut.", "today", D(2023, 12, 28)),
    ("Curfew begins tonight in three districts.", "tonight", D(2023, 12, 28)),
    ("A rocket hit the airport yesterday, officials said.", "yesterday", D(2023, 12, 27)),
    ("Yesterday morning the convoy was ambushed.", "Yesterday morning", D(2023, 12, 27)),
    ("The talks collapsed the day before yesterday.", "the day before yesterday", D(2023, 12, 26)),
    ("Heavy shelling was heard last night in the north.", "last night", D(2023, 12, 27)),
    ("Sirens sounded late last night across the region.", "late last night", D(2023, 12, 27)),
    ("Earlier today, the governor visited the wounded.", "Earlier today", D(2023, 12, 28)),
    ("Two civilians died two days ago in a strike on a bakery.", "two days ago", D(2023, 12, 26)),
    ("The delegation is expected tomorrow.", "tomorrow", D(2023, 12, 29)),
    ("A ceasefire is due to start next Friday.", "next Friday", D(2023, 12, 29)),
])
def test_days_against_a_thursday(sentence, words, day):
    when = only(sentence, THU)
    assert when.text == words
    assert (when.date, when.earliest, when.latest, when.precision) == (day, day, day, "day")
    assert sentence[when.span[0]:when.span[1]] == words


@pytest.mark.parametrize("published, sentence, day", [
    (MON, "The attack took place on Thursday, the army said.", D(2023, 12, 28)),   # the previous Thursday
    (MON, "Officials met on Monday to discuss the truce.", D(2024, 1, 1)),        # publication day itself
    (MON, "The envoy arrived last Monday.", D(2023, 12, 25)),                      # strictly before
    (D(2023, 12, 29), "The envoy arrived last Friday.", D(2023, 12, 22)),
    (D(2024, 3, 1), "The strike on 29 February killed four.", D(2024, 2, 29)),      # leap year
    (D(2025, 3, 1), "The strike on 29 February killed four.", D(2024, 2, 29)),      # the last leap year's
    (D(2024, 3, 1), "Shelling resumed yesterday.", D(2024, 2, 29)),
])
def test_days_on_other_publication_days(published, sentence, day):
    assert only(sentence, published).date == day


# --- absolute dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words, day", [
    ("The checkpoint was attacked on 27 December 2023, the statement said.", "27 December 2023", D(2023, 12, 27)),
    ("The checkpoint was attacked on December 27, 2023, the statement said.", "December 27, 2023", D(2023, 12, 27)),
    ("Fighting resumed on Dec. 27 after a brief lull.", "Dec. 27", D(2023, 12, 27)),
    ("Fighting resumed on 27 Dec after a brief lull.", "27 Dec", D(2023, 12, 27)),
    ("The decree, dated 2023-12-27, was published online.", "2023-12-27", D(2023, 12, 27)),
    ("The town fell on the 3rd of March, 2022.", "the 3rd of March, 2022", D(2022, 3, 3)),
    ("On Tuesday, December 26, 2023, the border closed.", "Tuesday, December 26, 2023", D(2023, 12, 26)),
    ("The offensive began on Sept. 11 at dawn.", "Sept. 11 at dawn", D(2023, 9, 11)),
    ("Rebels entered the city on 30 December.", "30 December", D(2022, 12, 30)),  # not yet this year
])
def test_absolute_dates(sentence, words, day):
    when = only(sentence, THU)
    assert (when.text, when.date, when.precision) == (words, day, "day")


def test_numeric_slash_dates_are_skipped_as_ambiguous():
    assert find_times("The ceasefire signed on 12/27/2023 held for a week.", THU) == []
    assert find_times("The ceasefire signed on 03/04/2023 held for a week.", THU) == []


def test_impossible_dates_are_not_read():
    assert find_times("The document was dated 31 April 2023.", THU) == []
    assert find_times("The order is dated 2023-02-30.", THU) == []
    assert find_times("It was signed on February 29, 2023.", THU) == []


# --- weeks, months, years ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words, earliest, latest, precision", [
    ("Eleven fighters were killed last week.", "last week", D(2023, 12, 18), D(2023, 12, 24), "week"),
    ("Talks are scheduled for this week.", "this week", D(2023, 12, 25), D(2023, 12, 31), "week"),
    ("The envoy met rebel leaders earlier this week.", "earlier this week", D(2023, 12, 25), D(2023, 12, 27), "week"),
    ("The convoy was looted last month.", "last month", D(2023, 11, 1), D(2023, 11, 30), "month"),
    ("Aid deliveries stalled this month.", "this month", D(2023, 12, 1), D(2023, 12, 31), "month"),
    ("Two towns changed hands earlier this month.", "earlier this month", D(2023, 12, 1), D(2023, 12, 27),
     "month"),
    ("The party won the vote last year.", "last year", D(2022, 1, 1), D(2022, 12, 31), "year"),
    ("Attacks have doubled this year.", "this year", D(2023, 1, 1), D(2023, 12, 31), "year"),
    ("The coalition was formed last October.", "last October", D(2023, 10, 1), D(2023, 10, 31), "month"),
    ("The coalition was formed last December.", "last December", D(2022, 12, 1), D(2022, 12, 31), "month"),
    ("The militia was founded in October by four factions.", "October", D(2023, 10, 1), D(2023, 10, 31), "month"),
    ("The militia was founded in October 2023.", "October 2023", D(2023, 10, 1), D(2023, 10, 31), "month"),
    ("The bridge was destroyed in March.", "March", D(2023, 3, 1), D(2023, 3, 31), "month"),
    ("Elections are due in early January.", "early January", D(2023, 1, 1), D(2023, 1, 10), "month"),
    ("The siege ended in mid-January.", "mid-January", D(2023, 1, 11), D(2023, 1, 20), "month"),
    ("Fighting flared in late January.", "late January", D(2023, 1, 21), D(2023, 1, 31), "month"),
    ("The camp was cleared at the end of October.", "the end of October", D(2023, 10, 21), D(2023, 10, 31),
     "month"),
    ("Hostages were freed in the first week of October 2023.", "the first week of October 2023",
     D(2023, 10, 1), D(2023, 10, 7), "week"),
    ("The drone attacks began in 2014, officials said.", "2014", D(2014, 1, 1), D(2014, 12, 31), "year"),
    ("Unrest spread in early 2022.", "early 2022", D(2022, 1, 1), D(2022, 4, 30), "year"),
    ("The truce collapsed in mid-2022.", "mid-2022", D(2022, 5, 1), D(2022, 8, 31), "year"),
    ("Fuel ran out late last month.", "late last month", D(2023, 11, 21), D(2023, 11, 30), "month"),
    ("Fighters regrouped over the weekend.", "the weekend", D(2023, 12, 23), D(2023, 12, 24), "range"),
    ("The militia shelled the port last weekend.", "last weekend", D(2023, 12, 23), D(2023, 12, 24), "range"),
    ("The camp was attacked three weeks ago.", "three weeks ago", D(2023, 12, 4), D(2023, 12, 10), "week"),
    ("The commander was killed a month ago.", "a month ago", D(2023, 11, 13), D(2023, 12, 13), "month"),
])
def test_periods_against_a_thursday(sentence, words, earliest, latest, precision):
    when = only(sentence, THU)
    assert when.text == words
    assert window(when) == (earliest, latest, precision)
    assert when.date is None  # only a single day has a date


@pytest.mark.parametrize("published, sentence, earliest, latest", [
    (WED, "The coalition was formed last December.", D(2023, 12, 1), D(2023, 12, 31)),
    (WED, "The coalition was formed in December.", D(2023, 12, 1), D(2023, 12, 31)),
    (WED, "Fighting flared in late December.", D(2023, 12, 21), D(2023, 12, 31)),
    (WED, "Elections are due in early January.", D(2024, 1, 1), D(2024, 1, 10)),
    (WED, "Eleven fighters were killed last week.", D(2023, 12, 25), D(2023, 12, 31)),
    (WED, "The party won the vote last year.", D(2023, 1, 1), D(2023, 12, 31)),
    (MON, "Fighters regrouped over the weekend.", D(2023, 12, 30), D(2023, 12, 31)),
    (D(2024, 3, 1), "Fighting flared in late February.", D(2024, 2, 21), D(2024, 2, 29)),
    (D(2025, 3, 1), "Fighting flared in late February.", D(2025, 2, 21), D(2025, 2, 28)),
    (D(2023, 10, 10), "The coalition was formed last October.", D(2022, 10, 1), D(2022, 10, 31)),
    (D(2024, 3, 10), "The town fell in May last year.", D(2023, 5, 1), D(2023, 5, 31)),
    (D(2024, 3, 10), "The town fell in December last year.", D(2023, 12, 1), D(2023, 12, 31)),
    (D(2024, 3, 10), "Elections are due in April of next year.", D(2025, 4, 1), D(2025, 4, 30)),
    (D(2024, 3, 10), "Talks resume in June this year.", D(2024, 6, 1), D(2024, 6, 30)),
])
def test_periods_across_year_boundaries_and_leap_years(published, sentence, earliest, latest):
    when = only(sentence, published)
    assert (when.earliest, when.latest) == (earliest, latest)


# --- ranges and vague words -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words, earliest, latest", [
    ("There have been 106 attacks on the bases since October 17.", "since October 17", D(2023, 10, 17), THU),
    ("There have been 106 attacks since October 17, 2023.", "since October 17, 2023", D(2023, 10, 17), THU),
    ("Thousands have fled since 7 October.", "since 7 October", D(2023, 10, 7), THU),
    ("Prices have tripled since the start of the year.", "since the start of the year", D(2023, 1, 1), THU),
    ("No aid has arrived since last week.", "since last week", D(2023, 12, 18), THU),
    ("The group has grown since 2014.", "since 2014", D(2014, 1, 1), THU),
    ("Strikes hit the port between 20 and 25 December.", "between 20 and 25 December", D(2023, 12, 20),
     D(2023, 12, 25)),
    ("Strikes hit the port between December 20 and 25.", "between December 20 and 25", D(2023, 12, 20),
     D(2023, 12, 25)),
    ("The road was closed from Monday to Wednesday.", "from Monday to Wednesday", D(2023, 12, 25),
     D(2023, 12, 27)),
    ("The war lasted from 2014 to 2016.", "from 2014 to 2016", D(2014, 1, 1), D(2016, 12, 31)),
    ("The mission ran between March 2021 and May 2022.", "between March 2021 and May 2022", D(2021, 3, 1),
     D(2022, 5, 31)),
    ("The group says it has downed drones recently.", "recently", D(2023, 11, 28), THU),
    ("Attacks have multiplied in recent months.", "recent months", D(2023, 9, 29), THU),
    ("Raids have intensified in recent weeks.", "recent weeks", D(2023, 11, 30), THU),
    ("Several villages emptied in recent days.", "recent days", D(2023, 12, 21), THU),
    ("At least 40 people died in the past 24 hours.", "the past 24 hours", D(2023, 12, 27), THU),
    ("Shelling has eased over the past two weeks.", "the past two weeks", D(2023, 12, 14), THU),
    ("More troops will arrive in the coming days.", "the coming days", THU, D(2024, 1, 4)),
    ("Three districts were captured in the summer of 2022.", "the summer of 2022", D(2022, 6, 1),
     D(2022, 8, 31)),
    ("The offensive stalled last summer.", "last summer", D(2023, 6, 1), D(2023, 8, 31)),
    ("Two soldiers were seized a few days ago.", "a few days ago", D(2023, 12, 23), D(2023, 12, 26)),
])
def test_ranges_and_vague_words(sentence, words, earliest, latest):
    when = only(sentence, THU)
    assert when.text == words
    assert window(when) == (earliest, latest, "range")


def test_from_december_to_january_rolls_back_a_year():
    when = only("Supplies were cut from December 20 to January 5.", THU)
    assert (when.earliest, when.latest) == (D(2022, 12, 20), D(2023, 1, 5))


def test_until_gives_only_an_upper_bound():
    when = only("The curfew stays in force until October 17, 2024.", THU)
    assert (when.earliest, when.latest, when.precision) == (None, D(2024, 10, 17), "range")


def test_lists_of_years_and_months_are_each_read():
    found = find_times("Floods hit the region in 2019 and 2021, and again in October and November.", THU)
    assert [w.text for w in found] == ["2019", "2021", "October", "November"]


# --- times of day -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words, day", [
    ("The blast happened on Tuesday at 3 p.m. local time.", "Tuesday at 3 p.m. local time", D(2023, 12, 26)),
    ("Jets struck at dawn on Tuesday.", "at dawn on Tuesday", D(2023, 12, 26)),
    ("Gunfire erupted at about 10:30am on Monday.", "at about 10:30am on Monday", D(2023, 12, 25)),
    ("Yesterday, at 15:30 GMT, the convoy moved.", "Yesterday, at 15:30 GMT", D(2023, 12, 27)),
])
def test_times_of_day_join_the_day_but_do_not_change_it(sentence, words, day):
    when = only(sentence, THU)
    assert (when.text, when.date, when.precision) == (words, day, "day")


def test_a_time_of_day_alone_is_no_date():
    assert find_times("The curfew starts at 6 p.m. and ends at dawn.", THU) == []


# --- without a publication date ---------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Rebels shelled the town on Tuesday.",
    "Eleven fighters were killed last week.",
    "The coalition was formed last October.",
    "Attacks have multiplied in recent months.",
    "There have been 106 attacks since October 17.",
    "Fighting resumed on Dec. 27 after a brief lull.",
    "Elections are due in early January.",
    "Two civilians died two days ago.",
    "Strikes hit the port between 20 and 25 December.",
])
def test_relative_expressions_stay_unresolved_without_publication_date(sentence):
    when = only(sentence, None)
    assert (when.date, when.earliest, when.latest, when.precision) == (None, None, None, "unknown")


@pytest.mark.parametrize("sentence, earliest, latest, precision", [
    ("The checkpoint was attacked on 27 December 2023.", D(2023, 12, 27), D(2023, 12, 27), "day"),
    ("The checkpoint was attacked on December 27, 2023.", D(2023, 12, 27), D(2023, 12, 27), "day"),
    ("The decree, dated 2023-12-27, was published.", D(2023, 12, 27), D(2023, 12, 27), "day"),
    ("The militia was founded in October 2023.", D(2023, 10, 1), D(2023, 10, 31), "month"),
    ("The drone attacks began in 2014.", D(2014, 1, 1), D(2014, 12, 31), "year"),
    ("Three districts were captured in the summer of 2022.", D(2022, 6, 1), D(2022, 8, 31), "range"),
    ("There have been 106 attacks since October 17, 2023.", D(2023, 10, 17), None, "range"),
])
def test_absolute_expressions_resolve_without_publication_date(sentence, earliest, latest, precision):
    assert window(only(sentence, None)) == (earliest, latest, precision)


# --- what is not a time -----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The militias may attack the bases again, the official warned.",
    "May God protect our soldiers, the statement ended.",
    "Thousands joined a protest march through the capital.",
    "The march was organised by students.",
    "The Sunday Times reported that the minister had resigned.",
    "According to the Sunday Morning Herald, the deal fell through.",
    "Fighters of the March 23 Movement seized the town.",
    "The Good Friday Agreement ended decades of violence.",
    "Veterans of Black September gathered in Amman.",
    "Insurgents carried out 106 attacks on the bases.",
    "A second attack followed within minutes.",
    "A force of 2000 troops was sent to the border.",
    "Between 1500 and 2000 fighters took part in the assault.",
    "June Smith, a spokeswoman, declined to comment.",
    "The October Revolution is a national holiday.",
    "The fall of Mosul shocked the region.",
    "Protesters recalled the Arab Spring.",
    "The next day, soldiers returned to the village.",
    "A curfew lasted 12 hours.",
])
def test_no_false_positives(sentence):
    assert [w.text for w in find_times(sentence, THU)] == []


def test_sunday_times_is_skipped_but_the_day_is_read():
    found = find_times("The Sunday Telegraph said on Sunday that talks had failed.", THU)
    assert [(w.text, w.date) for w in found] == [("Sunday", D(2023, 12, 24))]


# --- a whole article --------------------------------------------------------------------------------------

ARTICLE = """\
Gunmen attacked an army post near the northern border on Tuesday night, killing four soldiers, the defence
ministry said on Wednesday. It was the deadliest raid since October 17, when militants overran a police station.
The group behind the raid, formed last October by three factions, has claimed 52 attacks in recent months.
In 2014 its founders fought in the same valley. Residents said that 300 families had fled over the weekend and
that drones had been heard late on Monday. The Sunday Times reported last week that talks may resume in March.
"""


def test_an_article_gives_ordered_non_overlapping_spans():
    found = find_times(ARTICLE, THU)
    assert [w.text for w in found] == [
        "Tuesday night", "Wednesday", "since October 17", "last October", "recent months", "2014",
        "the weekend", "late on Monday", "last week", "March"]
    ends = [0]
    for when in found:
        assert when.span[0] >= ends[-1]
        assert ARTICLE[when.span[0]:when.span[1]] == when.text
        ends.append(when.span[1])


def test_the_pipeline_puts_resolved_times_into_mentions(extractor):
    extraction = extractor.extract(Document(id="t1", text=ARTICLE, published=THU))
    times = [m for m in extraction.mentions if m.kind == "time"]
    assert [m.text for m in times][:3] == ["Tuesday night", "Wednesday", "since October 17"]
    first = times[0]
    assert first.when.date == D(2023, 12, 26) and first.when.span == first.span
    since = times[2].when
    assert (since.earliest, since.latest, since.precision) == (D(2023, 10, 17), THU, "range")


def test_the_pipeline_without_publication_date(extractor):
    extraction = extractor.extract(Document(id="t2", text=ARTICLE, published=None))
    whens = {m.text: m.when for m in extraction.mentions if m.kind == "time"}
    assert whens["Wednesday"].precision == "unknown" and whens["Wednesday"].date is None
    assert whens["2014"].earliest == D(2014, 1, 1)


# --- the grammar itself -----------------------------------------------------------------------------------

def test_every_pattern_holds_an_anchor():
    lex = load_lexicon()
    specs = [s for group in (*family_specs(lex).values(), *phrase_specs(lex).values()) for s in group]
    before, after = reach(specs, lex)
    assert before + after <= 12
    with pytest.raises(ValueError):
        reach(["the PASTW COUNT?"], lex)


def test_fallback_predicates_match_what_the_flags_match():
    """The slower predicates (used when the vocab has no free flag bits) read the same expressions."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc(ARTICLE + " Prices rose in the past two weeks, 10:30am on 27 Dec. 2023, mid-2022.")
    fast = sorted(TimeGrammar(nlp.vocab).matches(doc))
    slow = sorted(TimeGrammar(nlp.vocab, use_flags=False).matches(doc))
    assert fast == slow and len(fast) > 10
