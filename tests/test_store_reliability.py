"""Crash safety and concurrent writers: real `conflictlens ingest` processes on one database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


from conflictlens.store import open_store

CLI = [sys.executable, "-m", "conflictlens"]
TOWNS = ["Konduga", "Maiduguri", "Bama", "Gwoza", "Mopti", "Gao", "Kidal", "Djibo", "Kharkiv", "Kherson"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday"]


def write_articles(path: Path, first: int, last: int) -> None:
    """Articles first..last-1, each a distinct attack (own number, town, day, outlet)."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(first, last):
            town, day = TOWNS[i % len(TOWNS)], DAYS[i % len(DAYS)]
            text = (f"Attack number {i} in {town}\n\nGunmen killed {i % 9 + 2} people in {town} on {day}, "
                    f"police said. Report {i} of the series filed by our correspondent.")
            f.write(json.dumps({"url": f"https://wire.example/{i}", "outlet": "Wire", "title": f"Attack {i}",
                                "published": f"2024-0{i % 6 + 1}-1{i % 9}", "text": text}) + "\n")


def run_ingest(db: str, path: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "ingest", str(path), "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def assert_consistent(db: str, documents: int) -> None:
    store = open_store(db)
    try:
        counts = store.counts()
        assert counts["documents"] == documents
        stored = store.documents(limit=10_000)[0]
        assert len({d["url"] for d in stored}) == documents             # no document twice
        assert counts["reports"] >= documents                             # every article reports its attack
        events, total = store.events(limit=100_000)
        assert total == counts["events"]
        reports = [(r["document_id"], json.dumps(r["event"], sort_keys=True)) for e in events for r in e["reports"]]
        assert len(reports) == len(set(reports)) == counts["reports"]   # every report in exactly one event
        assert store.merge() == total                                    # nothing left unmerged
    finally:
        store.close()


def document_count(db: str) -> int:
    store = open_store(db)
    try:
        return store.counts()["documents"]
    finally:
        store.close()


def test_kill_9_mid_batch_loses_at_most_the_document_in_flight(store_url, tmp_path):
    articles = tmp_path / "articles.jsonl"
    total = 150
    write_articles(articles, 0, total)
    open_store(store_url).close()
    proc = run_ingest(store_url, articles, start_new_session=True)
    deadline = time.time() + 120
    while document_count(store_url) < 15:
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.communicate()}"
        assert time.time() < deadline, "ingest made no progress"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = document_count(store_url)
    assert 15 <= stored < total
    assert_consistent(store_url, stored)
    rerun = run_ingest(store_url, articles)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{total - stored} new" in err and f"{stored} unchanged" in err
    assert_consistent(store_url, total)


def test_two_ingest_processes_at_once_lose_nothing(store_url, tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_articles(first, 0, 60)
    write_articles(second, 30, 90)          # 30 articles in both batches
    procs = [run_ingest(store_url, first), run_ingest(store_url, second)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert_consistent(store_url, 90)
