"""Coverage and consistency of the knowledge base's armed groups, umbrellas and office holders
(kb/data/actors/*.yaml other than states.yaml and generic.yaml): the core actors of each theatre exist
with the right kind and country, memberships form no cycles, umbrellas have members, office terms do
not overlap, dated lookups answer what happened, and the real pipeline links these names in text."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from conflictlens.kb import DATA_DIR, load_kb
from conflictlens.model import Document

SHARED_FILES = {"states.yaml", "generic.yaml"}
D = dt.date


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def group_files() -> list[Path]:
    return sorted(p for p in (DATA_DIR / "actors").glob("*.yaml") if p.name not in SHARED_FILES)


@pytest.fixture(scope="module")
def group_ids() -> set[str]:
    ids = set()
    for path in group_files():
        ids.update(entry["id"] for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["actors"])
    return ids


# --- size and shape ---------------------------------------------------------------------------------

def test_group_files_are_large_and_sourced(kb, group_ids):
    assert len(group_ids) > 700, f"only {len(group_ids)} armed groups, umbrellas and persons"
    assert len(kb) > 1000
    for path in group_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(str(data.get("source") or "")) > 20, f"{path.name} has no source note"


CORE = {
    # id: (kind, country)
    "islamic_resistance_in_iraq": ("umbrella", "IQ"), "kataib_hezbollah": ("militia", "IQ"),
    "harakat_hezbollah_al_nujaba": ("militia", "IQ"), "kataib_sayyid_al_shuhada": ("militia", "IQ"),
    "ansar_allah_al_awfiya": ("militia", "IQ"), "kataib_al_imam_ali": ("militia", "IQ"), "asaib_ahl_al_haq": ("militia", "IQ"),
    "badr_organization": ("militia", "IQ"), "pmf": ("umbrella", "IQ"), "peshmerga": ("state_forces", "IQ"),
    "kurdistan_regional_government": ("political", "IQ"),
    "hts": ("terrorist", "SY"), "jabhat_al_nusra": ("terrorist", "SY"), "syrian_national_army": ("umbrella", "SY"),
    "free_syrian_army": ("umbrella", "SY"), "sdf": ("rebel", "SY"), "ypg": ("rebel", "SY"), "pkk": ("rebel", "TR"),
    "national_defence_forces": ("militia", "SY"), "hurras_al_din": ("terrorist", "SY"),
    "islamic_state": ("terrorist", None), "iswap": ("terrorist", "NG"), "is_khorasan": ("terrorist", "AF"),
    "is_sahel": ("terrorist", "ML"), "is_sinai": ("terrorist", "EG"), "iscap": ("terrorist", "CD"),
    "hezbollah": ("militia", "LB"), "islamic_resistance_lebanon": ("militia", "LB"), "amal_movement": ("militia", "LB"),
    "ansar_allah": ("rebel", "YE"), "stc": ("militia", "YE"), "giants_brigades": ("militia", "YE"), "aqap": ("terrorist", "YE"),
    "islah_party": ("political", "YE"), "presidential_leadership_council": ("political", "YE"),
    "hamas": ("militia", "PS"), "qassam_brigades": ("militia", "PS"), "pij": ("militia", "PS"), "al_quds_brigades": ("militia", "PS"),
    "fatah": ("political", "PS"), "lions_den": ("militia", "PS"), "israeli_settlers": ("militia", "IL"),
    "shin_bet": ("state_forces", "IL"), "mossad": ("state_forces", "IL"),
    "irgc": ("state_forces", "IR"), "irgc_quds_force": ("state_forces", "IR"), "basij": ("militia", "IR"),
    "jaish_al_adl": ("rebel", "IR"), "pjak": ("rebel", "IR"), "mek": ("rebel", "IR"), "axis_of_resistance": ("umbrella", None),
    "jnim": ("terrorist", "ML"), "ansar_dine": ("terrorist", "ML"), "katiba_macina": ("terrorist", "ML"),
    "wagner_group": ("militia", "RU"), "vdp": ("militia", "BF"), "dan_na_ambassagou": ("militia", "ML"), "fla": ("rebel", "ML"),
    "rsf": ("militia", "SD"), "splm_n_al_hilu": ("rebel", "SD"), "splm_n_agar": ("rebel", "SD"), "jem": ("rebel", "SD"),
    "slm_minnawi": ("rebel", "SD"), "slm_abdel_wahid": ("rebel", "SD"), "janjaweed": ("militia", "SD"),
    "azov": ("state_forces", "UA"), "gur_ukraine": ("state_forces", "UA"), "sbu": ("state_forces", "UA"),
    "russian_volunteer_corps": ("rebel", "RU"), "freedom_of_russia_legion": ("rebel", "RU"), "dpr": ("political", "UA"),
    "akhmat": ("state_forces", "RU"),
    "arakan_army": ("rebel", "MM"), "three_brotherhood_alliance": ("umbrella", "MM"), "kia": ("rebel", "MM"), "nug": ("political", "MM"),
}


@pytest.mark.parametrize("entry_id", sorted(CORE))
def test_core_actor_of_each_theatre(kb, entry_id):
    kind, country = CORE[entry_id]
    entry = kb.actors.get(entry_id)
    assert entry is not None, f"{entry_id} missing"
    assert (entry.kind, entry.country) == (kind, country)


def test_forces_of_and_person_only_fields(kb, group_ids):
    for entry_id in group_ids:
        entry = kb.actors[entry_id]
        if entry.kind == "state_forces" and entry.forces_of:
            assert kb.actors[entry.forces_of].kind == "state", entry_id
        if entry.kind != "person":
            assert not entry.offices and not entry.leads, f"{entry_id}: offices/leads are for persons"
        for field in ("member_of", "backed_by", "allied_with", "leads"):
            for link in getattr(entry, field):
                assert link.valid_from is None or link.valid_to is None or link.valid_from <= link.valid_to, entry_id
        assert entry.valid_from is None or entry.valid_to is None or entry.valid_from <= entry.valid_to, entry_id


# --- graph ------------------------------------------------------------------------------------------

def test_membership_graph_has_no_cycles(kb):
    parents = {a.id: [link.id for link in a.member_of] for a in kb.actors.values()}
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for parent in parents.get(node, []):
            assert state.get(parent) != 1, "member_of cycle: " + " -> ".join([*path, node, parent])
            if parent not in state:
                visit(parent, [*path, node])
        state[node] = 2

    for node in parents:
        if node not in state:
            visit(node, [])


def test_every_umbrella_has_members(kb):
    empty = [a.id for a in kb.actors.values() if a.kind == "umbrella" and not kb.members(a.id)]
    assert not empty, f"umbrellas without members: {empty}"


def test_memberships_on_a_date(kb):
    assert "kataib_hezbollah" in kb.members("islamic_resistance_in_iraq", D(2024, 1, 1))
    assert {"harakat_hezbollah_al_nujaba", "kataib_sayyid_al_shuhada", "ansar_allah_al_awfiya",
            "kataib_al_imam_ali"} <= set(kb.members("islamic_resistance_in_iraq", D(2023, 12, 28)))
    assert kb.members("islamic_resistance_in_iraq", D(2022, 1, 1)) == []  # it did not exist yet
    assert "pmf" in kb.umbrellas("kataib_hezbollah", D(2019, 6, 1))
    assert "al_qaeda" in kb.umbrellas("jabhat_al_nusra", D(2014, 1, 1))
    assert "al_qaeda" not in kb.umbrellas("jabhat_al_nusra", D(2012, 6, 1))  # pledged in April 2013
    assert "islamic_state" in kb.umbrellas("boko_haram", D(2015, 6, 1))
    assert "islamic_state" not in kb.umbrellas("boko_haram", D(2017, 1, 1))
    assert "jnim" in kb.umbrellas("katiba_macina", D(2020, 1, 1))
    assert "qassam_brigades" in kb.members("hamas") and "al_quds_brigades" in kb.members("pij")
    assert "irgc_quds_force" in kb.members("irgc")
    assert {"arakan_army", "tnla", "mndaa"} <= set(kb.members("three_brotherhood_alliance"))
    assert "syrian_national_army" in kb.umbrellas("national_front_for_liberation", D(2020, 1, 1))
    assert "syrian_national_army" not in kb.umbrellas("national_front_for_liberation", D(2019, 1, 1))


def test_province_memberships_follow_the_announcements(kb):
    provinces = {"is_sinai": D(2014, 11, 13), "is_khorasan": D(2015, 1, 26), "iswap": D(2015, 3, 12),
                 "iscap": D(2019, 4, 18), "is_mozambique": D(2022, 5, 10)}
    for province, announced in provinces.items():
        assert "islamic_state" in kb.umbrellas(province, announced), province
        assert "islamic_state" not in kb.umbrellas(province, announced - dt.timedelta(days=1)), province
    assert len(kb.members("islamic_state", D(2024, 1, 1))) >= 12


# --- offices ----------------------------------------------------------------------------------------

def terms_by_office(kb) -> dict[tuple[str, str], list[tuple]]:
    terms = defaultdict(list)
    for actor in kb.actors.values():
        for term in actor.offices:
            terms[(term.office, term.country)].append((term.valid_from, term.valid_to, term.acting, actor.id))
    return terms


def test_office_terms_are_ordered_and_do_not_overlap(kb):
    terms = terms_by_office(kb)
    assert len(terms) > 60
    for (office, country), held in terms.items():
        for start, end, _acting, who in held:
            assert end is None or start <= end, f"{who}: {office} {country} ends before it starts"
        full = sorted(t for t in held if not t[2])
        for (start, end, _, who), (next_start, _next_end, _, successor) in zip(full, full[1:]):
            assert end is not None, f"{office} {country}: {who}'s open term overlaps {successor}'s"
            assert next_start >= end, f"{office} {country}: {who} until {end}, {successor} from {next_start}"


def test_no_term_outlives_its_holder(kb):
    for actor in kb.actors.values():
        if actor.kind == "person" and actor.valid_to:
            for term in actor.offices:
                assert term.valid_to is not None and term.valid_to <= actor.valid_to, actor.id
            for link in actor.leads:
                assert link.valid_to is None or link.valid_to <= actor.valid_to, actor.id


def holders(kb, office: str, country: str, day: dt.date) -> set[str]:
    return {a.id for a in kb.office_holders(office, country, day)}


def test_office_holders_on_dates(kb):
    assert holders(kb, "head_of_government", "IQ", D(2023, 12, 28)) == {"mohammed_shia_al_sudani"}
    assert holders(kb, "head_of_government", "IQ", D(2021, 6, 1)) == {"mustafa_al_kadhimi"}
    assert holders(kb, "head_of_government", "IQ", D(2016, 1, 1)) == {"haider_al_abadi"}
    assert holders(kb, "head_of_state", "SY", D(2024, 12, 1)) == {"bashar_al_assad"}
    assert holders(kb, "head_of_state", "SY", D(2025, 3, 1)) == {"ahmed_al_sharaa"}
    assert holders(kb, "head_of_state", "YE", D(2023, 6, 1)) == {"rashad_al_alimi"}  # not the Houthi council
    assert holders(kb, "defence_minister", "IL", D(2024, 3, 1)) == {"yoav_gallant"}
    assert holders(kb, "defence_minister", "IL", D(2025, 1, 1)) == {"israel_katz"}
    assert holders(kb, "head_of_government", "IL", D(2022, 9, 1)) == {"yair_lapid"}
    assert holders(kb, "head_of_state", "US", D(2023, 12, 28)) == {"joe_biden"}
    assert holders(kb, "defence_minister", "US", D(2023, 12, 28)) == {"lloyd_austin"}
    assert holders(kb, "head_of_state", "UA", D(2022, 3, 1)) == {"volodymyr_zelensky"}
    assert holders(kb, "defence_minister", "RU", D(2023, 1, 1)) == {"sergei_shoigu"}
    assert holders(kb, "head_of_state", "SD", D(2024, 1, 1)) == {"abdel_fattah_al_burhan"}
    assert holders(kb, "head_of_state", "ML", D(2023, 1, 1)) == {"assimi_goita"}
    assert holders(kb, "head_of_state", "BF", D(2023, 1, 1)) == {"ibrahim_traore"}
    assert holders(kb, "head_of_state", "NE", D(2024, 1, 1)) == {"abdourahamane_tchiani"}
    assert holders(kb, "head_of_government", "LB", D(2024, 10, 1)) == {"najib_mikati"}
    assert holders(kb, "head_of_state", "IR", D(2024, 1, 1)) == {"ali_khamenei"}
    assert holders(kb, "head_of_government", "GB", D(2022, 10, 1)) == {"liz_truss"}
    assert holders(kb, "head_of_government", "FR", D(2024, 10, 1)) == {"michel_barnier"}
    assert holders(kb, "head_of_state", "TR", D(2020, 1, 1)) == holders(kb, "head_of_government", "TR", D(2020, 1, 1)) \
        == {"recep_tayyip_erdogan"}
    assert holders(kb, "head_of_government", "TR", D(2017, 1, 1)) == {"binali_yildirim"}
    # 2014-2025 coverage: every required country has a head of state on each 1 January
    for country in ("IQ", "SY", "LB", "YE", "IL", "PS", "IR", "US", "RU", "UA", "SD", "ML", "BF", "NE", "MM", "TR", "SA",
                    "AE", "QA", "EG", "JO", "GB", "FR"):
        for year in range(2014, 2026):
            day = D(year, 1, 1)
            if country == "LB" and year in (2015, 2016, 2023, 2024, 2025):
                continue  # Lebanon's presidency was vacant (May 2014 - Oct 2016, Nov 2022 - 9 Jan 2025)
            assert holders(kb, "head_of_state", country, day), f"no head of state of {country} on {day}"


def test_group_leaders_on_dates(kb):
    def leader(group: str, day: dt.date) -> set[str]:
        return {a.id for a in kb.actors.values() if any(link.id == group and link.active_on(day) for link in a.leads)}

    assert leader("hezbollah", D(2020, 1, 1)) == {"hassan_nasrallah"}
    assert leader("hezbollah", D(2024, 12, 1)) == {"naim_qassem"}
    assert leader("islamic_state", D(2017, 1, 1)) == {"abu_bakr_al_baghdadi"}
    assert leader("hts", D(2020, 1, 1)) == {"ahmed_al_sharaa"}
    assert leader("ansar_allah", D(2023, 12, 1)) == {"abdul_malik_al_houthi"}
    assert leader("wagner_group", D(2023, 1, 1)) == {"yevgeny_prigozhin"}
    assert "abu_mahdi_al_muhandis" in leader("kataib_hezbollah", D(2019, 1, 1))
    assert "abu_mahdi_al_muhandis" not in leader("kataib_hezbollah", D(2021, 1, 1))


# --- aliases ----------------------------------------------------------------------------------------

def test_no_alias_names_two_entries(kb, group_ids):
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in kb.actors.values():
        for name in actor.names():
            owners[name.casefold()].add(actor.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1 and ids & group_ids}
    assert not shared, f"aliases shared by several entries: {dict(list(shared.items())[:10])}"


def test_generic_words_are_no_aliases(kb, group_ids):
    generic = {"the group", "resistance", "the resistance", "militants", "rebels", "fighters", "the army", "forces",
               "government", "the movement", "brigade", "the brigades", "the front", "assad", "hariri", "jihad"}
    for entry_id in group_ids:
        assert not generic & {n.casefold() for n in kb.actors[entry_id].names()}, entry_id


# --- the real pipeline ------------------------------------------------------------------------------

def linked(extractor, text: str) -> list[tuple[str, str]]:
    result = extractor.extract(Document(id="kb-coverage", text=text, published=D(2024, 1, 5)))
    return [(m.text, m.kb_id) for m in result.mentions if m.kind in ("actor", "person")]


def test_pipeline_links_iraqi_factions_and_their_spellings(extractor):
    text = ("Kataeb Hizballah and Harakat al-Nujaba fired drones at a base in western Anbar on Thursday, the "
            "Islamic Resistance in Iraq said in a statement. The Hezbollah Brigades said Prime Minister Mohammed "
            "Shia al-Sudani had been warned.")
    found = linked(extractor, text)
    assert ("Kataeb Hizballah", "kataib_hezbollah") in found
    assert ("Harakat al-Nujaba", "harakat_hezbollah_al_nujaba") in found
    assert ("Islamic Resistance in Iraq", "islamic_resistance_in_iraq") in found
    assert ("Hezbollah Brigades", "kataib_hezbollah") in found
    assert ("Mohammed Shia al-Sudani", "mohammed_shia_al_sudani") in found
    assert not any(kb_id == "hezbollah" for _, kb_id in found)  # "Hezbollah Brigades" is not Lebanon's Hezbollah


def test_pipeline_links_groups_across_theatres(extractor):
    text = ("The Houthis said they fired a missile at a tanker in the Red Sea. In Gaza, the Qassam Brigades and "
            "Saraya al-Quds claimed attacks on troops. JNIM fighters ambushed a convoy near Djibo, while the RSF "
            "shelled El Fasher. The SDF said an IS cell was dismantled; in Ukraine, Azov Brigade soldiers held "
            "positions, and the Arakan Army seized a town in Rakhine.")
    found = dict(linked(extractor, text))
    assert found.get("The Houthis") == "ansar_allah"
    assert found.get("Qassam Brigades") == "qassam_brigades"
    assert found.get("Saraya al-Quds") == "al_quds_brigades"
    assert found.get("JNIM") == "jnim"
    assert found.get("RSF") == "rsf"
    assert found.get("SDF") == "sdf"
    assert found.get("IS") == "islamic_state"
    assert found.get("Azov Brigade") == "azov"
    assert found.get("Arakan Army") == "arakan_army"


def test_acronyms_need_their_capitals(extractor):
    found = linked(extractor, "He said it is what it is, and kh or sdf were typed in lower case.")
    assert not {kb_id for _, kb_id in found} & {"islamic_state", "kataib_hezbollah", "sdf"}
