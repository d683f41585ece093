"""What the store's CLI commands do (ingest, merge, events, export, stats); cli.py only parses options."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import ConflictlensError, InputError
from ..model import Document, Extraction
from .filters import EventFilter

log = logging.getLogger(__name__)

EVENT_FORMATS = ("table", "json", "csv")


class UsageError(ConflictlensError):
    """A bad option value (exit 2)."""


def parse_near(value: Optional[str]) -> Optional[tuple[float, float, float]]:
    if value is None:
        return None
    try:
        lat, lon, km = (float(p) for p in value.split(","))
    except ValueError:
        raise UsageError(f"--near: {value!r} is not LAT,LON,KM (e.g. 11.85,13.16,50)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise UsageError(f"--near: {value!r} is out of range (lat -90..90, lon -180..180, km > 0)")
    return lat, lon, km


def parse_date(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date in the form YYYY-MM-DD") from None


def build_filter(actor: Optional[str] = None, include_members: bool = False, event_type: Optional[str] = None,
                 country: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                 near: Optional[str] = None, text: Optional[str] = None) -> EventFilter:
    from .. import taxonomy

    if event_type and event_type not in taxonomy.ACLED_TYPES and event_type not in taxonomy.SUB_EVENT_TYPES:
        raise UsageError(f"--type: {event_type!r} is not an ACLED event type or sub-event type")
    if country and (len(country) != 2 or not country.isalpha()):
        raise UsageError(f"--country: {country!r} is not an ISO 3166-1 alpha-2 code (e.g. NG)")
    return EventFilter(actor=actor, include_members=include_members, event_type=event_type,
                       country=country.upper() if country else None, since=parse_date(since, "--since"),
                       until=parse_date(until, "--until"), near=parse_near(near), text=text)


# ---- ingest -------------------------------------------------------------------------------

class IngestRun:
    """One `conflictlens ingest`: counts, the progress bar, and one error line per bad document."""

    def __init__(self, err: Console):
        self.err = err
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
        self.out_of_order = 0     # documents merged without replaying the many reports after them
        self.progress = Progress(SpinnerColumn(), TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]} docs/s · {task.fields[summary]}"),
                                 TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
        self.task = self.progress.add_task("ingest", total=None, rate="0.0", summary="")
        self.started = dt.datetime.now()

    def tick(self, status: str) -> None:
        self.counts[status] += 1
        done = sum(self.counts.values())
        seconds = max((dt.datetime.now() - self.started).total_seconds(), 1e-6)
        summary = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n)
        self.progress.update(self.task, completed=done, rate=f"{done / seconds:.1f}", summary=summary)

    def report(self, source: str, reason: str) -> None:
        self.err.print(f"[bold red]error:[/] {escape(source)}: {escape(reason)}", highlight=False, soft_wrap=True)
        self.tick("failed")

    def input_error(self, error: InputError) -> None:
        self.report(error.source, error.reason)

    def extraction_failed(self, document: Document, exc: Exception) -> None:
        reason = " ".join(str(exc).split())[:160]
        self.report(document.origin or document.id, f"extraction failed ({type(exc).__name__}: {reason})")

    def summary(self) -> str:
        c = self.counts
        return (f"{c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged"
                + (f", {c['failed']} failed" if c["failed"] else "")
                + (f"; {self.out_of_order} came before too many stored reports to re-merge them: "
                   "run `conflictlens merge --rebuild`" if self.out_of_order else ""))


def ingest_pairs(store, pairs: Iterator[tuple[Document, Extraction]], run: IngestRun) -> None:
    """Store each pair in its own transaction; a document the store cannot take is reported, the rest go on."""
    from sqlalchemy.exc import SQLAlchemyError

    for document, extraction in pairs:
        try:
            run.tick(store.ingest(document, extraction))
        except (SQLAlchemyError, ValueError, KeyError, TypeError) as exc:
            log.debug("storing %s failed", document.origin or document.id, exc_info=True)
            run.report(document.origin or document.id,
                       f"not stored ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})")
        run.out_of_order = store.out_of_order


def new_documents(store, documents: Iterator[Document], run: IngestRun) -> Iterator[Document]:
    """Skip documents the store already holds unchanged before paying for their extraction."""
    for document in documents:
        if store.known(document):
            run.tick("unchanged")
        else:
            yield document


def parquet_pairs(directory: Path) -> Iterator[tuple[Document, Extraction]]:
    """(document, extraction) pairs from the output folder of `conflictlens batch`."""
    try:
        from ..scale.parquet import read_batch
    except ImportError as exc:
        raise ConflictlensError("--from-parquet: reading batch output needs conflictlens.scale.parquet.read_batch, "
                                f"which this installation lacks ({exc})") from None
    if not directory.is_dir():
        raise UsageError(f"--from-parquet: {directory} is not a folder")
    return read_batch(str(directory))


# ---- events / stats -------------------------------------------------------------------------

EVENT_COLUMNS = ("id", "date", "event_type", "sub_event_type", "actor1", "actor2", "location", "country",
                 "lat", "lon", "fatalities", "n_sources", "conflicts")


def event_summary(event: dict) -> dict:
    """A flat row of a merged event for tables and CSV."""
    loc = event.get("location") or {}
    when = event.get("date") or {}
    return {"id": event["id"], "date": when.get("date") or when.get("earliest") or "",
            "event_type": event["event_type"], "sub_event_type": event["sub_event_type"],
            "actor1": (event.get("actor1") or {}).get("name") or "", "actor2": (event.get("actor2") or {}).get("name") or "",
            "location": loc.get("name") or "", "country": loc.get("country") or "",
            "lat": loc.get("lat", ""), "lon": loc.get("lon", ""),
            "fatalities": "" if event.get("fatalities") is None else event["fatalities"],
            "n_sources": event.get("n_sources", 1),
            "conflicts": ", ".join(c["field"] for c in event.get("conflicts") or [])}


def print_events(events: list[dict], total: int, format: str, out: Console) -> None:
    if format == "json":
        for event in events:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        return
    if format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=EVENT_COLUMNS)
        writer.writeheader()
        writer.writerows(event_summary(e) for e in events)
        return
    table = Table("id", "date", "type", "sub-event", "actor1", "actor2", "where", "deaths", "sources", "conflicts",
                  title=f"{len(events)} of {total} events")
    for e in map(event_summary, events):
        where = f"{e['location']} ({e['country']})" if e["location"] else ""
        table.add_row(e["id"], str(e["date"]), e["event_type"], e["sub_event_type"], e["actor1"], e["actor2"], where,
                      str(e["fatalities"]), str(e["n_sources"]), e["conflicts"])
    out.print(table)


def print_stats(stats: dict, out: Console, top: int = 20) -> None:
    out.print(f"[bold]{stats['total']}[/] events")
    for key, title in (("by_type", "event type"), ("by_country", "country"), ("by_actor", "actor"),
                       ("by_week", "week (Monday)")):
        items = list(stats[key].items())
        if key != "by_week":
            items = items[:top]
        table = Table(title, "events", title=f"by {title}" + (f" (top {top})" if key not in ("by_week",) and len(stats[key]) > top else ""))
        for name, n in items:
            table.add_row(str(name), str(n))
        out.print(table)


