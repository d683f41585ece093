"""Batch extraction on a Dask cluster: plan partitions, extract each on a worker, write Parquet.

The client only plans: it cuts the inputs into partitions (so many JSON Lines lines by byte range, so
many Parquet rows, so many files of a folder) without holding documents, and sends each partition's
description to a worker. The worker reads its slice itself (local paths on shared storage, or fsspec
URLs such as s3://), runs its one Extractor (built once per worker process), and writes the
partition's tables and done-marker under the output directory (scale/parquet.py). A document that
cannot be read or extracted becomes a row of the errors table and the partition goes on; a partition
whose marker exists is skipped, so a re-run after a crash or a Ctrl-C does only what is left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import posixpath
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

import fsspec

from ..errors import ConflictlensError, InputError
from ..model import Document
from . import parquet

log = logging.getLogger(__name__)

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
DEFAULT_PARTITION_SIZE = 500
DEFAULT_MAX_BYTES = 5 * 1024 * 1024     # one document (a JSON line, a file) at most, as `extract` allows
EXTRACT_BATCH = 32
PARQUET_TEXT_COLUMNS = ("text", "body", "content")


@dataclass(frozen=True)
class Partition:
    """What one worker task reads: a byte range of a JSON Lines file, a row range of a Parquet file,
    or a list of files (text, HTML, JSON, feeds). `id` is stable across runs of the same inputs."""

    id: str
    kind: Literal["jsonl", "parquet", "files"]
    source: str = ""                  # the JSON Lines or Parquet file (path or URL)
    start: int = 0                    # jsonl: first byte; parquet: first row
    end: int = 0                      # jsonl: byte after the last line; parquet: row after the last
    first_line: int = 1               # jsonl: line number of the first line (for error messages)
    files: tuple[str, ...] = ()       # files: the files, in order


@dataclass
class BatchResult:
    """What a batch run did, partition by partition."""

    partitions: int = 0
    skipped: int = 0
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (partition id, reason) of lost partitions
    documents: int = 0
    errors: int = 0
    events: int = 0
    words: int = 0
    seconds: float = 0.0


# ---- planning (on the client) ---------------------------------------------------------------------


def _fs(url: str):
    return fsspec.core.url_to_fs(url)


def _is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _partition_id(seq: int, *key: object) -> str:
    digest = hashlib.sha1(json.dumps([str(k) for k in key]).encode("utf-8")).hexdigest()[:10]
    return f"{seq:05d}-{digest}"


def _jsonl_partitions(url: str, size: int, seq: int) -> Iterator[Partition]:
    """Byte ranges of `size` non-empty lines each, found by one streaming pass over the file."""
    fs, path = _fs(url)
    start = offset = 0
    first_line = line_no = 1
    count = 0
    with fs.open(path, "rb") as handle:
        for line in handle:
            offset += len(line)
            if line.strip():
                count += 1
            line_no += 1
            if count == size:
                yield Partition(_partition_id(seq, "jsonl", url, start, offset), "jsonl", url, start, offset, first_line)
                seq += 1
                start, first_line, count = offset, line_no, 0
    if count:
        yield Partition(_partition_id(seq, "jsonl", url, start, offset), "jsonl", url, start, offset, first_line)


def _parquet_partitions(url: str, size: int, seq: int) -> Iterator[Partition]:
    import pyarrow.parquet as pq

    fs, path = _fs(url)
    with fs.open(path, "rb") as handle:
        rows = pq.ParquetFile(handle).metadata.num_rows
    for start in range(0, rows, size):
        end = min(rows, start + size)
        yield Partition(_partition_id(seq, "parquet", url, start, end), "parquet", url, start, end)
        seq += 1


def _expand(url: str) -> list[str]:
    """A file stays itself; a folder becomes its files (recursively, sorted, hidden ones skipped)."""
    from ..ingest import EXTENSIONS

    fs, path = _fs(url)
    if not fs.exists(path):
        raise InputError(url, "no such file or directory")
    if not fs.isdir(path):
        return [url]
    protocol = "" if _is_local(fs) else f"{fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]}://"
    wanted = tuple(EXTENSIONS) + PARQUET_SUFFIXES
    found = [p for p in sorted(fs.find(path))
             if not any(part.startswith(".") for part in p[len(path.rstrip('/')):].split("/"))
             and p.lower().endswith(wanted)]
    if not found:
        raise InputError(url, "no supported files in directory")
    return [protocol + p for p in found]


def plan_partitions(inputs: Iterable[str], size: int = DEFAULT_PARTITION_SIZE) -> list[Partition]:
    """Cut the inputs into partitions of about `size` documents; InputError for an input that does not exist."""
    if size <= 0:
        raise ValueError(f"partition size must be positive, not {size}")
    partitions: list[Partition] = []
    loose: list[str] = []

    def flush_loose() -> None:
        for i in range(0, len(loose), size):
            chunk = tuple(loose[i:i + size])
            partitions.append(Partition(_partition_id(len(partitions), "files", *chunk), "files", files=chunk))
        loose.clear()

    for raw in inputs:
        url = str(raw) if "://" in str(raw) else str(Path(raw).resolve())
        for item in _expand(url):
            lower = item.lower()
            if lower.endswith(JSONL_SUFFIXES):
                flush_loose()
                partitions.extend(_jsonl_partitions(item, size, len(partitions)))
            elif lower.endswith(PARQUET_SUFFIXES):
                flush_loose()
                partitions.extend(_parquet_partitions(item, size, len(partitions)))
            else:
                loose.append(item)
    flush_loose()
    return partitions


# ---- reading a partition (on the worker) ----------------------------------------------------------


def _jsonl_documents(part: Partition, max_bytes: int) -> Iterator[Document | InputError]:
    from ..ingest.jsonl import record_document

    fs, path = _fs(part.source)
    with fs.open(path, "rb") as handle:
        handle.seek(part.start)
        data = handle.read(part.end - part.start)
    name = part.source
    for number, line in enumerate(io.BytesIO(data), start=part.first_line):
        origin = f"{name}:{number}"
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield InputError(origin, f"line is {len(line):,} bytes, over the limit of {max_bytes:,} bytes")
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield InputError(origin, f"not valid JSON ({str(exc).splitlines()[0][:120]})")
            continue
        try:
            yield record_document(record, origin).model_copy(update={"origin": origin})
        except InputError as exc:
            yield exc


def _parquet_documents(part: Partition) -> Iterator[Document | InputError]:
    """Rows [start, end) of a Parquet file with a text column (text, body or content) and optional metadata."""
    import pyarrow.parquet as pq

    from ..ingest.jsonl import record_document

    fs, path = _fs(part.source)
    with fs.open(path, "rb") as handle:
        pf = pq.ParquetFile(handle)
        names = set(pf.schema_arrow.names)
        text_column = next((c for c in PARQUET_TEXT_COLUMNS if c in names), None)
        if text_column is None:
            yield InputError(part.source, f"no text column ({', '.join(PARQUET_TEXT_COLUMNS)}) in the Parquet file")
            return
        wanted = [c for c in ("id", "url", "title", "outlet", "author", "language", "published") if c in names]
        row = 0
        for batch in pf.iter_batches(batch_size=256, columns=[text_column, *wanted]):
            if row + batch.num_rows <= part.start:
                row += batch.num_rows
                continue
            for record in batch.to_pylist():
                if part.start <= row < part.end:
                    record["text"] = record.pop(text_column)
                    if isinstance(record.get("published"), (dt.date, dt.datetime)):
                        record["published"] = record["published"].isoformat()
                    record = {k: v for k, v in record.items() if v is not None}
                    origin = f"{part.source}#{row}"
                    try:
                        yield record_document(record, origin).model_copy(update={"origin": origin})
                    except InputError as exc:
                        yield exc
                row += 1
            if row >= part.end:
                return


def _file_documents(part: Partition, max_bytes: int) -> Iterator[Document | InputError]:
    from ..ingest import read_records

    for url in part.files:
        fs, path = _fs(url)
        if _is_local(fs):
            yield from read_records(Path(path), max_bytes)
            continue
        with tempfile.TemporaryDirectory() as tmp:      # a remote file: fetch it, read it, name it by its URL
            local = Path(tmp) / posixpath.basename(path)
            fs.get(path, str(local))
            for item in read_records(local, max_bytes):
                if isinstance(item, InputError):
                    yield InputError(url, item.reason)
                else:
                    yield item.model_copy(update={"origin": url + (item.origin or "")[len(str(local)):]})


def partition_documents(part: Partition, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | InputError]:
    """The documents (and unreadable records, as InputError) of one partition, in order."""
    if part.kind == "jsonl":
        return _jsonl_documents(part, max_bytes)
    if part.kind == "parquet":
        return _parquet_documents(part)
    return _file_documents(part, max_bytes)


# ---- extracting a partition (on the worker) -------------------------------------------------------


@lru_cache(maxsize=1)
def worker_extractor():
    """The Extractor of this worker process: built on the first partition, reused for every later one."""
    from ..nlp.build import Extractor

    return Extractor(batch_size=EXTRACT_BATCH)


def _one_line(exc: Exception) -> str:
    reason = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {reason[:159] + '…' if len(reason) > 160 else reason}"


def extract_pairs(extractor, documents: list[Document], on_error: Callable[[Document, Exception], None]):
    """(Document, Extraction) pairs of a list, batched; a failing batch is redone one by one."""
    try:
        yield from zip(documents, list(extractor.extract_many(documents)))
        return
    except Exception:
        log.debug("a batch failed; extracting its documents one by one", exc_info=True)
    for document in documents:
        try:
            yield document, extractor.extract(document)
        except Exception as exc:
            log.debug("extraction failed for %s", document.origin or document.id, exc_info=True)
            on_error(document, exc)


def process_partition(part: Partition, out: str, published: Optional[dt.date] = None,
                      max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """Read, extract and write one partition; returns its summary (also stored in its done-marker)."""
    if parquet.is_done(out, part.id):
        return {"partition": part.id, "skipped": True}
    began = time.perf_counter()
    extractor = worker_extractor()
    rows = parquet.PartitionRows(part.id)
    summary = {"partition": part.id, "skipped": False, "documents": 0, "errors": 0, "events": 0, "words": 0,
               "worker_pid": os.getpid()}

    def failed(document: Document, exc: Exception) -> None:
        rows.error(document.origin or document.id, f"extraction failed ({_one_line(exc)})", "extract", document.id)

    pending: list[Document] = []

    def drain() -> None:
        for document, extraction in extract_pairs(extractor, pending, failed):
            rows.add(document, extraction)
            summary["documents"] += 1
            summary["events"] += len(extraction.events)
            summary["words"] += len(document.text.split())
        pending.clear()

    try:
        for item in partition_documents(part, max_bytes):
            if isinstance(item, InputError):
                rows.error(item.source, item.reason, "read")
                continue
            pending.append(item.model_copy(update={"published": published}) if published else item)
            if len(pending) >= EXTRACT_BATCH:
                drain()
    except Exception as exc:     # the slice itself cannot be read (file gone, storage down): one error row
        log.debug("reading partition %s failed", part.id, exc_info=True)
        rows.error(part.source or ",".join(part.files[:3]), f"cannot read ({_one_line(exc)})", "read")
    drain()
    summary["errors"] = rows.counts()["errors"]
    summary["seconds"] = round(time.perf_counter() - began, 3)
    parquet.write_partition(out, rows, summary)
    return summary


# ---- running on Dask (on the client) --------------------------------------------------------------


def _warm_worker() -> int:
    worker_extractor()
    return os.getpid()


def connect(scheduler: Optional[str] = None, workers: int = 2, memory_limit: str = "auto"):
    """A dask.distributed Client: to the scheduler at `scheduler`, or to a new LocalCluster of
    `workers` single-threaded worker processes (the pipeline is pure Python: threads would share one GIL)."""
    from dask.distributed import Client, LocalCluster

    if not logging.getLogger().isEnabledFor(logging.INFO):   # dask logs its start-up at INFO: not for users
        logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except (OSError, ValueError) as exc:     # unreachable, timed out, or not an address
            raise ConflictlensError(f"--scheduler: cannot connect to {scheduler} ({' '.join(str(exc).split())[:160]})") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory_limit,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster)


def run_batch(inputs: Iterable[str], out: str, *, client=None, scheduler: Optional[str] = None, workers: int = 2,
              partition_size: int = DEFAULT_PARTITION_SIZE, published: Optional[dt.date] = None,
              max_bytes: int = DEFAULT_MAX_BYTES,
              on_plan: Optional[Callable[[int, int], None]] = None,
              on_partition: Optional[Callable[[dict], None]] = None) -> BatchResult:
    """Extract every input into partitioned Parquet under `out`, skipping partitions already done.

    on_plan(to_do, already_done) is called once partitions are planned; on_partition(summary) after each.
    """
    from dask.distributed import as_completed

    began = time.perf_counter()
    partitions = plan_partitions(inputs, partition_size)
    done = parquet.done_partitions(out)
    todo = [p for p in partitions if p.id not in done]
    result = BatchResult(partitions=len(partitions), skipped=len(partitions) - len(todo))
    if on_plan:
        on_plan(len(todo), result.skipped)
    if not todo:
        result.seconds = time.perf_counter() - began
        return result
    own_client = client is None
    client = client or connect(scheduler, workers)
    try:
        futures = client.map(process_partition, todo, out=out, published=published, max_bytes=max_bytes,
                             pure=False, key=[f"conflictlens-{p.id}-{os.getpid()}-{time.time_ns()}" for p in todo])
        by_key = {f.key: p for f, p in zip(futures, todo)}
        for future in as_completed(futures):
            part = by_key[future.key]
            try:
                summary = future.result()
            except Exception as exc:   # the worker died or the output cannot be written: the partition stays to do
                log.debug("partition %s failed", part.id, exc_info=True)
                result.failed.append((part.id, _one_line(exc)))
                summary = {"partition": part.id, "failed": _one_line(exc)}
            else:
                if summary.get("skipped"):
                    result.skipped += 1
                else:
                    result.done += 1
                    for name in ("documents", "errors", "events", "words"):
                        setattr(result, name, getattr(result, name) + summary.get(name, 0))
            future.release()
            if on_partition:
                on_partition(summary)
    finally:
        if own_client:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    result.seconds = time.perf_counter() - began
    return result


def check_output_dir(out: str) -> None:
    """ConflictlensError when `out` exists and is not a directory this command can write into."""
    fs, path = _fs(out)
    if fs.exists(path) and not fs.isdir(path):
        raise ConflictlensError(f"--out: {out} exists and is not a directory")


__all__ = ["Partition", "BatchResult", "plan_partitions", "partition_documents", "process_partition",
           "run_batch", "connect", "check_output_dir"]
