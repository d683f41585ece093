"""`conflictlens kb learn`: proposals for review from real article files, never merged into the KB."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conflictlens.cli import app
from conflictlens.kb import load_kb

ARTICLE = """BAGHDAD (Tigris Wire) - The Islamic Resistance in Iraq, which includes Kataib Hezbollah, Harakat al-Nujaba
and Imam Ali, claimed a drone attack on a base in Syria on Tuesday.

The coalition is a union of several militias: Kataib Sayyid al-Shuhada and the Saraya Northwind Front.

Kataib Hezbollah, also known as the Brigades of the Northern Road, said it would keep up the attacks.
"""


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def merged(alias: str, actor_id: str) -> bool:
    """Whether the knowledge base on disk (loaded afresh) holds the alias."""
    return alias in load_kb().actors[actor_id].names()


def test_learn_writes_alias_and_new_actor_proposals_and_leaves_the_kb_alone(article, tmp_path):
    assert not merged("Imam Ali", "kataib_al_imam_ali")
    out = tmp_path / "proposals.yaml"
    result = CliRunner().invoke(app, ["kb", "learn", str(article), "--published", "2024-01-18", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not merged("Imam Ali", "kataib_al_imam_ali")  # proposed, never merged
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Knowledge-base proposals")
    data = yaml.safe_load(text)
    assert data["sources"] == [str(article)]
    proposals = data["proposals"]
    aliases = {(p["actor"], p["alias"]) for p in proposals if p["kind"] == "alias"}
    assert ("kataib_al_imam_ali", "Imam Ali") in aliases
    assert ("kataib_hezbollah", "Brigades of the Northern Road") in aliases
    new = [p for p in proposals if p["kind"] == "new_actor"]
    assert [(p["name"], p["member_of"]) for p in new] == [("Saraya Northwind Front", "islamic_resistance_in_iraq")]
    # memberships the KB already records are no proposals
    assert not [p for p in proposals if p["kind"] == "member_of" and p["subject"] == "kataib_hezbollah"]
    for proposal in proposals:
        assert proposal["seen"] == len(proposal["evidence"]) >= 1
        assert all(e["text"] in ARTICLE.replace("\n", " ") or e["text"] in ARTICLE for e in proposal["evidence"])


def test_learn_prints_to_stdout_without_out(article):
    result = CliRunner().invoke(app, ["kb", "learn", str(article), "--published", "2024-01-18"])
    assert result.exit_code == 0
    assert "Imam Ali" in result.stdout


def test_bad_date_and_missing_file_end_with_one_line(article, tmp_path):
    result = CliRunner().invoke(app, ["kb", "learn", str(article), "--published", "2024-02-30"])
    assert result.exit_code == 2
    assert "--published" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["kb", "learn", str(tmp_path / "missing.txt"), str(article)])
    assert result.exit_code == 1
    assert "missing.txt" in result.output and "Traceback" not in result.output
