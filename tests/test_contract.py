"""The output contract: schema generation and the CLI's JSON Lines shape."""

import json
import subprocess
import sys

from conflictlens.model import Document, Extraction


def run_cli(*args, input_text=None):
    return subprocess.run([sys.executable, "-m", "conflictlens.cli", *args], capture_output=True, text=True,
                          input=input_text)


def test_schema_command_prints_the_contract():
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"document", "events", "tallies", "statements", "relations", "flags", "mentions"}
    assert "Location" in schema["$defs"] and "When" in schema["$defs"]


def test_extract_writes_one_json_object_per_document(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Gunmen attacked a checkpoint on Monday, police said.", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Protesters gathered in the capital on Friday.", encoding="utf-8")
    result = run_cli("extract", str(a), str(b), "--published", "2024-03-08")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    for line in lines:
        extraction = Extraction.model_validate(line)
        assert extraction.document.published.isoformat() == "2024-03-08"


def test_malformed_published_is_one_line_error(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Some text.", encoding="utf-8")
    result = run_cli("extract", str(a), "--published", "28/12/2023")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--published" in result.stderr


def test_extractor_keeps_document_metadata(extractor):
    doc = Document(id="x1", text="Nothing happened here.", title="Quiet day", outlet="Test Wire")
    extraction = extractor.extract(doc)
    assert extraction.document.title == "Quiet day"
    assert extraction.document.outlet == "Test Wire"
