"""`conflictlens extract` end to end: good documents are written, each bad one is one error line."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from conflictlens.model import Extraction

INPUTS = Path(__file__).parent / "data" / "inputs"


def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CONFLICTLENS_MAX_BYTES")}
    environment.update(NO_COLOR="1", **env)
    return subprocess.run([sys.executable, "-m", "conflictlens", "extract", *args], input=stdin,
                          capture_output=True, text=True, timeout=300, env=environment)


def extractions(result: subprocess.CompletedProcess) -> list[Extraction]:
    return [Extraction.model_validate_json(line) for line in result.stdout.splitlines()]


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_every_format_in_one_run():
    names = ["article.txt", "page.html", "articles.jsonl", "articles.json", "feed.rss", "feed.atom"]
    result = run(*(str(INPUTS / n) for n in names))
    assert result.returncode == 0, result.stderr
    assert error_lines(result) == []
    docs = [e.document for e in extractions(result)]
    assert len(docs) == 1 + 1 + 3 + 2 + 2 + 2
    assert docs[0].title == "Rebels seize two villages after overnight clashes"
    assert (docs[1].outlet, str(docs[1].published)) == ("Northern Ledger", "2024-03-12")
    assert docs[2].id == "wire-0001" and docs[2].outlet == "Frontier Wire"
    assert [d.outlet for d in docs[7:]] == ["Sahel Wire", "Sahel Wire", "Coastal Observer", "Coastal Observer"]
    assert str(docs[7].published) == "2024-03-12"


def test_jsonl_with_one_bad_line_writes_the_good_ones_and_exits_1():
    path = INPUTS / "mixed.jsonl"
    result = run(str(path))
    assert result.returncode == 1
    assert [str(e.document.published) for e in extractions(result)] == ["2024-04-02", "2024-04-04"]
    assert error_lines(result) == [f"error: {path}:2: published: 'last Wednesday' is not a date "
                                   "(YYYY-MM-DD or ISO 8601 date-time)"]


def test_many_files_each_bad_one_is_one_line_and_the_rest_are_processed(tmp_path):
    noise = tmp_path / "noise.txt"
    noise.write_bytes(random.Random(3).randbytes(50_000))
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Rebels shelled the town again on Monday, the army said. " * 110_000)   # about 6 MB
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n  ", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    bad = {noise: "binary file", huge: "over the limit of 5,242,880 bytes", empty: "empty file",
           blank: "empty file (only whitespace)", missing: "no such file",
           INPUTS / "no-text.html": "no article text found in HTML"}
    good = [INPUTS / "article.txt", INPUTS / "feed.rss"]
    result = run(str(good[0]), *(str(p) for p in bad), str(good[1]))
    assert result.returncode == 1
    assert [e.document.outlet for e in extractions(result)] == [None, "Sahel Wire", "Sahel Wire"]
    lines = error_lines(result)
    assert len(lines) == len(bad)
    for line, (path, reason) in zip(lines, bad.items(), strict=True):
        assert line.startswith(f"error: {path}: ") and reason in line, line


def test_directory_and_out_file(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run(str(INPUTS), "--out", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    assert error_lines(result) == [f"error: {INPUTS / 'mixed.jsonl'}:2: published: 'last Wednesday' is not a date "
                                   "(YYYY-MM-DD or ISO 8601 date-time)",
                                   f"error: {INPUTS / 'no-text.html'}: no article text found in HTML"]
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 2 + 3 + 1 + 2 + 2 + 2 + 1 + 1   # json, jsonl, broken, atom, rss, mixed, page, txt


def test_table_format_goes_to_the_out_file(tmp_path):
    out = tmp_path / "table.txt"
    result = run(str(INPUTS / "article.txt"), "--format", "table", "--out", str(out), "--published", "2023-12-28")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    table = out.read_text(encoding="utf-8")
    assert "mentions" in table and "2023-12-28" in table


def test_a_document_the_pipeline_cannot_take_is_reported_and_the_next_goes_on(tmp_path):
    # spaCy refuses texts over nlp.max_length (1,000,000 characters) with an exception
    long = tmp_path / "long.txt"
    long.write_text("Troops and rebels exchanged fire near the bridge, witnesses said. " * 25_000, encoding="utf-8")
    result = run(str(long), str(INPUTS / "article.txt"))
    assert result.returncode == 1
    assert len(extractions(result)) == 1
    [line] = error_lines(result)
    assert line.startswith(f"error: {long}: extraction failed (ValueError:")


def test_published_option_overrides_and_a_malformed_one_is_a_usage_error():
    path = str(INPUTS / "articles.jsonl")
    result = run(path, "--published", "2024-07-01")
    assert result.returncode == 0
    assert {str(e.document.published) for e in extractions(result)} == {"2024-07-01"}
    bad = run(path, "--published", "01/07/2024")
    assert bad.returncode == 2 and bad.stdout == ""
    assert error_lines(bad) == ["error: --published: '01/07/2024' is not a date in the form YYYY-MM-DD"]


def test_other_usage_errors():
    path = str(INPUTS / "article.txt")
    for args, message in ((("--format", "xml"), "--format"), (("--max-bytes", "0"), "--max-bytes")):
        result = run(path, *args)
        assert result.returncode == 2
        [line] = error_lines(result)
        assert line.startswith(f"error: {message}: ")


def test_size_limit_from_the_environment():
    path = INPUTS / "article.txt"
    result = run(str(path), CONFLICTLENS_MAX_BYTES="200")
    assert result.returncode == 1 and result.stdout == ""
    assert error_lines(result) == [f"error: {path}: file is {path.stat().st_size} bytes, over the limit of 200 bytes "
                                   "(--max-bytes)"]


def test_standard_input():
    text = (INPUTS / "article.txt").read_text(encoding="utf-8")
    result = run("-", stdin=text)
    assert result.returncode == 0, result.stderr
    [extraction] = extractions(result)
    assert extraction.document.title == "Rebels seize two villages after overnight clashes"


def test_workers_keep_input_order_and_report_a_bad_document(tmp_path):
    long = tmp_path / "long.txt"      # over spaCy's max_length: its worker reports it, the others go on
    long.write_text("Troops and rebels exchanged fire near the bridge, witnesses said. " * 25_000, encoding="utf-8")
    inputs = [str(INPUTS / "articles.jsonl"), str(long), str(INPUTS / "mixed.jsonl"), str(INPUTS / "article.txt"),
              str(INPUTS / "feed.rss")]
    one, two = run(*inputs), run(*inputs, "--workers", "2")
    assert (one.returncode, two.returncode) == (1, 1)
    assert two.stdout == one.stdout                 # the same extractions, in input order
    assert len(extractions(two)) == 3 + 2 + 1 + 2
    head = lambda result: sorted(line[:150] for line in error_lines(result))  # noqa: E731  (reasons are cut shorter in workers)
    assert head(two) == head(one)
    assert any(line.startswith(f"error: {long}: extraction failed (ValueError:") for line in error_lines(two))
    assert len(error_lines(two)) == 2
    bad = run(inputs[0], "--workers", "0")
    assert bad.returncode == 2 and error_lines(bad) == ["error: --workers: 0 is not a positive number"]
