"""Sources and reporting frames on sentences written for these tests, through the real pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from conflictlens.kb import get_kb
from conflictlens.model import Document
from conflictlens.nlp.attribution import attribution_at
from conflictlens.nlp.sources import LEXICON_PATH

PUBLISHED = dt.date(2024, 3, 14)


@pytest.fixture(scope="module")
def nlp(extractor):
    return extractor.nlp


def run(nlp, text):
    doc = nlp.make_doc(text)
    doc._.published = PUBLISHED
    return nlp(doc)


def by_text(doc):
    return {span.text: span._.source for span in doc.spans["sources"]}


def chain(doc, phrase):
    """The (name, verb) chain over the first character of `phrase`."""
    return [(s.name, s.verb) for s in attribution_at(doc, doc.text.index(phrase))]


def needs_actor(actor_id):
    return pytest.mark.skipif(actor_id not in get_kb().actors, reason=f"knowledge base has no {actor_id} yet")


# ---------------------------------------------------------------- outlets

def test_outlet_with_descriptor_is_one_span(nlp):
    doc = run(nlp, "According to the Qatari daily Al-Araby al-Jadid, the talks in Cairo collapsed on Monday.")
    source = by_text(doc)["the Qatari daily Al-Araby al-Jadid"]
    assert (source.name, source.kind, source.kb_id, source.affiliation) == (
        "Al-Araby Al-Jadeed", "outlet", "al_araby_al_jadeed", "QA")
    assert source.verb == "according to"
    start = doc.text.index("the Qatari")
    assert source.span == (start, start + len("the Qatari daily Al-Araby al-Jadid"))


@pytest.mark.parametrize("spelling", ["Al-Mayadeen", "Al Mayadeen", "Al-Miyadin", "al-Mayadin"])
def test_outlet_spelling_variants(nlp, spelling):
    doc = run(nlp, f"{spelling} reported on Friday that two rockets struck an empty field near Metula.")
    [source] = by_text(doc).values()
    assert (source.name, source.kb_id, source.verb) == ("Al-Mayadeen", "al_mayadeen", "reported")


@pytest.mark.parametrize("phrase", ["the Al-Mayadeen network", "the Lebanese channel Al Mayadeen",
                                    "the Beirut-based Al-Mayadeen TV"])
def test_outlet_descriptor_phrases(nlp, phrase):
    doc = run(nlp, f"A militia commander told {phrase} that his men had pulled back from the border.")
    assert by_text(doc)[phrase].kb_id == "al_mayadeen"


def test_outlet_other_name_and_monitor(nlp):
    doc = run(nlp, "The New Arab reported that mediators met in Doha. The Syrian Observatory for Human Rights, "
                   "a Britain-based war monitor, said 14 fighters were killed near Deir ez-Zor.")
    sources = by_text(doc)
    assert sources["The New Arab"].name == "Al-Araby Al-Jadeed"
    monitor = sources["The Syrian Observatory for Human Rights"]
    assert (monitor.kind, monitor.kb_id, monitor.verb) == ("other", "sohr", "said")
    assert chain(doc, "14 fighters") == [("Syrian Observatory for Human Rights", "said")]


@pytest.mark.parametrize("text", [
    "The National Guard was deployed to the capital on Sunday.",
    "Protests spread across Fars province overnight.",
    "The national army reported no losses.",
    "At dawn, the convoy left the camp.",
])
def test_words_that_only_look_like_outlets(nlp, text):
    doc = run(nlp, text)
    assert not any(span._.source.kind == "outlet" for span in doc.spans["sources"])


def test_ambiguous_outlet_name_counts_in_a_reporting_position(nlp):
    doc = run(nlp, "Fars reported that the drills near Bushehr ended. The semi-official Mehr news agency said "
                   "three sailors were hurt.")
    sources = by_text(doc)
    assert sources["Fars"].kb_id == "fars"
    assert sources["The semi-official Mehr news agency"].kb_id == "mehr"


# ---------------------------------------------------------------- people, roles, documents

@pytest.mark.parametrize("sentence, phrase, kind, affiliation", [
    ("A senior Pentagon official said the strike hit a command post.", "A senior Pentagon official",
     "official", "Pentagon"),
    ("A US defence official said two drones were shot down.", "A US defence official", "official", "US"),
    ("Iraqi security sources said the launch site was near Jurf al-Sakhar.", "Iraqi security sources",
     "anonymous", "IQ"),
    ("A spokesman for the army said troops sealed off the district.", "A spokesman for the army",
     "spokesperson", "army"),
    ("A local journalist said the bridge was destroyed.", "A local journalist", "journalist", None),
    ("An unnamed Lebanese journalist reported that a drone fell near Naqoura.", "An unnamed Lebanese journalist",
     "journalist", "LB"),
    ("Witnesses said the gunmen arrived on motorcycles.", "Witnesses", "other", None),
    ("Medical sources said nine people were wounded.", "Medical sources", "anonymous", None),
    ("The health ministry said the toll had risen to 31.", "The health ministry", "official", None),
])
def test_role_sources(nlp, sentence, phrase, kind, affiliation):
    source = by_text(run(nlp, sentence))[phrase]
    assert (source.kind, source.affiliation) == (kind, affiliation)
    assert source.verb in ("said", "reported")


def test_office_holder_as_source(nlp):
    doc = run(nlp, "The Iraqi prime minister said talks with the factions had stalled. Later, "
                   "\"We will not accept foreign bases,\" according to the prime minister.")
    first = by_text(doc)["The Iraqi prime minister"]
    assert (first.name, first.kind, first.affiliation) == ("Prime Minister of Iraq", "official", "IQ")
    later = by_text(doc)["the prime minister"]  # the same office, named again without the country
    assert (later.name, later.affiliation, later.verb) == ("Prime Minister of Iraq", "IQ", "according to")


def test_statement_of_a_group_and_the_document(nlp):
    doc = run(nlp, "The group said in a statement that its fighters had withdrawn from the ridge. "
                   "The statement was posted on Telegram. Later the statement said two fighters died.")
    sources = by_text(doc)
    assert (sources["The group"].kind, sources["The group"].verb) == ("group", "said")
    assert "a statement" not in sources  # the speaker's medium, not a second source
    assert sources["the statement"].verb == "said"  # a document that speaks is one


def test_statement_carried_by_an_outlet(nlp):
    doc = run(nlp, "Two militants were killed in a firefight near Rask, the Guards' Quds base said in a statement "
                   "carried by the Tasnim news agency.")
    assert chain(doc, "Two militants") == [("Tasnim", "reported"), ("the Guards' Quds base", "said")]
    assert by_text(doc)["Tasnim news agency"].kind == "outlet"


def test_actor_speaking_is_a_source(nlp):
    doc = run(nlp, "The IDF said it struck a weapons depot in southern Lebanon.")
    [source] = [s._.source for s in doc.spans["sources"]]
    assert source.kind == "official" and source.kb_id == "military_il" and source.affiliation == "IL"
    assert chain(doc, "it struck") == [(source.name, "said")]


@needs_actor("hezbollah")
def test_armed_group_speaking_is_a_group_source(nlp):
    doc = run(nlp, "Hezbollah said its fighters targeted an Israeli position with guided missiles.")
    [source] = [s._.source for s in doc.spans["sources"]]
    assert (source.kind, source.kb_id) == ("group", "hezbollah")


@needs_actor("kataib_hezbollah")
def test_sources_close_to_an_actor_are_linked(nlp):
    doc = run(nlp, "Sources close to Kataib Hezbollah said the truce would not last.")
    source = by_text(doc)["Sources close to Kataib Hezbollah"]
    assert (source.kind, source.affiliation) == ("anonymous", "Kata'ib Hezbollah")
    assert source.name == "sources close to Kata'ib Hezbollah"


@needs_actor("kataib_hezbollah")
def test_sources_close_to_the_group_follow_the_last_group_named(nlp):
    doc = run(nlp, "Kataib Hezbollah fired rockets at the base. Sources close to the group said more would follow.")
    assert by_text(doc)["Sources close to the group"].affiliation == "Kata'ib Hezbollah"


def test_plain_mentions_of_roles_are_not_sources(nlp):
    doc = run(nlp, "Residents fled the village after officials ordered an evacuation.")
    assert list(doc.spans["sources"]) == []
    assert doc._.frames == []


# ---------------------------------------------------------------- frames and scope

def test_nested_frames_outermost_first(nlp):
    doc = run(nlp, "According to the Qatari newspaper Al-Araby Al-Jadeed, sources close to the militias said "
                   "the attacks would resume next week.")
    assert chain(doc, "the attacks") == [("Al-Araby Al-Jadeed", "according to"),
                                         ("sources close to the militias", "said")]
    depths = {f.source.name: f.depth for f in doc._.frames}
    assert depths == {"Al-Araby Al-Jadeed": 0, "sources close to the militias": 1}


def test_confirmed_to_puts_the_outlet_outside(nlp):
    doc = run(nlp, "A senior Pentagon official confirmed to the Al-Miyadin network on Wednesday that "
                   "\"there were 58 attacks on our bases since October 17.\"")
    assert chain(doc, "there were") == [("Al-Mayadeen", "reported"), ("a senior Pentagon official", "confirmed")]


def test_told_and_quoted_as_saying(nlp):
    doc = run(nlp, "Residents told AFP that the shelling lasted all night. IRNA quoted a senior commander as "
                   "saying the missiles hit their targets.")
    assert chain(doc, "the shelling") == [("Agence France-Presse", "reported"), ("residents", "told")]
    assert chain(doc, "the missiles") == [("IRNA", "quoted"), ("a senior commander", "said")]


def test_postposed_frames_govern_what_precedes(nlp):
    doc = run(nlp, "Five soldiers were killed in the ambush, the ministry said. The convoy was hit by a roadside "
                   "bomb, according to witnesses. The road reopened in the evening.")
    assert chain(doc, "Five soldiers") == [("the ministry", "said")]
    assert chain(doc, "The convoy") == [("witnesses", "according to")]
    assert chain(doc, "The road reopened") == []


def test_frame_scope_is_the_sentence(nlp):
    doc = run(nlp, "Shafaq News reported that a drone struck a truck near Al-Qaim. A second blast hit a "
                   "checkpoint in Rutba.")
    assert chain(doc, "a drone struck") == [("Shafaq News", "reported")]
    assert chain(doc, "A second blast") == []
    assert chain(doc, "Shafaq News") == []  # the source itself stands outside what it vouches for


def test_anaphora_carries_the_chain(nlp):
    doc = run(nlp, "One source told Al-Araby Al-Jadeed that the talks had stalled. According to the same source, "
                   "the militias demanded a timetable for the withdrawal.")
    assert chain(doc, "the militias demanded") == [("Al-Araby Al-Jadeed", "reported"), ("one source", "according to")]


def test_quotation_goes_on_in_the_next_sentence(nlp):
    doc = run(nlp, "\"Our forces are ready,\" the defence minister said. \"We will answer any attack.\"\n"
                   "The border stayed quiet on Friday.")
    assert [s.verb for s in attribution_at(doc, doc.text.index("We will"))] == ["said"]
    assert chain(doc, "The border") == []


def test_extractor_mentions_include_sources(extractor):
    text = "Rudaw reported on Tuesday that a drone hit an oil field near Erbil."
    extraction = extractor.extract(Document(id="t1", text=text, published=PUBLISHED))
    sources = [m for m in extraction.mentions if m.kind == "source"]
    assert [(m.text, m.kb_id) for m in sources] == [("Rudaw", "rudaw")]


# ---------------------------------------------------------------- data files

def test_outlets_data():
    kb = get_kb()
    assert len(kb.outlets) >= 200
    owner: dict[str, str] = {}
    for outlet in kb.outlets.values():
        assert outlet.source
        for name in outlet.names():
            assert owner.setdefault(name.lower(), outlet.id) == outlet.id, f"{name!r} names two outlets"
    for wanted in ("reuters", "al_mayadeen", "al_araby_al_jadeed", "al_manar", "sana", "irna", "wafa",
                   "kyiv_independent", "radio_dabanga", "mizzima", "sohr"):
        assert wanted in kb.outlets


def test_outlet_affiliations_point_to_actors():
    kb = get_kb()
    missing = {o.id: o.affiliation for o in kb.outlets.values() if o.affiliation and o.affiliation not in kb.actors}
    assert not {k: v for k, v in missing.items() if v.startswith("state_") or v.startswith("military_")}
    if not any(a.kind in ("militia", "terrorist", "rebel") for a in kb.actors.values()):
        pytest.skip("armed groups not in the knowledge base yet")
    assert not missing


def test_lexicon_has_a_source_note():
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    assert len(data["source"]) > 20
    assert data["verbs"]["according"] == "according to"


# ---------------------------------------------------------------- wire-copy patterns

def test_name_beside_its_role(nlp):
    doc = run(nlp, "Across the border, the governor of Russia's Kursk region, Ivan Petrov, said a drone hit a "
                   "substation. Seven posts were abandoned, according to a district council member, Omar Salih.")
    governor = by_text(doc)["the governor of Russia's Kursk region, Ivan Petrov"]
    assert (governor.name, governor.kind, governor.affiliation) == ("Ivan Petrov", "official", "RU")
    assert chain(doc, "Seven posts") == [("Omar Salih", "according to")]


def test_postposed_frame_with_a_trailing_phrase(nlp):
    doc = run(nlp, "A shell struck the market, a doctor at the main hospital said on Telegram. Two boats sank, "
                   "the coastguard said, adding that a search had begun.")
    assert chain(doc, "A shell") == [("a doctor at the main hospital", "said")]
    assert chain(doc, "Two boats") == [("the coastguard", "said")]
    assert chain(doc, "a search had begun") == [("the coastguard", "added")]


def test_unlisted_outlet_and_institution(nlp):
    doc = run(nlp, "A commander told Tigris Wire that the road was cut. The Kremlin said the talks were over.")
    assert chain(doc, "the road") == [("Tigris Wire", "reported"), ("a commander", "told")]
    kremlin = by_text(doc)["The Kremlin"]
    assert (kremlin.kind, kremlin.affiliation) == ("official", "RU")


# ---------------------------------------------------------------- canonical names and linked sources

def test_dateline_credit_is_no_source_but_the_same_outlet_told_is(nlp):
    doc = run(nlp, "HARGEISA, May 3 (Horn Ledger) – Gunmen killed two guards at a depot, a local elder told "
                   "Horn Ledger.")
    sources = [(span.text, span.start_char) for span in doc.spans["sources"]]
    assert ("Horn Ledger", doc.text.index("(") + 1) not in sources
    assert chain(doc, "Gunmen") == [("Horn Ledger", "reported"), ("a local elder", "told")]


def test_coordinated_speakers_both_vouch(nlp):
    doc = run(nlp, "Militants burned a clinic near the market, local officials and two residents said. "
                   "The army fought the rebels and officials said little about it.")
    assert chain(doc, "Militants") == [("local officials", "said"), ("two residents", "said")]
    assert "the rebels" not in by_text(doc)  # the object of 'fought' is no speaker


@pytest.mark.parametrize("sentence", [
    "Residents, a nurse and two local officials said the militia burned a granary near Kaga.",
    "Residents, a nurse, and two local officials said the militia burned a granary near Kaga.",
    "The militia burned a granary near Kaga, residents, a nurse and two local officials said.",
    "According to residents, a nurse and two local officials, the militia burned a granary near Kaga.",
    "The militia burned a granary near Kaga, according to residents, a nurse and two local officials.",
    '"They came at night and burned the granary," said residents, a nurse and two local officials.',
])
def test_three_coordinated_speakers_all_vouch(nlp, sentence):
    doc = run(nlp, sentence)
    at = "They came" if "They came" in sentence else "the militia" if "the militia" in sentence else "The militia"
    assert [name for name, _ in chain(doc, at)] == ["residents", "a nurse", "two local officials"]
    assert {"residents", "a nurse", "two local officials"} <= {s.name for s in by_text(doc).values() if s.verb}


def test_coordinated_speakers_leave_objects_and_clauses_out(nlp):
    doc = run(nlp, "Soldiers shot three porters, two teachers and a nurse said. According to the police, the "
                   "rebels and the army clashed at dawn. The talks failed, according to Musa Dau, Ali Garba and "
                   "Ruth Nyang.")
    assert [name for name, _ in chain(doc, "Soldiers")] == ["two teachers", "a nurse"]
    assert [name for name, _ in chain(doc, "rebels and")] == ["the police"]
    assert [name for name, _ in chain(doc, "The talks")] == ["Musa Dau", "Ali Garba", "Ruth Nyang"]


def test_a_name_joined_by_and_is_one_source(nlp):
    doc = run(nlp, "Attacks rose in March, according to the Centre for Peace and Security Research.")
    assert "Security Research" not in {s.name for s in by_text(doc).values()}


@pytest.mark.parametrize("sentence, name", [
    ("The Herald of Gbarnga reported that gunmen robbed a bus near the border.", "The Herald of Gbarnga"),
    ("Gunmen robbed a bus near the border, the Voice of the Lofa Hills said.", "Voice of the Lofa Hills"),
    ("According to Radio of the Republic of Liberia, gunmen robbed a bus near the border.",
     "Radio of the Republic of Liberia"),
    ("Gunmen robbed a bus near the border, the Courier of Voinjama station reported.", "Courier of Voinjama"),
    ("Gunmen robbed a bus near the border, Community Radio Voice of Salala said.", "Community Radio Voice of Salala"),
])
def test_unlisted_outlet_names_go_on_after_of(nlp, sentence, name):
    doc = run(nlp, sentence)
    [(source_name, verb)] = chain(doc, "gunmen" if sentence.startswith(("The Herald", "According")) else "Gunmen")
    assert source_name == name and verb in ("reported", "said", "according to")
    source = next(s for s in by_text(doc).values() if s.name == name)
    assert source.kind == "outlet"


def test_listed_outlet_names_with_of_and_longer_unlisted_ones(nlp):
    doc = run(nlp, "Voice of America reported that the ferry sank. The Times of Lofa said the crew was rescued. "
                   "A reporter for the Times of India said the port closed.")
    assert chain(doc, "the ferry") == [("Voice of America", "reported")]
    assert chain(doc, "the crew") == [("The Times of Lofa", "said")]  # not the listed The Times
    reporter = by_text(doc)["A reporter for the Times of India"]
    assert (reporter.kind, reporter.affiliation) == ("journalist", "The Times of India")


@pytest.mark.parametrize("text, name", [
    ("Gunmen shot two guards near Tripoli, the Daily Star of Lebanon reported.", "The Daily Star (Lebanon)"),
    ("Police detained five protesters in Belgrade, Radio Television of Serbia said.", "Radio Television of Serbia"),
    ("Bandits seized twelve farmers near Gusau, Voice of Nigeria reported.", "Voice of Nigeria"),
])
def test_listed_outlets_whose_names_hold_of(nlp, text, name):
    doc = run(nlp, text)
    sources = [s for s in by_text(doc).values() if s.kind == "outlet"]
    assert [s.name for s in sources] == [name]


def test_of_after_an_outlet_name_that_is_no_name(nlp):
    doc = run(nlp, "A farmer told the Lofa Herald of Monday's raid on the village.")
    assert "Lofa Herald" in by_text(doc)


@needs_actor("military_ru")
def test_state_ministry_gets_its_canonical_name_and_the_state_entry(nlp):
    doc = run(nlp, "Air defences shot down nine drones overnight, Russia's defence ministry said.\n\n"
                   "Two more were downed at dawn, the ministry said.")
    first, later = by_text(doc)["Russia's defence ministry"], by_text(doc)["the ministry"]
    assert (first.name, first.kb_id, first.affiliation) == ("Ministry of Defence of Russia", "military_ru", "RU")
    assert (later.name, later.kb_id) == ("Ministry of Defence of Russia", "military_ru")


@needs_actor("military_ua")
def test_general_staff_and_non_state_ministry(nlp):
    doc = run(nlp, "Ukraine's General Staff said 40 assaults were repelled.")
    staff = by_text(doc)["Ukraine's General Staff"]
    assert (staff.name, staff.kb_id) == ("General Staff of the Armed Forces of Ukraine", "military_ua")


@needs_actor("nug")
def test_ministry_of_a_non_state_body_is_named_after_it(nlp):
    doc = run(nlp, "The NUG's defence ministry said resistance fighters ambushed a convoy.")
    ministry = by_text(doc)["The NUG's defence ministry"]
    assert (ministry.name, ministry.kb_id) == ("Ministry of Defence of National Unity Government", "nug")


@needs_actor("nigeria_labour_congress")
def test_the_union_is_the_organisation_named_before(nlp):
    doc = run(nlp, "Police detained 15 marchers, among them an NLC official, the union said.")
    union = by_text(doc)["the union"]
    assert (union.name, union.kb_id) == ("Nigeria Labour Congress", "nigeria_labour_congress")


@needs_actor("monusco")
def test_the_mission_is_the_actor_of_that_name(nlp):
    doc = run(nlp, "Peacekeepers of the MONUSCO mission exchanged fire with gunmen near a camp, the mission said.")
    assert chain(doc, "Peacekeepers") == [("United Nations Organization Stabilization Mission in the DR Congo", "said")]


@needs_actor("baloch_yakjehti_committee")
def test_spokesperson_named_after_the_organisation(nlp):
    doc = run(nlp, "The Baloch Yakjehti Committee called a strike.\n\n"
                   "Police arrested nine of its members, a spokesman for the group said.")
    assert by_text(doc)["a spokesman for the group"].name == "Baloch Yakjehti Committee spokesman"
    doc = run(nlp, "A car bomb killed four people, a Taliban police spokesman in the province said.")
    assert by_text(doc)["a Taliban police spokesman in the province"].name == "Taliban police spokesman"


@needs_actor("vyacheslav_gladkov")
def test_appositive_person_names_the_role(nlp):
    doc = run(nlp, "A drone hit a depot, the governor of Russia's Belgorod region, Vyacheslav Gladkov, said.")
    assert chain(doc, "A drone") == [("Vyacheslav Gladkov", "said")]


def test_words_that_look_like_sources_but_are_not(nlp):
    doc = run(nlp, "Nobody has claimed the bombing. Dozens died, many of them farmers accused of helping the army. "
                   "The president said she would send more soldiers to the state and denied that the town had fallen.")
    texts = set(by_text(doc))
    assert not texts & {"Nobody", "farmers", "soldiers"}
    assert "The president" in texts


def test_sources_in_possessives_acronyms_and_figures(nlp):
    doc = run(nlp, "Riot police fired tear gas, the students' union said. A strike killed two fighters, "
                   "the US Africa Command (AFRICOM) said. Ninety people died, according to government figures.")
    sources = by_text(doc)
    assert sources["the students' union"].verb == "said"
    assert sources["the US Africa Command"].name == "United States Africa Command"
    assert sources["government figures"].kind == "document"


def test_officials_in_a_named_department_told_an_outlet(nlp):
    doc = run(nlp, "Officials in the Alibori department told Sahel Wire that fighters had set up a camp.")
    assert chain(doc, "fighters") == [("Sahel Wire", "reported"), ("officials in the Alibori department", "told")]


def test_speakers_behind_acronyms_participles_and_hyphenated_places(nlp):
    doc = run(nlp, "A bomber hit a convoy near Mir Ali, killing two soldiers, the military's media wing, "
                   "Inter-Services Public Relations (ISPR), said.")
    assert chain(doc, "A bomber") == [("Inter-Services Public Relations", "said")]
    doc = run(nlp, "Gunmen killed four guards near a border post, police in Indian-administered Kashmir said.")
    assert chain(doc, "Gunmen") == [("Police Forces of India", "said")]
    doc = run(nlp, "Twelve soldiers were killed in an ambush near Ayorou, the defence ministry said in a statement "
                   "read on state television.")
    (name, verb), = chain(doc, "Twelve")  # named after the article's country where the gazetteer places Ayorou
    assert verb == "said" and name in ("Ministry of Defence of Niger", "the defence ministry")
    doc = run(nlp, "Two civilians were hurt, a spokesman for the army's southern command told Dnipro Wire.")
    assert chain(doc, "Two civilians") == [("Dnipro Wire", "reported"),
                                           ("a spokesman for the army's southern command", "told")]
    doc = run(nlp, "Worshippers marched toward the governor's office, videos shared on social media showed.")
    assert chain(doc, "Worshippers") == [("videos", "showed")]
