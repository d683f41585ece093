"""The batch output: partitioned Parquet tables under one directory, and reading them back.

Layout (one file per table per partition, written by the worker that extracted the partition):

    DIR/documents/part-<pid>.parquet   one row per extracted document: metadata, text, whole extraction (JSON)
    DIR/events/part-<pid>.parquet      one row per event, flat (actor names and ids, location, dates, fatalities)
    DIR/mentions/ tallies/ statements/ relations/ flags/   flat rows, each with document_id
    DIR/errors/part-<pid>.parquet      documents that could not be read or extracted, with the reason
    DIR/_done/<pid>.json               written last, atomically: the partition is complete

The documents table keeps everything needed to rebuild each model.Document (text and metadata) and
model.Extraction (the `extraction` JSON column), so `read_batch` feeds the store without re-extracting;
the flat tables are for analysis (pandas, DuckDB, Spark). Paths may be local or any fsspec URL (s3://...).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import posixpath
import uuid
from collections.abc import Iterator
from typing import Any, Optional

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from ..errors import InputError
from ..model import Actor, Document, Extraction, Location, When

log = logging.getLogger(__name__)

DONE_DIR = "_done"
_STR, _INT, _F64, _DATE = pa.string(), pa.int64(), pa.float64(), pa.date32()


def _fields(*names_types: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(n, t) for n, t in names_types])


def _location_fields(prefix: str) -> list[tuple[str, pa.DataType]]:
    return [(f"{prefix}name", _STR), (f"{prefix}lat", _F64), (f"{prefix}lon", _F64), (f"{prefix}country", _STR),
            (f"{prefix}admin1", _STR), (f"{prefix}geonames_id", _INT), (f"{prefix}kb_id", _STR),
            (f"{prefix}precision", _INT)]


def _when_fields(prefix: str) -> list[tuple[str, pa.DataType]]:
    return [(f"{prefix}date", _DATE), (f"{prefix}earliest", _DATE), (f"{prefix}latest", _DATE),
            (f"{prefix}precision", _STR)]


SCHEMAS: dict[str, pa.Schema] = {
    "documents": _fields(("document_id", _STR), ("url", _STR), ("title", _STR), ("outlet", _STR), ("author", _STR),
                         ("published", _DATE), ("language", _STR), ("origin", _STR), ("words", _INT),
                         ("text", _STR), ("extraction", _STR)),
    "events": _fields(("document_id", _STR), ("event_id", _STR), ("event_type", _STR), ("sub_event_type", _STR),
                      ("plover", _STR), ("actor1", _STR), ("actor1_kb_id", _STR), ("assoc_actor1", _STR),
                      ("actor2", _STR), ("actor2_kb_id", _STR), ("assoc_actor2", _STR),
                      *_location_fields("location_"), *_when_fields("date_"), ("fatalities", _INT),
                      ("claimed_by", _STR), ("source", _STR), ("trigger", _STR), ("evidence", _STR),
                      ("evidence_start", _INT), ("evidence_end", _INT), ("confidence", _F64)),
    "mentions": _fields(("document_id", _STR), ("kind", _STR), ("text", _STR), ("start", _INT), ("end", _INT),
                        ("kb_id", _STR), *_location_fields("location_"), *_when_fields("when_")),
    "tallies": _fields(("document_id", _STR), ("count", _INT), ("what", _STR), ("where", _STR),
                       ("since", _DATE), ("as_of", _DATE), ("source", _STR), ("evidence", _STR)),
    "statements": _fields(("document_id", _STR), ("kind", _STR), ("speaker", _STR), ("text", _STR),
                          *_when_fields("date_"), ("source", _STR), ("evidence", _STR)),
    "relations": _fields(("document_id", _STR), ("subject", _STR), ("subject_kb_id", _STR), ("predicate", _STR),
                         ("object", _STR), ("object_kb_id", _STR), ("date", _DATE), ("evidence", _STR)),
    "flags": _fields(("document_id", _STR), ("kind", _STR), ("message", _STR), ("evidence", _STR),
                     ("evidence_start", _INT), ("evidence_end", _INT)),
    "errors": _fields(("partition", _STR), ("source", _STR), ("document_id", _STR), ("stage", _STR),
                      ("reason", _STR)),
}
TABLES = tuple(SCHEMAS)


def _loc(prefix: str, loc: Optional[Location]) -> dict[str, Any]:
    if loc is None:
        return {}
    return {f"{prefix}name": loc.name, f"{prefix}lat": loc.lat, f"{prefix}lon": loc.lon,
            f"{prefix}country": loc.country, f"{prefix}admin1": loc.admin1, f"{prefix}geonames_id": loc.geonames_id,
            f"{prefix}kb_id": loc.kb_id, f"{prefix}precision": loc.precision}


def _when(prefix: str, when: Optional[When]) -> dict[str, Any]:
    if when is None:
        return {}
    return {f"{prefix}date": when.date, f"{prefix}earliest": when.earliest, f"{prefix}latest": when.latest,
            f"{prefix}precision": when.precision}


def _names(actors: list[Actor]) -> Optional[str]:
    return "; ".join(a.name for a in actors) or None


def _sources(extraction_part) -> Optional[str]:
    """The attribution chain, outermost first, as one readable string."""
    return " > ".join(s.name for s in extraction_part.attribution) or None


def _speaker(speaker) -> Optional[str]:
    return speaker.name if speaker is not None else None


class PartitionRows:
    """Rows of every table for one partition, collected as documents are extracted.

    Rows wait as Python dicts for at most PACK_EVERY documents, then are packed into Arrow tables
    (columnar, several times smaller): a worker's memory then grows by what the partition's Parquet
    holds, not by the Python objects of every row of it.
    """

    PACK_EVERY = 64   # documents

    def __init__(self, partition: str):
        self.partition = partition
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}   # not packed yet
        self.packed: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
        self.packed_rows: dict[str, int] = {name: 0 for name in TABLES}
        self._unpacked_documents = 0

    def pack(self) -> None:
        """Move the waiting rows into Arrow tables."""
        for name, rows in self.rows.items():
            if rows:
                self.packed[name].append(pa.Table.from_pylist(rows, schema=SCHEMAS[name]))
                self.packed_rows[name] += len(rows)
                self.rows[name] = []
        self._unpacked_documents = 0

    def table(self, name: str) -> pa.Table:
        """Every row of one table so far, as one Arrow table."""
        self.pack()
        return pa.concat_tables(self.packed[name]) if self.packed[name] else SCHEMAS[name].empty_table()

    def add(self, document: Document, extraction: Extraction) -> None:
        if self._unpacked_documents >= self.PACK_EVERY:
            self.pack()
        self._unpacked_documents += 1
        doc_id = extraction.document.id
        self.rows["documents"].append({
            "document_id": doc_id, "url": document.url, "title": document.title, "outlet": document.outlet,
            "author": document.author, "published": document.published, "language": document.language,
            "origin": document.origin, "words": len(document.text.split()), "text": document.text,
            "extraction": extraction.model_dump_json()})
        for e in extraction.events:
            self.rows["events"].append({
                "document_id": doc_id, "event_id": e.id, "event_type": e.event_type,
                "sub_event_type": e.sub_event_type, "plover": e.plover,
                "actor1": e.actor1.name if e.actor1 else None, "actor1_kb_id": e.actor1.kb_id if e.actor1 else None,
                "assoc_actor1": _names(e.assoc_actor1),
                "actor2": e.actor2.name if e.actor2 else None, "actor2_kb_id": e.actor2.kb_id if e.actor2 else None,
                "assoc_actor2": _names(e.assoc_actor2), **_loc("location_", e.location), **_when("date_", e.date),
                "fatalities": e.fatalities, "claimed_by": e.claimed_by.name if e.claimed_by else None,
                "source": _sources(e), "trigger": e.trigger.text, "evidence": e.evidence.text,
                "evidence_start": e.evidence.start, "evidence_end": e.evidence.end, "confidence": e.confidence})
        for m in extraction.mentions:
            self.rows["mentions"].append({"document_id": doc_id, "kind": m.kind, "text": m.text, "start": m.span[0],
                                          "end": m.span[1], "kb_id": m.kb_id, **_loc("location_", m.location),
                                          **_when("when_", m.when)})
        for t in extraction.tallies:
            self.rows["tallies"].append({
                "document_id": doc_id, "count": t.count, "what": t.what, "where": "; ".join(w.name for w in t.where) or None,
                "since": t.since.date if t.since else None, "as_of": t.as_of.date if t.as_of else None,
                "source": _sources(t), "evidence": t.evidence.text})
        for s in extraction.statements:
            self.rows["statements"].append({"document_id": doc_id, "kind": s.kind, "speaker": _speaker(s.speaker),
                                            "text": s.text, **_when("date_", s.date), "source": _sources(s),
                                            "evidence": s.evidence.text})
        for r in extraction.relations:
            self.rows["relations"].append({
                "document_id": doc_id, "subject": r.subject.name, "subject_kb_id": r.subject.kb_id,
                "predicate": r.predicate, "object": r.object.name, "object_kb_id": r.object.kb_id,
                "date": r.date.date if r.date else None, "evidence": r.evidence.text})
        for f in extraction.flags:
            self.rows["flags"].append({"document_id": doc_id, "kind": f.kind, "message": f.message,
                                       "evidence": f.evidence.text, "evidence_start": f.evidence.start,
                                       "evidence_end": f.evidence.end})

    def error(self, source: str, reason: str, stage: str, document_id: Optional[str] = None) -> None:
        self.rows["errors"].append({"partition": self.partition, "source": source, "document_id": document_id,
                                    "stage": stage, "reason": reason})

    def counts(self) -> dict[str, int]:
        return {name: self.packed_rows[name] + len(rows) for name, rows in self.rows.items()}


def _fs(root: str):
    fs, path = fsspec.core.url_to_fs(str(root))
    return fs, path.rstrip("/") or "/"


def is_done(root: str, partition: str) -> bool:
    fs, base = _fs(root)
    return fs.exists(posixpath.join(base, DONE_DIR, f"{partition}.json"))


def done_partitions(root: str) -> set[str]:
    """Ids of the partitions whose done-marker exists."""
    fs, base = _fs(root)
    done = posixpath.join(base, DONE_DIR)
    if not fs.exists(done):
        return set()
    return {posixpath.basename(p)[:-len(".json")] for p in fs.ls(done, detail=False) if p.endswith(".json")}


def _write_atomic(fs, path: str, write) -> None:
    """Write to a hidden temporary name beside `path`, then move it into place (a rename on local disks)."""
    tmp = posixpath.join(posixpath.dirname(path), f".tmp-{uuid.uuid4().hex}-{posixpath.basename(path)}")
    try:
        with fs.open(tmp, "wb") as handle:
            write(handle)
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def write_partition(root: str, rows: PartitionRows, summary: dict) -> None:
    """Write every table of the partition, then its done-marker (the commit point of a partition)."""
    fs, base = _fs(root)
    for name in SCHEMAS:
        fs.makedirs(posixpath.join(base, name), exist_ok=True)
        table = rows.table(name)
        _write_atomic(fs, posixpath.join(base, name, f"part-{rows.partition}.parquet"),
                      lambda handle, table=table: pq.write_table(table, handle, compression="zstd"))
    fs.makedirs(posixpath.join(base, DONE_DIR), exist_ok=True)
    marker = json.dumps({**summary, "partition": rows.partition, "tables": rows.counts(),
                         "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    _write_atomic(fs, posixpath.join(base, DONE_DIR, f"{rows.partition}.json"),
                  lambda handle: handle.write(marker.encode("utf-8")))


def table_files(root: str, table: str, only_done: bool = True) -> list[str]:
    """The Parquet files of one table, in partition order (only those of finished partitions by default)."""
    fs, base = _fs(root)
    folder = posixpath.join(base, table)
    if not fs.exists(folder):
        return []
    done = done_partitions(root) if only_done else None
    files = []
    for path in sorted(fs.ls(folder, detail=False)):
        name = posixpath.basename(path)
        if not (name.startswith("part-") and name.endswith(".parquet")):
            continue
        if done is None or name[len("part-"):-len(".parquet")] in done:
            files.append(path)
    return files


def read_table(root: str, table: str):
    """One whole table as a pyarrow Table (finished partitions only): for tests and small batches."""
    if table not in SCHEMAS:
        raise ValueError(f"unknown table {table!r} (tables: {', '.join(TABLES)})")
    fs, _ = _fs(root)
    parts = [pq.read_table(path, filesystem=fs) for path in table_files(root, table)]
    return pa.concat_tables(parts) if parts else SCHEMAS[table].empty_table()


def read_batch(root: str, batch_rows: int = 256) -> Iterator[tuple[Document, Extraction]]:
    """Every (Document, Extraction) of a finished batch, partition by partition, in bounded memory.

    The store's `ingest --from-parquet DIR` feeds these to Store.ingest without extracting again.
    """
    fs, base = _fs(root)
    if not fs.exists(posixpath.join(base, "documents")):
        raise InputError(str(root), "not the output of `conflictlens batch` (no documents/ table)")
    columns = ["document_id", "url", "title", "outlet", "author", "published", "language", "origin", "text",
               "extraction"]
    for path in table_files(root, "documents"):
        with fs.open(path, "rb") as handle:
            try:
                batches = pq.ParquetFile(handle).iter_batches(batch_size=batch_rows, columns=columns)
                for record_batch in batches:
                    for row in record_batch.to_pylist():
                        document = Document(id=row["document_id"], text=row["text"], url=row["url"],
                                            title=row["title"], outlet=row["outlet"], author=row["author"],
                                            published=row["published"], language=row["language"], origin=row["origin"])
                        yield document, Extraction.model_validate_json(row["extraction"])
            except (pa.ArrowException, ValidationError, KeyError) as exc:
                raise InputError(path, f"unreadable batch table ({type(exc).__name__}: "
                                       f"{' '.join(str(exc).split())[:160]})") from None


__all__ = ["SCHEMAS", "TABLES", "PartitionRows", "write_partition", "read_batch", "read_table", "table_files",
           "done_partitions", "is_done"]
