"""Office-holder checks through the real pipeline: a person named in an office they did not hold on
the day the sentence speaks of is flagged; former holders named as such, persons the knowledge base
never records in that office, and sentences dated to the term are not."""

from __future__ import annotations

import datetime as dt

import pytest

from conflictlens.model import Document


def flags(extractor, text: str, published: dt.date):
    found = extractor.extract(Document(id="c", text=text, published=published)).flags
    return [f for f in found if f.kind == "office_holder"]


def test_wrong_prime_minister_on_the_publication_day_is_flagged(extractor):
    text = "Iraqi Prime Minister Mustafa al-Kadhimi met tribal leaders in Anbar to discuss security."
    [flag] = flags(extractor, text, dt.date(2023, 12, 28))
    assert flag.evidence.text == "Iraqi Prime Minister Mustafa al-Kadhimi"
    assert text[flag.evidence.start:flag.evidence.end] == flag.evidence.text
    assert "Mohammed Shia al-Sudani" in flag.message and "2020-05-07" in flag.message


def test_same_words_during_the_term_are_right(extractor):
    text = "Iraqi Prime Minister Mustafa al-Kadhimi met tribal leaders in Anbar to discuss security."
    assert flags(extractor, text, dt.date(2021, 6, 1)) == []


def test_appositive_title_and_possessive_country(extractor):
    text = "Mustafa al-Kadhimi, the Iraqi prime minister, said the talks would resume."
    assert len(flags(extractor, text, dt.date(2024, 2, 1))) == 1
    text = "Iraq's Prime Minister Mustafa al-Kadhimi said the talks would resume."
    assert len(flags(extractor, text, dt.date(2024, 2, 1))) == 1


def test_holder_of_a_title_without_a_country(extractor):
    text = "President Joe Biden said on Monday that the troops would stay."
    assert len(flags(extractor, text, dt.date(2025, 6, 4))) == 1
    assert flags(extractor, text, dt.date(2023, 6, 7)) == []


@pytest.mark.parametrize("text", [
    "Former Iraqi Prime Minister Mustafa al-Kadhimi met tribal leaders in Anbar.",
    "The rally was led by supporters of ousted Prime Minister Mustafa al-Kadhimi.",
    "A portrait of the late President Joe Biden hung in the hall.",
    "Then-Prime Minister Mustafa al-Kadhimi ordered the raid.",
])
def test_former_holders_named_as_such_are_not_flagged(extractor, text):
    assert flags(extractor, text, dt.date(2025, 6, 4)) == []


def test_a_sentence_dated_within_the_term_is_not_flagged(extractor):
    text = "In March 2021, Prime Minister Mustafa al-Kadhimi hosted the pope in Baghdad."
    assert flags(extractor, text, dt.date(2023, 12, 28)) == []


def test_titles_the_kb_does_not_map_to_the_person_are_not_flagged(extractor):
    # Iran's president is its head of government in the knowledge base, its supreme leader the head of
    # state: "President" names neither office for these persons, so nothing can be contradicted.
    text = "President Ebrahim Raisi and Supreme Leader Ali Khamenei addressed the crowd."
    assert flags(extractor, text, dt.date(2023, 11, 2)) == []


def test_a_name_without_a_title_is_not_checked(extractor):
    assert flags(extractor, "Mustafa al-Kadhimi visited Erbil.", dt.date(2023, 12, 28)) == []
