"""conflictlens benchmarks: start-up, single-process extraction, batch on Dask, ingest; run by hand.

    .venv/bin/python benchmarks/bench.py corpus  --count 1000 --words 560 --out benchmarks/data/c1k.jsonl
    .venv/bin/python benchmarks/bench.py startup --repeats 5
    .venv/bin/python benchmarks/bench.py extract --corpus benchmarks/data/c1k.jsonl --repeats 3
    .venv/bin/python benchmarks/bench.py batch   --corpus benchmarks/data/c1k.jsonl --workers 2 --repeats 3
    .venv/bin/python benchmarks/bench.py ingest  --corpus benchmarks/data/c1k.jsonl --backend sqlite
    .venv/bin/python benchmarks/bench.py ingest  --corpus benchmarks/data/c1k.jsonl --backend postgresql
    .venv/bin/python benchmarks/bench.py ingest  --corpus c1k-2025.jsonl --prefill c10k-2015.jsonl --cache /tmp/x

Every measurement runs in a fresh Python process (so no run profits from another's caches), is
repeated, and is summarised by its median; each command appends one JSON record (with the machine,
its load and the date) to benchmarks/results/results.jsonl and prints it. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "results.jsonl"
PY = sys.executable


# ---- helpers -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import spacy

    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "host": platform.node(),
            "cpu": cpu, "cores": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "spacy": spacy.__version__, "platform": platform.platform()}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(*args: str) -> dict:
    """Run this script's hidden sub-command in a fresh interpreter; its last stdout line is JSON."""
    run = subprocess.run([PY, str(Path(__file__).resolve()), *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def median(values) -> float:
    return round(statistics.median(values), 3)


def record(kind: str, payload: dict) -> None:
    entry = {"benchmark": kind, "machine": machine(), **payload}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
    print(json.dumps(entry, indent=2))


def read_documents(path: Path, limit: int | None = None):
    """Documents of a JSON Lines corpus, streamed (never all held)."""
    from conflictlens.model import Document

    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            r = json.loads(line)
            yield Document(id=r["id"], text=r["text"], url=r.get("url"), title=r.get("title"),
                           outlet=r.get("outlet"), published=dt.date.fromisoformat(r["published"]))


# ---- corpus ------------------------------------------------------------------------------------


def cmd_corpus(args) -> None:
    from conflictlens.scale.corpus import CorpusGenerator

    began = time.perf_counter()
    gen = CorpusGenerator(seed=args.seed, min_words=args.words, max_words=args.max_words or args.words,
                          start=dt.date.fromisoformat(args.start), days=args.days)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        words = gen.write_jsonl(args.count, handle)
    seconds = time.perf_counter() - began
    print(json.dumps({"corpus": str(out), "documents": args.count, "words": words,
                      "mean_words": round(words / args.count, 1), "seconds": round(seconds, 2),
                      "docs_per_s": round(args.count / seconds, 1), "peak_rss_mb": peak_rss_mb()}))


# ---- start-up ----------------------------------------------------------------------------------


def _startup_once(args) -> None:
    began = time.perf_counter()
    cpu0 = time.process_time()
    from conflictlens.model import Document
    from conflictlens.nlp.build import Extractor

    imported = time.perf_counter()
    extractor = Extractor()
    built = time.perf_counter()
    extractor.extract(Document(id="x", text="Gunmen killed four villagers near Gao on Monday, local officials said.",
                               published=dt.date(2024, 3, 6)))
    first = time.perf_counter()
    import psutil

    print(json.dumps({"import_s": imported - began, "build_s": built - imported, "first_doc_s": first - built,
                      "total_s": first - began, "cpu_s": time.process_time() - cpu0,
                      "rss_mb": psutil.Process().memory_info().rss / 2**20}))


def cmd_startup(args) -> None:
    child("_startup")    # the first run after a change builds the disk caches: not counted
    runs = [child("_startup") for _ in range(args.repeats)]
    record("startup", {"repeats": args.repeats, "runs": runs,
                       **{f"median_{k}": median(r[k] for r in runs) for k in runs[0]}})


# ---- single-process extraction -----------------------------------------------------------------


def _extract_once(args) -> None:
    import spacy

    from conflictlens.nlp.build import Extractor

    path = Path(args.corpus)
    extractor = Extractor()
    extractor.extract(next(read_documents(path, 1)))           # warm: gazetteer opened, first doc done
    chunk = args.chunk
    rates, docs, words, events, mentions = [], 0, 0, 0, 0
    began, cpu_began = time.perf_counter(), time.process_time()
    chunk_began, chunk_docs = began, 0

    def counted(stream):
        nonlocal words
        for document in stream:
            words += len(document.text.split())
            yield document

    for extraction in extractor.extract_many(counted(read_documents(path, args.limit))):
        docs += 1
        chunk_docs += 1
        events += len(extraction.events)
        mentions += len(extraction.mentions)
        if chunk_docs == chunk:
            now = time.perf_counter()
            rates.append(chunk / (now - chunk_began))
            chunk_began, chunk_docs = now, 0
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - cpu_began
    rss = peak_rss_mb()

    texts = [d.text for d in read_documents(path, min(args.limit or 10**9, args.baseline_docs))]
    blank = spacy.blank("en")
    t, c = time.perf_counter(), time.process_time()
    for _ in blank.tokenizer.pipe(texts, batch_size=64):
        pass
    tokenizer_rate = len(texts) / (time.perf_counter() - t)
    tokenizer_cpu_rate = len(texts) / (time.process_time() - c)
    sm_rate = sm_cpu_rate = None
    try:
        sm = spacy.load("en_core_web_sm", exclude=["lemmatizer"])
        t, c = time.perf_counter(), time.process_time()
        for _ in sm.pipe(texts, batch_size=64):
            pass
        sm_rate = len(texts) / (time.perf_counter() - t)
        sm_cpu_rate = len(texts) / (time.process_time() - c)
    except OSError:
        pass
    print(json.dumps({"documents": docs, "words": words, "events": events, "mentions": mentions, "seconds": seconds,
                      "docs_per_s": docs / seconds, "words_per_s": words / seconds, "chunk_docs_per_s": rates,
                      "cpu_seconds": cpu_seconds, "docs_per_cpu_s": docs / cpu_seconds,
                      "words_per_cpu_s": words / cpu_seconds, "peak_rss_mb": rss,
                      "blank_tokenizer_docs_per_s": tokenizer_rate, "blank_tokenizer_docs_per_cpu_s": tokenizer_cpu_rate,
                      "en_core_web_sm_docs_per_s": sm_rate, "en_core_web_sm_docs_per_cpu_s": sm_cpu_rate}))


def _components_once(args) -> None:
    """CPU milliseconds per document in each pipeline component (and in assembling the contract)."""
    from collections import Counter

    from conflictlens.nlp.assemble import extraction_from_doc
    from conflictlens.nlp.build import Extractor

    extractor = Extractor()
    nlp = extractor.nlp
    documents = list(read_documents(Path(args.corpus), args.limit))
    extractor.extract(documents[0])
    spent: Counter = Counter()
    clock = time.process_time        # CPU time: what a component costs, whatever else runs on the machine
    for document in documents:
        t = clock()
        doc = extractor.make_doc(document)
        spent["tokenizer"] += clock() - t
        for name, component in nlp.pipeline:
            t = clock()
            doc = component(doc)
            spent[name] += clock() - t
        t = clock()
        extraction_from_doc(doc, document).model_dump_json()
        spent["assemble + JSON"] += clock() - t
    print(json.dumps({name: 1000 * s / len(documents) for name, s in spent.most_common()}))


def cmd_extract(args) -> None:
    extra = ["--corpus", args.corpus, "--chunk", str(args.chunk), "--baseline-docs", str(args.baseline_docs)]
    if args.limit:
        extra += ["--limit", str(args.limit)]
    runs = [child("_extract", *extra) for _ in range(args.repeats)]
    components = child("_components", "--corpus", args.corpus, "--limit", str(min(args.limit or 300, 300)))
    keys = ("docs_per_s", "words_per_s", "docs_per_cpu_s", "words_per_cpu_s", "peak_rss_mb",
            "blank_tokenizer_docs_per_s", "blank_tokenizer_docs_per_cpu_s")
    summary = {f"median_{k}": median(r[k] for r in runs) for k in keys}
    summary["ratio_blank_tokenizer_to_extract_cpu"] = round(summary["median_blank_tokenizer_docs_per_cpu_s"]
                                                            / summary["median_docs_per_cpu_s"], 1)
    sm = [r["en_core_web_sm_docs_per_cpu_s"] for r in runs if r["en_core_web_sm_docs_per_cpu_s"]]
    summary["median_en_core_web_sm_docs_per_cpu_s"] = median(sm) if sm else "not installed"
    chunk_medians = [median(r["chunk_docs_per_s"]) for r in runs if r["chunk_docs_per_s"]]
    record("extract", {"corpus": args.corpus, "repeats": args.repeats, **summary,
                       "median_of_chunk_medians_docs_per_s": median(chunk_medians) if chunk_medians else None,
                       "ms_per_doc_by_component": components, "runs": runs})


# ---- batch on a LocalCluster ---------------------------------------------------------------------


def _batch_once(args) -> None:
    from dask.distributed import Client, LocalCluster

    from conflictlens.scale import batch

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    try:
        t = time.perf_counter()
        client.run(batch._warm_worker)                  # every worker builds its Extractor: start-up, not counted
        warm = time.perf_counter() - t
        out = Path(tempfile.mkdtemp(prefix="clbatch-"))
        cpu_before = client.run(time.process_time)
        try:
            result = batch.run_batch([args.corpus], str(out / "out"), client=client, partition_size=args.partition_size)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        cpu_after = client.run(time.process_time)
        worker_cpu = sum(cpu_after[w] - cpu_before[w] for w in cpu_after)
        worker_rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    finally:
        client.close()
        cluster.close()
    print(json.dumps({"workers": args.workers, "documents": result.documents, "words": result.words,
                      "seconds": result.seconds, "docs_per_s": result.documents / result.seconds,
                      "words_per_s": result.words / result.seconds, "warm_up_s": warm,
                      "worker_cpu_s": worker_cpu, "docs_per_worker_cpu_s": result.documents / worker_cpu,
                      "worker_peak_rss_mb": sorted(round(v, 1) for v in worker_rss.values())}))


def cmd_batch(args) -> None:
    runs = [child("_batch", "--corpus", args.corpus, "--workers", str(args.workers), "--partition-size",
                  str(args.partition_size)) for _ in range(args.repeats)]
    docs = median(r["docs_per_s"] for r in runs)
    record("batch", {"corpus": args.corpus, "workers": args.workers, "partition_size": args.partition_size,
                     "repeats": args.repeats, "median_docs_per_s": docs,
                     "median_docs_per_s_per_worker": round(docs / args.workers, 1),
                     "median_words_per_s": median(r["words_per_s"] for r in runs),
                     "median_docs_per_worker_cpu_s": median(r["docs_per_worker_cpu_s"] for r in runs), "runs": runs})


def _pool_once(args) -> None:
    from conflictlens.scale.pool import extract_in_processes

    documents = list(read_documents(Path(args.corpus), args.limit))
    began, cpu_began = time.perf_counter(), time.process_time()
    out = list(extract_in_processes(documents, args.workers, lambda d, e: None))
    seconds = time.perf_counter() - began          # includes the workers' start-up (about 2 s)
    # the workers have exited (the pool is closed): their CPU time, start-up included, is the children's
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = children.ru_utime + children.ru_stime + time.process_time() - cpu_began
    print(json.dumps({"workers": args.workers, "documents": len(out), "seconds": seconds,
                      "docs_per_s": len(out) / seconds, "cpu_seconds_all_processes": cpu,
                      "docs_per_cpu_s_all_processes": len(out) / cpu}))


def cmd_pool(args) -> None:
    extra = ["--corpus", args.corpus, "--workers", str(args.workers)] + (["--limit", str(args.limit)] if args.limit else [])
    runs = [child("_pool", *extra) for _ in range(args.repeats)]
    record("pool", {"corpus": args.corpus, "workers": args.workers, "repeats": args.repeats,
                    "median_docs_per_s": median(r["docs_per_s"] for r in runs),
                    "median_docs_per_cpu_s_all_processes": median(r["docs_per_cpu_s_all_processes"] for r in runs),
                    "runs": runs})


# ---- ingest ------------------------------------------------------------------------------------


@contextmanager
def postgres_server():
    """A throwaway PostgreSQL server on a loopback port (as the postgres user when run as root), stopped after.

    Yields (URL of its `postgres` database, the postmaster's process id)."""
    import glob
    import socket

    found = shutil.which("initdb")
    bindir = Path(os.path.realpath(found)).parent if found else Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    root = Path(tempfile.mkdtemp(prefix="clbench-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start", "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"], check=True, capture_output=True)
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", postmaster
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def databases(backend: str):
    """Yields (fresh, drop, server_pid): fresh(name, template=None) is the URL of a new database, empty or a
    copy of database `template`; drop(name) removes one. SQLite: files in a temporary folder; PostgreSQL:
    databases of one throwaway server (CREATE DATABASE ... TEMPLATE), whose postmaster's id is server_pid."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="clbench-") as tmp:
            folder = Path(tmp)

            def fresh(name: str, template: str | None = None) -> str:
                if template:            # its Store is closed: SQLite has checkpointed and removed the -wal
                    for suffix in ("", "-wal"):
                        if (folder / f"{template}.db{suffix}").exists():
                            shutil.copyfile(folder / f"{template}.db{suffix}", folder / f"{name}.db{suffix}")
                return f"sqlite:///{folder / name}.db"

            def drop(name: str) -> None:
                for suffix in ("", "-wal", "-shm"):
                    (folder / f"{name}.db{suffix}").unlink(missing_ok=True)

            yield fresh, drop, None
    else:
        import psycopg

        with postgres_server() as (admin, postmaster):
            def execute(sql: str) -> None:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql)

            def fresh(name: str, template: str | None = None) -> str:
                execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
                return admin.rsplit("/", 1)[0] + "/" + name

            def drop(name: str) -> None:
                execute(f"DROP DATABASE {name}")

            yield fresh, drop, postmaster


def extracted_pairs(corpus: str | None, parquet: str | None, limit: int | None, cache: str | None) -> list:
    """(Document, Extraction) pairs, the first `limit`: read from a `batch` output, or extracted from a corpus.

    With `cache` (a folder), a corpus is extracted whole once and its pairs pickled there for the next runs
    (the file's name carries the corpus's size and modification time: a rewritten corpus is extracted again).
    """
    if parquet:             # extractions of an earlier `batch` run: ingest only, as `ingest --from-parquet` does
        from conflictlens.scale.parquet import read_batch

        return list(itertools.islice(read_batch(parquet), limit))
    path = Path(corpus)
    stored = None
    if cache:
        stat = path.stat()
        stored = Path(cache) / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}.pickle"
        if stored.exists():
            with stored.open("rb") as handle:
                return pickle.load(handle)[:limit]
    from conflictlens.nlp.build import Extractor

    extractor = Extractor()
    pairs = [(d, extractor.extract(d)) for d in read_documents(path, None if stored else limit)]
    if stored:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(".part")
        with partial.open("wb") as handle:
            pickle.dump(pairs, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.rename(stored)
    return pairs[:limit]


def source_args(path: str) -> list[str]:
    """--parquet for a `batch` output folder, --corpus for a JSON Lines file."""
    return ["--parquet", path] if Path(path).is_dir() else ["--corpus", path]


def server_cpu_s(postmaster: int | None) -> float:
    """CPU seconds used so far by a PostgreSQL server's processes (the postmaster and its live children)."""
    if not postmaster:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == postmaster or int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])          # utime, stime
    return total / tick


