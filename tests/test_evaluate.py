"""`conflictlens eval`: gold reading, event alignment, per-field scores, and the command end to end.

The gold articles here are written for these tests; the predictions are hand-built
model.Extraction objects (input data for the scorer), or the real pipeline's output in the
end-to-end tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conflictlens.evaluate import read_gold, score
from conflictlens.evaluate.align import assign
from conflictlens.evaluate.compare import get_matcher, km
from conflictlens.evaluate.gold import GoldArticle, GoldError
from conflictlens.model import (Actor, Event, Extraction, Flag, Location, Relation, Source, Span, Statement, Tally,
                                When)

ARTICLES = Path(__file__).parent / "data" / "articles"

TEXT = (
    "MOSUL (Test Wire) – Gunmen attacked a police checkpoint in Tarmiyah on Monday, killing three officers, "
    "a police spokesman said. Islamic State claimed the attack in a statement.\n\n"
    "Separately, Turkish warplanes struck a house near Sinjar last week, Turkey's defence ministry said.\n\n"
    "Kata'ib Hezbollah, a member of the Islamic Resistance in Iraq, denied any role. Attacks in the province "
    "have killed 40 people since January, according to the governor."
)

GOLD = {
    "id": "iraq-test-checkpoint",
    "published": dt.date(2024, 3, 6),         # a Wednesday: "on Monday" is 4 March, "last week" 26 Feb - 3 Mar
    "outlet": "Test Wire",
    "title": "Gunmen attack checkpoint in Tarmiyah",
    "url": "https://testwire.example/tarmiyah",
    "text": TEXT,
    "mentions": [
        {"kind": "place", "text": "Tarmiyah", "name": "Tarmiyah", "country": "IQ", "lat": 33.67, "lon": 44.39,
         "precision": 1, "relation": "in"},
        {"kind": "time", "text": "on Monday", "earliest": dt.date(2024, 3, 4), "latest": dt.date(2024, 3, 4),
         "precision": "day"},
        {"kind": "actor", "text": "Kata'ib Hezbollah", "name": "Kata'ib Hezbollah", "actor_kind": "militia"},
    ],
    "events": [
        {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Islamic State",
         "actor2": "Police Forces of Iraq",
         "location": {"name": "Tarmiyah", "country": "IQ", "lat": 33.67, "lon": 44.39, "precision": 1, "relation": "in"},
         "date": {"earliest": dt.date(2024, 3, 4), "latest": dt.date(2024, 3, 4)}, "fatalities": 3,
         "claimed_by": "Islamic State", "attribution": ["police spokesman"], "trigger": "attacked a police checkpoint"},
        {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
         "actor1": "Military Forces of Turkey", "actor2": None,
         "location": {"name": "Sinjar", "country": "IQ", "lat": 36.32, "lon": 41.87, "precision": 2, "relation": "near"},
         "date": {"earliest": dt.date(2024, 2, 26), "latest": dt.date(2024, 3, 3)}, "fatalities": None,
         "claimed_by": None, "attribution": ["Ministry of Defence of Turkey"], "trigger": "struck a house"},
    ],
    "tallies": [{"count": 40, "what": "people killed", "where": ["Salah al-Din"], "evidence": "killed 40 people",
                 "attribution": ["governor"]}],
    "statements": [{"kind": "denial", "speaker": "Kata'ib Hezbollah", "text": "denied any role",
                    "date": {"earliest": dt.date(2024, 3, 6), "latest": dt.date(2024, 3, 6)}}],
    "relations": [{"subject": "Kata'ib Hezbollah", "predicate": "member_of", "object": "Islamic Resistance in Iraq",
                   "evidence": "a member of the Islamic Resistance in Iraq"}],
    "flags": [],
}


def write_gold(directory: Path, data: dict = GOLD, name: str | None = None) -> Path:
    path = directory / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def load_one(path: Path) -> GoldArticle:
    items = list(read_gold([path]))
    assert len(items) == 1 and isinstance(items[0], GoldArticle), items
    return items[0]


@pytest.fixture()
def gold(tmp_path) -> GoldArticle:
    return load_one(write_gold(tmp_path))


def span(words: str, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(words, start + 1)
    return Span(text=words, start=start, end=start + len(words))


def sentence(words: str) -> Span:
    """The sentence of TEXT holding `words` (sentences end with a full stop and a space or a blank line)."""
    at = TEXT.index(words)
    start = max(TEXT.rfind(". ", 0, at) + 2, TEXT.rfind("\n\n", 0, at) + 2, 0)
    end = TEXT.index(".", at) + 1
    return Span(text=TEXT[start:end], start=start, end=end)


def place(name: str, lat: float, lon: float, country: str = "IQ", precision: int = 1) -> Location:
    return Location(name=name, text=name, lat=lat, lon=lon, country=country, precision=precision)


def actor(name: str, kb_id: str | None, kind: str = "other") -> Actor:
    return Actor(name=name, text=name, kb_id=kb_id, kind=kind)


def day(y: int, m: int, d: int) -> When:
    return When(date=dt.date(y, m, d), earliest=dt.date(y, m, d), latest=dt.date(y, m, d), precision="day")


def checkpoint_event(**changes) -> Event:
    fields = dict(id="e1", event_type="Battles", sub_event_type="Armed clash",
                  actor1=actor("Islamic State", "islamic_state", "terrorist"),
                  actor2=actor("Police Forces of Iraq", "police_iq", "state_forces"),
                  location=place("Tarmiyah", 33.68, 44.40), date=day(2024, 3, 4), fatalities=3,
                  claimed_by=actor("Islamic State", "islamic_state", "terrorist"),
                  attribution=[Source(name="a police spokesman", kind="spokesperson")],
                  trigger=span("attacked"), evidence=sentence("attacked"))
    fields.update(changes)
    return Event(**fields)


def strike_event(**changes) -> Event:
    fields = dict(id="e2", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                  actor1=actor("Military Forces of Turkey", "military_tr", "state_forces"),
                  location=place("Sinjar", 36.32, 41.87, precision=2),
                  date=When(earliest=dt.date(2024, 2, 26), latest=dt.date(2024, 3, 3), precision="week"),
                  attribution=[Source(name="Ministry of Defence of Turkey", kind="official")],
                  trigger=span("struck"), evidence=sentence("struck"))
    fields.update(changes)
    return Event(**fields)


def extraction(gold: GoldArticle, *events: Event, **others) -> Extraction:
    return Extraction(document=gold.document().info(), events=list(events), **others)


def scored(gold: GoldArticle, *events: Event, **others):
    return score([gold], {gold.id: extraction(gold, *events, **others)})


def prf(report, field: str) -> tuple:
    c = report.fields[field]
    return (c.correct, c.predicted, c.gold)


# --- reading gold ------------------------------------------------------------------------------------------

def test_gold_is_read_with_trigger_spans(gold):
    assert gold.id == "iraq-test-checkpoint" and gold.published == dt.date(2024, 3, 6)
    start, end = gold.events[0].span
    assert TEXT[start:end] == "attacked a police checkpoint"
    assert TEXT[slice(*gold.tallies[0].span)] == "killed 40 people"


def test_bad_gold_files_are_reported_with_file_and_line_and_the_rest_still_read(tmp_path):
    good = write_gold(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\npublished: 2024-03-06\ntext: |\n  Some words.\nevents: [\n", encoding="utf-8")
    no_trigger = dict(GOLD, id="no-trigger", events=[dict(GOLD["events"][0], trigger="stormed the base")])
    missing = write_gold(tmp_path, no_trigger)
    bad_date = dict(GOLD, id="bad-date", events=[dict(GOLD["events"][0], date={"earliest": "soon"})])
    dated = write_gold(tmp_path, bad_date)
    items = list(read_gold([tmp_path]))
    errors = {Path(e.source.split(":")[0]).name: e for e in items if isinstance(e, GoldError)}
    assert [a.id for a in items if isinstance(a, GoldArticle)] == [GOLD["id"]]
    assert good.name not in errors
    assert errors["broken.yaml"].source == f"{broken}:6" and "not valid YAML" in errors["broken.yaml"].reason
    line = next(n for n, text in enumerate(missing.read_text().splitlines(), 1) if "stormed the base" in text)
    assert errors[missing.name].source == f"{missing}:{line}"
    assert "'stormed the base' (occurrence 1) is not in the text" in errors[missing.name].reason
    assert errors[dated.name].reason.startswith("events[0].date.earliest:")


def test_jsonl_gold_reads_like_yaml_and_bad_lines_name_their_line(tmp_path, gold):
    from conflictlens.evaluate import to_jsonl_line

    path = tmp_path / "gold.jsonl"
    path.write_text(to_jsonl_line(gold) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n"
                    + json.dumps(json.loads(to_jsonl_line(gold)) | {"id": "second"}) + "\n", encoding="utf-8")
    items = list(read_gold([path]))
    assert [i.id for i in items if isinstance(i, GoldArticle)] == ["iraq-test-checkpoint", "second"]
    assert [e.source for e in items if isinstance(e, GoldError)] == [f"{path}:2", f"{path}:3"]
    again = items[0]
    assert again.events[1].date.earliest == dt.date(2024, 2, 26) and again.events[0].span == gold.events[0].span
    assert json.loads(to_jsonl_line(gold))["published"] == "2024-03-06"


def test_duplicate_article_ids_are_errors(tmp_path):
    write_gold(tmp_path)
    write_gold(tmp_path, name="copy")
    items = list(read_gold([tmp_path]))
    assert sum(isinstance(i, GoldArticle) for i in items) == 1
    assert any(isinstance(i, GoldError) and "already read" in i.reason for i in items)


# --- alignment and detection -------------------------------------------------------------------------------

def test_perfect_prediction_scores_full_marks(gold):
    report = scored(gold, strike_event(), checkpoint_event(),   # order does not matter
                    tallies=[Tally(count=40, what="people", evidence=span("killed 40 people"))],
                    statements=[Statement(kind="denial", text="denied any role", evidence=sentence("denied any role"))],
                    relations=[Relation(subject=actor("Kataib Hezbollah", "kataib_hezbollah"), predicate="member_of",
                                        object=actor("IRI", "islamic_resistance_in_iraq"), evidence=span("a member"))])
    for name in ("detection", "event_type", "sub_event_type", "actor1", "actor2", "location_25km", "location_161km",
                 "date_exact", "date_overlap", "fatalities", "claimed_by", "attribution", "tallies", "statements",
                 "relations"):
        c = report.fields[name]
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0), (name, c)
    assert prf(report, "actor2") == (1, 1, 1)          # the strike has no actor2: nothing to predict, nothing predicted
    assert report.fields["fatalities"].accuracy == 1.0  # null = null counts as agreement on aligned pairs
    assert report.worst() == [] or all("mentions" in e for a in report.worst() for e in a.errors)


def test_nothing_predicted_gives_zero_recall_and_no_precision(gold):
    report = scored(gold)
    c = report.fields["detection"]
    assert (c.correct, c.predicted, c.gold, c.precision, c.recall, c.f1) == (0, 0, 2, None, 0.0, 0.0)
    assert prf(report, "claimed_by") == (0, 0, 1)
    assert report.articles[0].errors[:2] == ["missed Battles / Armed clash: 'attacked a police checkpoint'",
                                             "missed Explosions/Remote violence / Air/drone strike: 'struck a house'"]


def test_spurious_and_unrelated_events_cost_precision_only(gold):
    elsewhere = checkpoint_event(id="x", event_type="Protests", sub_event_type="Peaceful protest",
                                 trigger=span("denied"), evidence=sentence("denied"), location=place("Basra", 30.5, 47.8))
    report = scored(gold, checkpoint_event(), strike_event(), elsewhere)
    assert prf(report, "detection") == (2, 3, 2)
    assert prf(report, "actor1") == (2, 3, 2)           # every predicted value counts in precision
    event_errors = [e for e in report.articles[0].errors
                    if not e.startswith(("tallies", "statements", "relations", "flags")) and "mentions" not in e]
    assert event_errors == ["spurious Protests / Peaceful protest: 'denied'"]


def test_a_prediction_in_the_trigger_sentence_aligns_even_with_other_words(gold):
    report = scored(gold, checkpoint_event(trigger=span("killing"), event_type="Violence against civilians",
                                           sub_event_type="Attack"))
    assert prf(report, "detection") == (1, 1, 2)
    assert prf(report, "event_type") == (0, 1, 2)
    assert prf(report, "actor1") == (1, 1, 2)


def test_same_type_date_and_place_aligns_without_shared_words(gold):
    far_words = strike_event(trigger=span("denied"), evidence=sentence("denied"))
    wrong_type = strike_event(trigger=span("denied"), evidence=sentence("denied"), event_type="Battles",
                              sub_event_type="Armed clash")
    assert prf(scored(gold, far_words), "detection") == (1, 1, 2)
    assert prf(scored(gold, wrong_type), "detection") == (0, 1, 2)


def test_alignment_maximises_pairs_then_similarity():
    weights = {("g1", "p1"): 0.9, ("g1", "p2"): 0.5, ("g2", "p1"): 0.4}
    pairs = assign(["g1", "g2"], ["p1", "p2"], lambda g, p: weights.get((g, p)))
    assert sorted(pairs) == [(0, 1), (1, 0)]            # greedy would take g1-p1 and leave g2 alone
    assert assign(["g1"], ["p1", "p2"], lambda g, p: weights.get((g, p))) == [(0, 0)]
    assert assign(["g2"], ["p2"], lambda g, p: weights.get((g, p))) == []


def test_two_predictions_of_one_event_count_once(gold):
    report = scored(gold, checkpoint_event(), checkpoint_event(id="dup", trigger=span("killing")))
    assert prf(report, "detection") == (1, 2, 2)
    assert prf(report, "fatalities") == (1, 2, 1)


# --- fields ------------------------------------------------------------------------------------------------

def north_of(lat: float, lon: float, kilometres: float) -> tuple[float, float]:
    return lat + kilometres / 111.195, lon


@pytest.mark.parametrize("kilometres,near,region", [(0, 1, 1), (20, 1, 1), (30, 0, 1), (150, 0, 1), (170, 0, 0)])
def test_location_within_25_and_161_km(gold, kilometres, near, region):
    lat, lon = north_of(33.67, 44.39, kilometres)
    assert abs(km(33.67, 44.39, lat, lon) - kilometres) < 0.1
    report = scored(gold, checkpoint_event(location=place("somewhere", lat, lon)))
    assert prf(report, "location_25km") == (near, 1, 2)
    assert prf(report, "location_161km") == (region, 1, 2)


def test_a_region_is_right_anywhere_in_its_country(gold, tmp_path):
    region = dict(GOLD, events=[dict(GOLD["events"][0], location={"name": "Salah al-Din", "country": "IQ", "lat": 34.5,
                                                                   "lon": 43.5, "precision": 3, "relation": "in"})])
    article = load_one(write_gold(tmp_path, region))
    far_in_iraq = checkpoint_event(location=place("Basra", 30.51, 47.78))
    in_syria = checkpoint_event(location=place("Abu Kamal", 34.45, 40.92, country="SY"))
    assert prf(scored(article, far_in_iraq), "location_25km") == (1, 1, 1)
    assert prf(scored(article, in_syria), "location_161km") == (0, 1, 1)


def test_dates_exact_and_overlapping(gold):
    def date_scores(first: When, second: When) -> tuple:
        report = scored(gold, checkpoint_event(date=first), strike_event(date=second))
        return report.fields["date_exact"].correct, report.fields["date_overlap"].correct

    week = When(earliest=dt.date(2024, 2, 26), latest=dt.date(2024, 3, 3), precision="week")
    assert date_scores(day(2024, 3, 4), week) == (2, 2)
    # a day inside the gold week overlaps it but is not exact; a range around the gold day likewise
    around = When(earliest=dt.date(2024, 3, 1), latest=dt.date(2024, 3, 6), precision="range")
    assert date_scores(around, day(2024, 2, 28)) == (0, 2)
    assert date_scores(day(2024, 3, 5), day(2024, 3, 4)) == (0, 0)
    bare = When(date=dt.date(2024, 3, 4))               # only `date` set: a one-day range
    assert date_scores(bare, When()) == (1, 1)
    assert prf(scored(gold, checkpoint_event(date=When())), "date_exact") == (0, 0, 2)


def test_fatalities_zero_is_a_value_and_null_is_none(gold, tmp_path):
    nobody = load_one(write_gold(tmp_path, dict(GOLD, events=[dict(GOLD["events"][0], fatalities=0)])))
    assert prf(scored(nobody, checkpoint_event(fatalities=0)), "fatalities") == (1, 1, 1)
    assert prf(scored(nobody, checkpoint_event(fatalities=None)), "fatalities") == (0, 0, 1)
    assert prf(scored(gold, checkpoint_event(fatalities=4)), "fatalities") == (0, 1, 1)


def test_actor_names_are_compared_through_the_knowledge_base():
    matcher = get_matcher()
    us = "Military Forces of the United States"
    assert matcher.same_actor(us, actor("American troops", "military_us"))
    assert not matcher.same_actor(us, actor("United States", "state_us"))
    assert matcher.same_actor(us, actor("U.S. Central Command", None))   # no id: its name resolves through the kb
    assert matcher.same_actor("Kata'ib Hezbollah", actor("Kataib Hizballah", "kataib_hezbollah"))
    assert not matcher.same_actor("Kata'ib Hezbollah", actor("Harakat al-Nujaba", "harakat_hezbollah_al_nujaba"))
    # generic actors: the same kb entry in the same country
    assert matcher.same_actor("Civilians (Iraq)", actor("residents", "civilians"), country="IQ")
    assert matcher.same_actor("Civilians (Iraq)", actor("Civilians (Iraq)", "civilians"), country="SY")
    assert not matcher.same_actor("Civilians (Iraq)", actor("residents", "civilians"), country="SY")
    assert not matcher.same_actor("Civilians (Iraq)", actor("Protesters (Iraq)", "protesters"), country="IQ")
    # a named actor without a country of its own is no generic actor: the event's country does not matter
    assert matcher.same_actor("Al Qaeda", actor("al-Qaeda", "al_qaeda"), country="ML", predicted_country="NE")
    # unidentified actors: by kind and country
    assert matcher.same_actor("Unidentified Armed Group (Iraq)", actor("unknown warplanes", "unidentified_military_forces",
                                                                       "unidentified"), country="IQ")
    assert matcher.same_actor("Unidentified Gang (Mexico)", actor("gunmen", None, "unidentified"), country="MX")
    assert not matcher.same_actor("Unidentified Armed Group (Iraq)", actor("gunmen", None, "unidentified"), country="SY")
    # names the knowledge base does not know: normalised names, ACLED "ABBR: Name" included
    assert matcher.same_actor("NLC: Nigeria Labour Congress", actor("Nigeria Labour Congress", None))
    assert not matcher.same_actor("NLC: Nigeria Labour Congress", actor("Trade Union Congress", None))


def test_actor_fields_in_the_scores(gold):
    swapped = checkpoint_event(actor1=actor("Iraqi police", "police_iq"), actor2=actor("IS", "islamic_state"))
    report = scored(gold, swapped)
    assert prf(report, "actor1") == (0, 1, 2) and prf(report, "actor2") == (0, 1, 1)
    unclaimed = scored(gold, checkpoint_event(claimed_by=None), strike_event(claimed_by=actor("Turkey", "state_tr")))
    assert prf(unclaimed, "claimed_by") == (0, 1, 1)


def test_attribution_counts_sources(gold):
    two = [Source(name="police spokesman"), Source(name="Reuters", kind="outlet")]
    report = scored(gold, checkpoint_event(attribution=two), strike_event(attribution=[]))
    assert prf(report, "attribution") == (1, 2, 2)
    outlet = scored(gold, checkpoint_event(attribution=[Source(name="Iraqi News Agency", kind="outlet")]))
    assert prf(outlet, "attribution") == (0, 1, 2)
    matcher = get_matcher()
    assert matcher.same_source("Reuters", Source(name="the news agency", kind="outlet", kb_id="reuters"))
    assert not matcher.same_source("Reuters", Source(name="Reuters", kind="outlet", kb_id="afp"))
    assert matcher.same_source("Sahel Wire", Source(name="a Sahel Wire reporter", kind="journalist"))
    assert not matcher.same_source("police spokesman", Source(name="army spokesman", kind="spokesperson"))


def test_tallies_statements_relations_and_flags(gold):
    wrong_count = Tally(count=41, what="people", evidence=span("killed 40 people"))
    elsewhere = Statement(kind="denial", text="x", evidence=sentence("struck"))
    backwards = Relation(subject=actor("IRI", "islamic_resistance_in_iraq"), predicate="member_of",
                         object=actor("KH", "kataib_hezbollah"), evidence=span("a member"))
    flag = Flag(kind="office_holder", message="not in office", evidence=span("the governor"))
    report = scored(gold, tallies=[wrong_count], statements=[elsewhere], relations=[backwards], flags=[flag])
    assert prf(report, "tallies") == (0, 1, 1)
    assert prf(report, "statements") == (0, 1, 1)
    assert prf(report, "relations") == (0, 1, 1)
    assert prf(report, "flags") == (0, 1, 0)


def test_mentions_count_when_found_and_resolved(gold):
    from conflictlens.model import Mention

    s = span("Tarmiyah")
    right = Mention(kind="place", text="Tarmiyah", span=(s.start, s.end), location=place("Tarmiyah", 33.67, 44.39))
    wrong = Mention(kind="place", text="Tarmiyah", span=(s.start, s.end), location=place("Tarmiyah", 30.0, 44.39))
    t = span("on Monday")
    monday = Mention(kind="time", text="on Monday", span=(t.start, t.end), when=day(2024, 3, 4))
    assert prf(scored(gold, mentions=[right, monday]), "mentions_place") == (1, 1, 1)
    assert prf(scored(gold, mentions=[wrong, monday]), "mentions_place") == (0, 1, 1)
    assert prf(scored(gold, mentions=[right, monday]), "mentions_time") == (1, 1, 1)


def test_by_event_type_and_worst_articles(gold, tmp_path):
    other = load_one(write_gold(tmp_path, dict(GOLD, id="other")))
    report = score([gold, other], {gold.id: extraction(gold, checkpoint_event(), strike_event())})
    battles = report.by_type["Battles"]
    assert (battles.gold, battles.predicted, battles.correct) == (2, 1, 1)
    assert [a.id for a in report.worst(1)] == ["other"]


def test_the_dev_set_scored_against_itself_is_perfect():
    """Every gold name of the dev set resolves, and alignment pairs each event with itself."""
    articles = [a for a in read_gold([ARTICLES]) if isinstance(a, GoldArticle)]
    assert len(articles) == len(list(ARTICLES.glob("*.yaml")))

    def as_actor(name):
        return Actor(name=name, text=name) if name else None

    def as_extraction(a: GoldArticle) -> Extraction:
        events = []
        for n, e in enumerate(reversed(a.events)):
            start, end = e.span
            loc = e.location
            events.append(Event(
                id=str(n), event_type=e.event_type, sub_event_type=e.sub_event_type, actor1=as_actor(e.actor1),
                actor2=as_actor(e.actor2), assoc_actor1=[as_actor(x) for x in e.assoc_actor1],
                assoc_actor2=[as_actor(x) for x in e.assoc_actor2], fatalities=e.fatalities,
                location=place(loc.name, loc.lat, loc.lon, loc.country, loc.precision) if loc else None,
                date=When(earliest=e.date.earliest, latest=e.date.end), claimed_by=as_actor(e.claimed_by),
                attribution=[Source(name=x) for x in e.attribution],
                trigger=Span(text=a.text[start:end], start=start, end=end),
                evidence=Span(text=a.text[start:end], start=start, end=end)))
        return Extraction(document=a.document().info(), events=events)

    report = score(articles, {a.id: as_extraction(a) for a in articles})
    for name in ("detection", "event_type", "sub_event_type", "actor1", "actor2", "location_25km", "date_exact",
                 "fatalities", "claimed_by", "attribution", "assoc_actors"):
        c = report.fields[name]
        assert c.correct == c.gold == c.predicted, (name, c)


# --- the command -------------------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    environment.update(NO_COLOR="1", COLUMNS="160")
    result = subprocess.run([sys.executable, "-m", "conflictlens", "eval", *args], capture_output=True, text=True,
                            timeout=300, env=environment)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_eval_runs_the_pipeline_and_writes_json_and_markdown(tmp_path):
    path = write_gold(tmp_path)
    report = tmp_path / "ACCURACY.md"
    result = run(str(path), "--json", "--markdown", str(report))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert (scores["articles"], scores["gold_events"]) == (1, 2)
    detection = scores["fields"]["detection"]
    assert detection["gold"] == 2 and detection["predicted"] == scores["predicted_events"]
    assert scores["per_article"][0]["id"] == GOLD["id"]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Accuracy")
    assert "| event detection |" in text and "| location (≤ 161 km) |" in text and "## By event type" in text
    assert "1 articles, 2 events" in text and "machine:" in text
    assert f"conflictlens eval {path}" in text


def test_eval_reports_a_bad_file_scores_the_rest_and_exits_1(tmp_path):
    write_gold(tmp_path)
    bad = tmp_path / "zz-bad.yaml"
    bad.write_text(textwrap.dedent("""\
        id: zz-bad
        published: 2024-03-06
        text: Troops fired on a crowd.
        events:
          - event_type: Battles
            sub_event_type: Armed clash
            date: {earliest: 2024-03-06, latest: 2024-03-06}
            trigger: stormed
        """), encoding="utf-8")
    predictions = tmp_path.parent / f"{tmp_path.name}-predictions.jsonl"   # outside the gold directory
    article = load_one(tmp_path / f"{GOLD['id']}.yaml")
    predictions.write_text(extraction(article, checkpoint_event()).model_dump_json() + "\n", encoding="utf-8")
    result = run(str(tmp_path), "--predictions", str(predictions), "--json")
    assert result.returncode == 1
    assert error_lines(result) == [f"error: {bad}:8: events[0].trigger: 'stormed' (occurrence 1) is not in the text "
                                   "(0 found)"]
    scores = json.loads(result.stdout)
    assert scores["articles"] == 1
    assert scores["fields"]["detection"]["correct"] == 1 and scores["fields"]["fatalities"]["correct"] == 1


def test_eval_converts_yaml_to_jsonl_and_scores_it_alike(tmp_path):
    path = write_gold(tmp_path)
    converted = tmp_path / "gold.jsonl"
    result = run(str(path), "--to-jsonl", str(converted))
    assert result.returncode == 0, result.stderr
    lines = converted.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["events"][0]["date"]["earliest"] == "2024-03-04"
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(extraction(load_one(path), strike_event()).model_dump_json() + "\n", encoding="utf-8")
    from_yaml = json.loads(run(str(path), "--predictions", str(predictions), "--json").stdout)
    from_jsonl = json.loads(run(str(converted), "--predictions", str(predictions), "--json").stdout)
    assert from_yaml["fields"] == from_jsonl["fields"]
    assert from_yaml["fields"]["detection"]["correct"] == 1


def test_eval_usage_and_input_errors_are_one_line(tmp_path):
    missing = run(str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert error_lines(missing)[0] == f"error: {tmp_path / 'nope.yaml'}: no such file or directory"
    path = write_gold(tmp_path)
    to_dir = run(str(path), "--predictions", str(path), "--markdown", str(tmp_path))
    assert to_dir.returncode == 2 and "--markdown" in error_lines(to_dir)[0]
    not_predictions = run(str(path), "--predictions", str(path))
    assert not_predictions.returncode == 1 and error_lines(not_predictions)[0].startswith(f"error: {path}:1: not valid JSON")
