"""Batch runs on a real Dask LocalCluster (two worker processes) over a generated corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conflictlens.errors import InputError
from conflictlens.model import Document
from conflictlens.nlp.build import Extractor
from conflictlens.scale import batch, parquet
from conflictlens.scale.corpus import CorpusGenerator

ARTICLES = 14
PARTITION = 4
BAD_LINE = 6     # 1-based line of the JSON Lines input that holds no text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    records = list(CorpusGenerator(seed=7, min_words=150, max_words=260).articles(ARTICLES))
    path = tmp_path_factory.mktemp("in") / "articles.jsonl"
    lines = [json.dumps(r) for r in records]
    lines.insert(BAD_LINE - 1, json.dumps({"id": "broken", "title": "A record without its text"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, records


@pytest.fixture(scope="module")
def client():
    dask = pytest.importorskip("dask.distributed")
    cluster = dask.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1.5GiB",
                                dashboard_address=None)
    with dask.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def first_run(corpus, client, tmp_path_factory):
    path, _ = corpus
    out = tmp_path_factory.mktemp("out") / "batch"
    seen: list[dict] = []
    result = batch.run_batch([str(path)], str(out), client=client, partition_size=PARTITION, on_partition=seen.append)
    return out, result, seen


def test_batch_extracts_every_good_document_and_reports_the_bad_one(corpus, first_run):
    path, records = corpus
    out, result, seen = first_run
    expected_partitions = -(-(ARTICLES + 1) // PARTITION)
    assert result.partitions == expected_partitions and result.done == expected_partitions and not result.failed
    assert result.documents == ARTICLES and result.errors == 1
    assert len({s["worker_pid"] for s in seen}) == 2, "both worker processes took partitions"

    documents = parquet.read_table(str(out), "documents")
    assert sorted(documents.column("document_id").to_pylist()) == sorted(r["id"] for r in records)
    errors = parquet.read_table(str(out), "errors").to_pylist()
    assert len(errors) == 1
    assert errors[0]["source"] == f"{path}:{BAD_LINE}" and errors[0]["stage"] == "read"
    assert 'no "text" field' in errors[0]["reason"]

    mentions = parquet.read_table(str(out), "mentions").to_pandas()
    assert set(mentions["document_id"]) == {r["id"] for r in records}
    places = mentions[mentions["kind"] == "place"]
    assert places["location_lat"].notna().all() and places["location_country"].str.len().eq(2).all()
    for table in parquet.TABLES:   # every table of every partition exists, with its schema, even when empty
        files = sorted((out / table).glob("part-*.parquet"))
        assert len(files) == expected_partitions
        assert pq.read_schema(files[0]).names == parquet.SCHEMAS[table].names


def test_rerun_skips_done_partitions_and_redoes_only_a_missing_one(corpus, client, first_run):
    path, _ = corpus
    out, first, _ = first_run
    again = batch.run_batch([str(path)], str(out), client=client, partition_size=PARTITION)
    assert again.skipped == first.partitions and again.done == 0 and again.documents == 0

    markers = sorted((out / "_done").glob("*.json"))
    lost = markers[1]
    kept_mtimes = {m: m.stat().st_mtime_ns for m in markers if m != lost}
    lost.unlink()
    seen: list[dict] = []
    redo = batch.run_batch([str(path)], str(out), client=client, partition_size=PARTITION, on_partition=seen.append)
    assert redo.done == 1 and redo.skipped == first.partitions - 1
    assert [s["partition"] for s in seen] == [lost.stem]
    assert all(m.stat().st_mtime_ns == t for m, t in kept_mtimes.items())
    assert parquet.read_table(str(out), "documents").num_rows == first.documents   # rewritten, not doubled


def test_read_batch_round_trips_documents_and_extractions(corpus, first_run):
    _, records = corpus
    out, _, _ = first_run
    pairs = list(parquet.read_batch(str(out)))
    by_id = {r["id"]: r for r in records}
    assert sorted(d.id for d, _ in pairs) == sorted(by_id)
    extractor = Extractor()
    for document, extraction in pairs[:3]:
        record = by_id[document.id]
        assert document.text == record["text"] and document.title == record["title"]
        assert document.published.isoformat() == record["published"] and document.outlet == record["outlet"]
        assert extraction.document.id == document.id
        fresh = extractor.extract(Document(id=record["id"], text=record["text"], url=record["url"],
                                           title=record["title"], outlet=record["outlet"],
                                           published=document.published))
        assert extraction.model_dump() == fresh.model_dump()


def test_plan_cuts_jsonl_parquet_and_folders(tmp_path):
    gen = CorpusGenerator(seed=3, min_words=120, max_words=160)
    records = list(gen.articles(7))
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n\n" for r in records), encoding="utf-8")   # blank lines between
    table = pa.Table.from_pylist([{"id": r["id"], "body": r["text"], "published": r["published"]} for r in records])
    pq.write_table(table, tmp_path / "b.parquet", row_group_size=2)
    folder = tmp_path / "texts"
    folder.mkdir()
    for r in records[:5]:
        (folder / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")

    parts = batch.plan_partitions([str(jsonl), str(tmp_path / "b.parquet"), str(folder)], size=3)
    assert [p.kind for p in parts] == ["jsonl"] * 3 + ["parquet"] * 3 + ["files"] * 2
    assert len({p.id for p in parts}) == len(parts)
    assert parts == batch.plan_partitions([str(jsonl), str(tmp_path / "b.parquet"), str(folder)], size=3)
    texts = [[d.text for d in batch.partition_documents(p)] for p in parts]
    flat = [t for chunk in texts for t in chunk]
    assert flat[:7] == [r["text"] for r in records] and flat[7:14] == [r["text"] for r in records]
    assert [len(t) for t in texts] == [3, 3, 1, 3, 3, 1, 3, 2]
    origins = [d.origin for d in batch.partition_documents(parts[1])]
    assert origins == [f"{jsonl}:7", f"{jsonl}:9", f"{jsonl}:11"]
    with pytest.raises(InputError):
        batch.plan_partitions([str(tmp_path / "missing.jsonl")])


def test_batch_command_gives_one_line_for_a_missing_input(tmp_path):
    run = subprocess.run([sys.executable, "-m", "conflictlens", "batch", str(tmp_path / "nope.jsonl"),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope.jsonl'}: no such file or directory"]


def test_extraction_in_local_processes_keeps_order_and_matches_one_process():
    from conflictlens.scale.pool import extract_in_processes

    records = list(CorpusGenerator(seed=9, min_words=120, max_words=200).articles(7))
    documents = [Document(id=r["id"], text=r["text"], title=r["title"], outlet=r["outlet"], url=r["url"])
                 for r in records]
    failed: list[str] = []
    parallel = list(extract_in_processes(documents, 2, lambda d, e: failed.append(d.id), chunk_size=2))
    assert not failed
    assert [x.document.id for x in parallel] == [d.id for d in documents]
    one = Extractor()
    assert [x.model_dump() for x in parallel] == [one.extract(d).model_dump() for d in documents]


def test_read_batch_refuses_a_folder_that_is_not_batch_output(tmp_path):
    with pytest.raises(InputError, match="not the output of `conflictlens batch`"):
        next(parquet.read_batch(str(tmp_path)))
