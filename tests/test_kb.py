"""The knowledge base: the bundled YAML loads and holds together; the loader rejects broken copies;
every ISO country is a state with a demonym and forces; the `conflictlens kb` commands work."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
import yaml

from conflictlens.errors import KnowledgeBaseError
from conflictlens.kb import DATA_DIR, LEXICON_DIR, get_kb, load_kb

ROOT = Path(__file__).resolve().parent.parent


def kb_files(lexicon: bool = False) -> list[Path]:
    return sorted(p for p in DATA_DIR.rglob("*.yaml") if (LEXICON_DIR in p.relative_to(DATA_DIR).parts) == lexicon)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictlens", "kb", *args], capture_output=True, text=True,
                          timeout=120, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def kb():
    return get_kb()


def write_kb(folder: Path, actors: list[dict], offices: list[dict] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actors.yaml").write_text(yaml.safe_dump({"source": "test data written by test_kb.py",
                                                        "actors": actors}), encoding="utf-8")
    if offices:
        (folder / "offices.yaml").write_text(yaml.safe_dump({"source": "test data", "offices": offices}),
                                             encoding="utf-8")
    return folder


# --- the bundled data --------------------------------------------------------------------------

def test_bundled_kb_loads_and_is_large(kb):
    assert len(kb) > 1000, f"only {len(kb)} entries: armed groups and persons still missing?"
    assert {"state_iq", "civilians", "head_of_government"} <= set(kb.actors) | set(kb.offices)


def test_ids_are_unique_across_files():
    seen: dict[str, Path] = {}
    for path in kb_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("actors", "outlets", "places", "offices"):
            for raw in data.get(section) or []:
                assert raw["id"] not in seen, f"{raw['id']} in {path.name} and {seen[raw['id']].name}"
                seen[raw["id"]] = path


def test_every_link_points_to_an_existing_entry(kb):
    for actor in kb.actors.values():
        for field in ("member_of", "backed_by", "allied_with", "leads"):
            for link in getattr(actor, field):
                assert link.id in kb.actors, f"{actor.id}.{field} -> {link.id}"
        if actor.forces_of:
            assert kb.actors[actor.forces_of].kind == "state", actor.id
        for term in actor.offices:
            assert term.office in kb.offices, f"{actor.id}: office {term.office}"


def test_every_data_file_has_a_source_note():
    for path in kb_files() + kb_files(lexicon=True):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("source"):
            continue
        entries = [e for s in ("actors", "outlets", "places", "offices") for e in data.get(s) or []]
        assert entries and all(e.get("source") for e in entries), f"{path.name} has no source note"


def test_every_iso_country_is_a_state_with_demonym_and_forces(kb):
    for country in pycountry.countries:
        code = country.alpha_2.lower()
        state = kb.actors.get(f"state_{code}")
        assert state is not None and state.kind == "state", country.name
        assert state.country == country.alpha_2
        assert state.demonyms, f"{state.id} has no demonym"
        assert kb.state_of(country.alpha_2) is state
        for branch, kind in (("military", "state_forces"), ("police", "state_forces"), ("government", "political")):
            entry = kb.actors[f"{branch}_{code}"]
            assert entry.kind == kind and entry.country == country.alpha_2
        assert kb.actors[f"military_{code}"].forces_of == state.id
    assert kb.actors["military_iq"].name == "Military Forces of Iraq"
    assert kb.actors["government_iq"].name == "Government of Iraq"
    assert kb.actors["military_us"].name == "Military Forces of the United States"


def test_no_state_name_or_alias_names_two_states(kb):
    """A bare "Congo" must link one state: names shared by two states are left out of one of them."""
    owners: dict[str, set[str]] = {}
    for actor in kb.actors.values():
        if actor.kind == "state":
            for name in (actor.name, *actor.aliases):
                owners.setdefault(name.casefold(), set()).add(actor.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert not shared
    assert "Congo" in kb.actors["state_cd"].aliases and "Congo" not in kb.actors["state_cg"].aliases


def test_well_known_force_names_and_coalition(kb):
    def owner(alias: str) -> set[str]:
        return {a.id for a in kb.actors.values() if alias in a.aliases}

    assert owner("IDF") == {"military_il"}
    assert owner("Tatmadaw") == {"military_mm"}
    assert owner("Sudanese Armed Forces") == {"military_sd"}
    assert "Pentagon" not in {alias for a in kb.actors.values() for alias in a.names()}
    coalition = kb.actors["intl_coalition_oir"]
    assert coalition.kind == "state_forces" and "CJTF-OIR" in coalition.aliases


def test_islamic_state_branches_are_distinct_members_of_the_parent(kb):
    """ACLED codes IS's provinces as actors of their own ("Islamic State (West Africa)"): each is an entry with its
    ACLED name first among its aliases, a member of the parent from no earlier than its own founding, and shares
    no name with the parent (a text naming only "Islamic State" must still get the parent)."""
    branches = {m for m in kb.members("islamic_state") if kb.actors[m].aliases[:1]
                and kb.actors[m].aliases[0].startswith("Islamic State (")}
    assert {"iswap", "is_sahel", "is_sinai", "is_khorasan", "iscap", "is_mozambique", "is_somalia"} <= branches
    parent_names = {n.casefold() for n in kb.actors["islamic_state"].names()}
    for branch_id in branches:
        branch = kb.actors[branch_id]
        assert not parent_names & {n.casefold() for n in branch.names()}, branch_id
        link = next(link for link in branch.member_of if link.id == "islamic_state")
        assert not (link.valid_from and branch.valid_from and link.valid_from < branch.valid_from), branch_id
    assert {"ISWAP", "Islamic State West Africa Province"} <= set(kb.actors["iswap"].names())
    assert {"ISSP", "IS-Sahel", "Islamic State Sahel Province"} <= set(kb.actors["is_sahel"].names())


def test_generic_actors_have_no_country(kb):
    assert kb.actors["civilians"].kind == "civilians"
    assert kb.actors["unidentified_armed_group"].kind == "unidentified"
    assert "unidentified gunmen" in kb.actors["unidentified_armed_group"].aliases
    assert all(kb.actors[i].country is None for i in ("civilians", "protesters", "rioters", "journalists"))


def test_offices_other_entries_rely_on(kb):
    for office in ("head_of_state", "head_of_government", "defence_minister"):
        assert office in kb.offices
    assert "prime minister" in kb.offices["head_of_government"].titles
    assert "defense minister" in kb.offices["defence_minister"].titles


def test_generated_states_file_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_states.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- the loader on broken copies ------------------------------------------------------------------

def test_loader_rejects_a_link_to_a_missing_id(tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(DATA_DIR, copy)
    (copy / "actors" / "zz_broken.yaml").write_text(
        "source: test\nactors:\n  - {id: lone_cell, name: Lone Cell, kind: militia, member_of: [{id: no_such_group}]}\n",
        encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(copy)
    message = str(caught.value)
    assert "lone_cell" in message and "no_such_group" in message and "\n" not in message


def test_loader_rejects_duplicates_bad_kinds_and_bad_yaml(tmp_path):
    twice = write_kb(tmp_path / "dup", [{"id": "a_group", "name": "A", "kind": "militia"}])
    (twice / "more.yaml").write_text("source: test\nactors:\n  - {id: a_group, name: B, kind: rebel}\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="duplicate id 'a_group'"):
        load_kb(twice)
    with pytest.raises(KnowledgeBaseError, match="kind"):
        load_kb(write_kb(tmp_path / "kind", [{"id": "x", "name": "X", "kind": "dragons"}]))
    broken = tmp_path / "yaml"
    broken.mkdir()
    (broken / "a.yaml").write_text("actors: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid YAML"):
        load_kb(broken)


# --- the CLI ---------------------------------------------------------------------------------------

def test_cli_search_finds_by_alias_and_misspelling():
    result = run_cli("search", "Iraqi Security Forces")
    assert result.returncode == 0, result.stderr
    first_row = next(line for line in result.stdout.splitlines() if "_" in line and "│" in line)
    assert "military_iq" in first_row
    misspelt = run_cli("search", "Tatmadaww", "--limit", "3")
    assert "military_mm" in misspelt.stdout


def test_cli_show_lists_fields_and_reverse_links(tmp_path):
    result = run_cli("show", "state_iq")
    assert result.returncode == 0, result.stderr
    for expected in ("Iraq", "Iraqi", "military_iq", "police_iq", "pycountry"):
        assert expected in result.stdout
    folder = write_kb(tmp_path / "kb", [
        {"id": "front", "name": "The Front", "kind": "umbrella", "valid_from": "2020-01-01"},
        {"id": "brigade", "name": "The Brigade", "kind": "militia", "aliases": ["Brigade Nine"],
         "member_of": [{"id": "front", "valid_from": "2020-02-01", "valid_to": "2021-03-01"}]},
        {"id": "chief", "name": "Ada Chief", "kind": "person",
         "offices": [{"office": "head_of_state", "country": "XK", "valid_from": "2019-05-01"}]},
    ], offices=[{"id": "head_of_state", "name": "Head of state", "titles": ["president"]}])
    umbrella = run_cli("show", "front", "--kb-dir", str(folder))
    assert umbrella.returncode == 0, umbrella.stderr
    assert "brigade" in umbrella.stdout and "2020-02-01" in umbrella.stdout and "2021-03-01" in umbrella.stdout
    member = run_cli("show", "brigade", "--kb-dir", str(folder))
    assert "front" in member.stdout and "Brigade Nine" in member.stdout
    office = run_cli("show", "head_of_state", "--kb-dir", str(folder))
    assert "chief" in office.stdout and "2019-05-01" in office.stdout


def test_cli_show_unknown_id_is_one_line_and_exit_1():
    result = run_cli("show", "no_such_entry_anywhere")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "no_such_entry_anywhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_validate_bundled_and_broken(tmp_path):
    good = run_cli("validate")
    assert good.returncode == 0, good.stderr
    assert "valid" in good.stdout and "actors" in good.stdout
    broken = write_kb(tmp_path / "broken", [{"id": "Bad Id", "name": "X", "kind": "militia"}])
    bad = run_cli("validate", str(broken))
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr and bad.stderr.strip().count("\n") == 0
    assert "Bad Id" in bad.stderr
    elsewhere = run_cli("show", "state_iq", "--kb-dir", str(broken))
    assert elsewhere.returncode != 0 and "Traceback" not in elsewhere.stderr
