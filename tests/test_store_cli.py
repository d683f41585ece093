"""`conflictlens ingest` as users run it: bad documents, re-runs, batch output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conflictlens.cli import app
from conflictlens.store import EventFilter, open_store

DATA = Path(__file__).parent / "data" / "store"
runner = CliRunner()


def test_bad_documents_are_one_line_each_and_the_rest_are_stored(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "good.txt").write_text("Gunmen killed four people in Gao on Monday, officials said.", encoding="utf-8")
    lines = (DATA / "elsewhere.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "mixed.jsonl").write_text("\n".join([lines[0], "{not json", lines[1]]) + "\n", encoding="utf-8")
    db = str(tmp_path / "store.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--published", "2024-03-12"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and any("empty.txt" in e for e in errors) and any("mixed.jsonl:2" in e for e in errors)
    assert "3 new" in result.stderr and "2 failed" in result.stderr and "Traceback" not in result.output
    store = open_store(db)
    try:
        assert store.counts()["documents"] == 3
    finally:
        store.close()
    again = runner.invoke(app, ["ingest", str(folder), "--db", db, "--published", "2024-03-12"])
    assert again.exit_code == 1 and "0 new, 0 updated, 3 unchanged, 2 failed" in again.stderr


def test_ingest_uses_conflictlens_db_from_the_environment(tmp_path):
    db = tmp_path / "env.db"
    result = runner.invoke(app, ["ingest", str(DATA / "elsewhere.jsonl")], env={"CONFLICTLENS_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert db.exists()
    listed = runner.invoke(app, ["events", "--format", "json"], env={"CONFLICTLENS_DB": str(db)})
    assert {json.loads(line)["location"]["country"] for line in listed.stdout.splitlines()} == {"ML", "UA"}


def test_merge_rebuild_command(tmp_path):
    db = str(tmp_path / "store.db")
    assert runner.invoke(app, ["ingest", str(DATA / "konduga-three-outlets.jsonl"), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["merge", "--rebuild", "--db", db])
    assert result.exit_code == 0 and "1 events" in result.stderr


def test_ingest_from_the_output_of_conflictlens_batch(tmp_path):
    out = tmp_path / "batch"
    batch = subprocess.run([sys.executable, "-m", "conflictlens", "batch", str(DATA / "konduga-three-outlets.jsonl"),
                            "--out", str(out), "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert batch.returncode == 0, batch.stderr
    db = str(tmp_path / "store.db")
    result = runner.invoke(app, ["ingest", "--from-parquet", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.stderr
    store = open_store(db)
    try:
        events, total = store.events(EventFilter())
        assert total == 1 and events[0]["n_sources"] == 3
    finally:
        store.close()
    again = runner.invoke(app, ["ingest", "--from-parquet", str(out), "--db", db])
    assert again.exit_code == 0 and "3 unchanged" in again.stderr
    missing = runner.invoke(app, ["ingest", "--from-parquet", str(tmp_path / "nothing"), "--db", db])
    assert missing.exit_code == 2 and "is not a folder" in missing.stderr


def test_demo_stores_every_bundled_sample(tmp_path):
    """`make demo` runs `conflictlens demo`: the bundled samples go into a fresh SQLite database."""
    db = tmp_path / "demo.db"
    run = subprocess.run([sys.executable, "-m", "conflictlens.cli", "demo", "--no-serve", "--db", str(db)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    store = open_store(str(db))
    try:
        counts = store.counts()
        samples = Path(__file__).parent.parent / "src" / "conflictlens" / "samples"
        expected = sum(len(p.read_text(encoding="utf-8").splitlines()) if p.suffix == ".jsonl" else 1
                       for p in samples.iterdir() if p.suffix in (".txt", ".jsonl", ".html", ".xml"))
        assert counts["documents"] == expected and counts["events"] > 0
    finally:
        store.close()