def database_mb(store) -> float:
    """The database's size on disk, in MB."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            size = (conn.execute(text("PRAGMA page_count")).scalar() * conn.execute(text("PRAGMA page_size")).scalar())
    return round(size / 2**20, 1)


def count_merging(counts) -> None:
    """Wrap, in this process only, the store's candidate query (_Merger.candidates), the scoring of the
    candidates (merge.best_candidate) and the replay look-up (Store._later_reports) with counters:
    reports merged, candidates they were scored against, CPU seconds in each, reports replayed.
    What is not there (the store changed) is left unwrapped and not counted."""
    from conflictlens.store import merge as merging
    from conflictlens.store import repository

    clock = time.process_time
    merger = getattr(repository, "_Merger", None)
    candidates = getattr(merger, "candidates", None)
    best = getattr(merging, "best_candidate", None)
    later = getattr(repository.Store, "_later_reports", None)

    def counted_candidates(self, report):
        began = clock()
        found = candidates(self, report)
        counts["candidate_query_cpu_s"] += clock() - began
        counts["reports_merged"] += 1
        counts["candidates"] += len(found)
        return found

    def counted_best(report, found, kb):
        began = clock()
        try:
            return best(report, found, kb)
        finally:
            counts["scoring_cpu_s"] += clock() - began

    def counted_later(conn, key, document_id):
        rows = later(conn, key, document_id)
        counts["reports_replayed"] += len(rows) if rows is not None else 0
        counts["replays_over_limit"] += rows is None
        return rows

    if candidates:
        merger.candidates = counted_candidates
    if best:
        merging.best_candidate = counted_best
    if later:
        repository.Store._later_reports = staticmethod(counted_later)


def _prefill_once(args) -> None:
    """Ingest a corpus into the database before a timed run (its time is reported, not compared)."""
    from conflictlens.store import open_store

    pairs = extracted_pairs(args.corpus, args.parquet, args.limit, args.cache)
    store = open_store(args.url)
    began, cpu_began, server_began = time.perf_counter(), time.process_time(), server_cpu_s(args.server_pid)
    for document, extraction in pairs:
        store.ingest(document, extraction)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu_began
    server = server_cpu_s(args.server_pid) - server_began
    events = store.merge()
    if store.dialect == "postgresql":   # the prefill's vacuum and checkpoint, else they land in the timed run
        from sqlalchemy import text

        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
    published = sorted(document.published for document, _ in pairs if document.published)
    print(json.dumps({"documents": len(pairs), "published": [str(published[0]), str(published[-1])] if published else None,
                      "seconds": seconds, "cpu_seconds": cpu_seconds, "cpu_ms_per_doc": 1000 * cpu_seconds / len(pairs),
                      "server_cpu_seconds": server if args.server_pid else None, "events": events,
                      "database_mb": database_mb(store)}))
    store.close()


def _ingest_once(args) -> None:
    """Extract once (in memory), then time Store.ingest chunk by chunk: does the cost per document grow?"""
    from collections import Counter

    from conflictlens.store import open_store

    pairs = extracted_pairs(args.corpus, args.parquet, args.limit, args.cache)
    counts: Counter = Counter()
    count_merging(counts)
    store = open_store(args.url)
    by_chunk: dict[str, list] = {k: [] for k in ("ms_per_doc_by_chunk", "cpu_ms_per_doc_by_chunk",
                                                  "server_cpu_ms_per_doc_by_chunk", "candidates_per_report_by_chunk",
                                                  "candidate_query_cpu_ms_per_doc_by_chunk",
                                                  "scoring_cpu_ms_per_doc_by_chunk", "reports_replayed_by_chunk")}
    began, cpu_began, server_began = time.perf_counter(), time.process_time(), server_cpu_s(args.server_pid)
    for start in range(0, len(pairs), args.chunk):
        chunk = pairs[start:start + args.chunk]
        before = Counter(counts)
        t, c, s = time.perf_counter(), time.process_time(), server_cpu_s(args.server_pid)
        for document, extraction in chunk:
            store.ingest(document, extraction)
        by_chunk["ms_per_doc_by_chunk"].append(1000 * (time.perf_counter() - t) / len(chunk))
        by_chunk["cpu_ms_per_doc_by_chunk"].append(1000 * (time.process_time() - c) / len(chunk))
        if args.server_pid:
            by_chunk["server_cpu_ms_per_doc_by_chunk"].append(1000 * (server_cpu_s(args.server_pid) - s) / len(chunk))
        spent = counts - before
        by_chunk["candidates_per_report_by_chunk"].append(spent["candidates"] / max(spent["reports_merged"], 1))
        by_chunk["candidate_query_cpu_ms_per_doc_by_chunk"].append(1000 * spent["candidate_query_cpu_s"] / len(chunk))
        by_chunk["scoring_cpu_ms_per_doc_by_chunk"].append(1000 * spent["scoring_cpu_s"] / len(chunk))
        by_chunk["reports_replayed_by_chunk"].append(spent["reports_replayed"])
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu_began
    server = server_cpu_s(args.server_pid) - server_began
    t = time.perf_counter()
    events = store.merge()
    merge_s = time.perf_counter() - t
    size = database_mb(store)
    store.close()
    print(json.dumps({"documents": len(pairs), "seconds": seconds, "docs_per_s": len(pairs) / seconds,
                      "cpu_ms_per_doc": 1000 * cpu_seconds / len(pairs),
                      "server_cpu_ms_per_doc": 1000 * server / len(pairs) if args.server_pid else None,
                      **{k: v for k, v in by_chunk.items() if v}, "merging": dict(counts),
                      "candidates_per_report": counts["candidates"] / max(counts["reports_merged"], 1),
                      "events_in_database": events, "merge_s": merge_s, "database_mb": size,
                      "peak_rss_mb": peak_rss_mb()}))


def cmd_ingest(args) -> None:
    if not (args.corpus or args.parquet):
        raise SystemExit("ingest: give --corpus or --parquet")
    cache = ["--cache", args.cache] if args.cache else []
    extra = ["--chunk", str(args.chunk), *cache] + (["--limit", str(args.limit)] if args.limit else [])
    extra += ["--parquet", args.parquet] if args.parquet else ["--corpus", args.corpus]
    runs, prefill = [], None
    with databases(args.backend) as (fresh, drop, server_pid):
        server = ["--server-pid", str(server_pid)] if server_pid else []
        if args.prefill:            # once; each run then starts from a copy of the prefilled database
            prefill = child("_prefill", *source_args(args.prefill), *cache, *server, "--url", fresh("prefill"),
                            *(["--limit", str(args.prefill_limit)] if args.prefill_limit else []))
        for n in range(args.repeats):
            url = fresh(f"run{n}", "prefill" if args.prefill else None)
            runs.append(child("_ingest", *extra, *server, "--url", url))
            drop(f"run{n}")
    keys = [k for k in runs[0] if k.endswith("_by_chunk")]
    record("ingest", {"backend": args.backend, "corpus": args.parquet or args.corpus, "limit": args.limit,
                      "repeats": args.repeats, "chunk": args.chunk,
                      "prefill": {"corpus": args.prefill, "limit": args.prefill_limit, **prefill} if prefill else None,
                      "median_docs_per_s": median(r["docs_per_s"] for r in runs),
                      "median_cpu_ms_per_doc": median(r["cpu_ms_per_doc"] for r in runs),
                      "median_server_cpu_ms_per_doc": median(r["server_cpu_ms_per_doc"] for r in runs)
                      if server_pid else None,
                      "candidates_per_report": round(runs[0]["candidates_per_report"], 3),
                      **{f"median_{k}": [median(c) for c in zip(*(r[k] for r in runs))] for k in keys},
                      "runs": runs})


# ---- command line --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("corpus", help="write a synthetic corpus (JSON Lines)")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--words", type=int, default=560, help="target words per article (minimum)")
    p.add_argument("--max-words", type=int, default=None, help="maximum target (default: --words)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", default="2023-01-01", help="first publication date (YYYY-MM-DD)")
    p.add_argument("--days", type=int, default=730, help="publication dates spread over this many days")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_corpus)
    p = sub.add_parser("startup", help="time to knowledge base + gazetteer loaded and a first document extracted")
    p.add_argument("--repeats", type=int, default=5)
    p.set_defaults(func=cmd_startup)
    p = sub.add_parser("extract", help="single-process extraction throughput, beside spaCy's blank tokenizer")
    p.add_argument("--corpus", required=True)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--chunk", type=int, default=250, help="throughput is also sampled every CHUNK documents")
    p.add_argument("--baseline-docs", type=int, default=1000, help="documents the baselines tokenize")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("batch", help="`batch` throughput on a LocalCluster")
    p.add_argument("--corpus", required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--partition-size", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("pool", help="extraction in N local processes (scale/pool.py), start-up included")
    p.add_argument("--corpus", required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--repeats", type=int, default=3)
    p.set_defaults(func=cmd_pool)
    p = sub.add_parser("ingest", help="Store.ingest time per document as the database grows")
    p.add_argument("--corpus", help="a JSON Lines corpus, extracted first (not timed)")
    p.add_argument("--parquet", help="or the output directory of a `batch` run (read with read_batch)")
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--chunk", type=int, default=250)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--prefill", help="a corpus (JSON Lines) or `batch` output ingested first, untimed, into the database")
    p.add_argument("--prefill-limit", type=int, default=None, help="ingest only the first N documents of --prefill")
    p.add_argument("--cache", help="folder where extracted corpora are pickled once and read back in later runs")
    p.set_defaults(func=cmd_ingest)
    for name, func in (("_startup", _startup_once), ("_extract", _extract_once), ("_components", _components_once),
                       ("_batch", _batch_once), ("_pool", _pool_once), ("_ingest", _ingest_once),
                       ("_prefill", _prefill_once)):
        p = sub.add_parser(name)
        p.add_argument("--corpus")
        p.add_argument("--limit", type=int, default=None)
        p.add_argument("--chunk", type=int, default=250)
        p.add_argument("--baseline-docs", type=int, default=1000)
        p.add_argument("--workers", type=int, default=2)
        p.add_argument("--partition-size", type=int, default=100)
        p.add_argument("--url")
        p.add_argument("--parquet")
        p.add_argument("--cache")
        p.add_argument("--server-pid", type=int, default=None)
        p.set_defaults(func=func)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
