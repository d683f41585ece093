"""The command line: typer app `conflictlens`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import ConflictlensError, InputError

from .kb.cli import app as kb_app

app = typer.Typer(help="Turn news articles about armed conflict into ACLED-style event data.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.add_typer(kb_app, name="kb")
err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 2) -> None:
    """One line on stderr and a non-zero exit: how every user-facing error ends."""
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_date_option(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr."),
         debug: bool = typer.Option(False, "--debug", help="Log everything, tracebacks of failed documents included.")) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output contract (one Extraction per document)."""
    from .model import Extraction

    sys.stdout.write(json.dumps(Extraction.model_json_schema(), indent=2) + "\n")


def check_workers(workers: int) -> None:
    if workers <= 0:
        fail(f"--workers: {workers} is not a positive number")


class ProcessExtractor:
    """Extractor.extract_isolated over worker processes (scale/pool.py), for extract and ingest --workers."""

    def __init__(self, workers: int):
        self.workers = workers

    def extract_isolated(self, documents, on_error):
        from .scale.pool import extract_in_processes

        return extract_in_processes(documents, self.workers, on_error)


def worker_extractor(workers: int) -> ProcessExtractor:
    """The extractor for --workers N > 1; the knowledge base is loaded here first, so that a broken one
    is one error line rather than N dying workers."""
    from .kb import get_kb

    get_kb()
    return ProcessExtractor(workers)


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="Articles: .txt, .html, .jsonl, .json, RSS/Atom (.xml/.rss/.atom), "
                                                 "directories of them, or - for stdin."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides the document's own)."),
    format: str = typer.Option("json", "--format", "-f", help="json (JSON Lines) or table."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write JSON Lines here instead of stdout."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", envvar="CONFLICTLENS_MAX_BYTES",
                                            help="Largest file accepted (default 5 MB)."),
    workers: int = typer.Option(1, "--workers", "-w", help="Extract in this many worker processes (output keeps input order)."),
) -> None:
    """Extract events and linked mentions from articles (nothing is stored).

    Each document that cannot be read or extracted is reported as one line
    "error: FILE[:LINE]: reason" on stderr and the others are still written;
    the exit code is then 1 (2 for a usage error).
    """
    import os
    import time
    from concurrent.futures.process import BrokenProcessPool

    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .ingest import DEFAULT_MAX_BYTES, read_records
    from .model import Document
    from .render import print_extraction_table
    from .scale.pool import ExtractionFailed

    log = logging.getLogger("conflictlens.extract")
    if format not in ("json", "table"):
        fail(f"--format: {format!r} is not one of json, table")
    pub = parse_date_option(published, "--published")
    if max_bytes is not None and max_bytes <= 0:
        fail(f"--max-bytes: {max_bytes} is not a positive number of bytes")
    check_workers(workers)
    limit = max_bytes or DEFAULT_MAX_BYTES
    done = {"ok": 0, "failed": 0}
    # A bar only helps when the output goes elsewhere than the terminal the bar is drawn on.
    progress = Progress(SpinnerColumn(), TextColumn("extracting"), BarColumn(),
                        TextColumn("{task.completed} documents, {task.fields[failed]} failed, {task.fields[rate]} docs/s"),
                        TimeElapsedColumn(),
                        console=err, transient=True, redirect_stdout=False, redirect_stderr=False,
                        disable=not err.is_terminal or (out_file is None and sys.stdout.isatty()))
    task = progress.add_task("extract", total=None, failed=0, rate="-")
    clock = {"started": time.perf_counter()}   # reset once the pipeline is built: docs/s counts extraction only

    def tick(failed: bool) -> None:
        done["failed" if failed else "ok"] += 1
        count = done["ok"] + done["failed"]
        rate = count / max(time.perf_counter() - clock["started"], 1e-9)
        progress.update(task, completed=count, failed=done["failed"], rate=f"{rate:.1f}")
        if done["ok"] + done["failed"] == 5:      # more than a few documents: show the bar from now on
            progress.start()

    def report(source: str, reason: str) -> None:
        err.print(f"[bold red]error:[/] {escape(source)}: {escape(reason)}", highlight=False, soft_wrap=True)
        tick(failed=True)

    def documents():
        for path in files:
            for item in read_records(path, max_bytes=limit):
                if isinstance(item, InputError):
                    report(item.source, item.reason)
                    continue
                yield item.model_copy(update={"published": pub}) if pub is not None else item

    def extraction_failed(document: Document, exc: Exception) -> None:
        reason = " ".join(str(exc).split())
        reason = reason if len(reason) <= 160 else reason[:159] + "…"
        if not isinstance(exc, ExtractionFailed):   # from a worker process: already "Type: reason"
            reason = f"{type(exc).__name__}: {reason}"
        report(document.origin or document.id, f"extraction failed ({reason})")

    def build_extractor():
        """The pipeline, or a one-line error: a broken knowledge base or install is not a usage error."""
        from .nlp.build import Extractor

        try:
            if workers > 1:   # each worker builds its own pipeline; the knowledge base is checked here
                return worker_extractor(workers)
            return Extractor()
        except ConflictlensError as exc:
            fail(str(exc), 1)
        except Exception as exc:
            log.debug("building the pipeline failed", exc_info=True)
            fail(f"cannot build the pipeline ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 1)

    extractor = build_extractor()
    clock["started"] = time.perf_counter()
    try:
        sink = open(out_file, "w", encoding="utf-8") if out_file else sys.stdout
    except OSError as exc:
        fail(f"--out: cannot write {out_file}: {exc.strerror or exc}")
    table_console = Console(file=sink, width=120) if out_file else out
    try:
        for extraction in extractor.extract_isolated(documents(), extraction_failed):
            if format == "table":
                print_extraction_table(table_console, extraction)
            else:
                sink.write(extraction.model_dump_json() + "\n")
            tick(failed=False)
        sink.flush()
    except ConflictlensError as exc:
        fail(str(exc), 1)
    except KeyboardInterrupt:
        progress.stop()
        fail("interrupted", 130)
    except BrokenPipeError:  # whoever read our output went away (| head): stop quietly, and quietly at exit too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    except (typer.Exit, SystemExit):
        raise
    except BrokenProcessPool as exc:
        log.debug("a worker process died", exc_info=True)
        fail(f"a worker process failed or died ({' '.join(str(exc).split())[:160]})", 1)
    except Exception as exc:  # a bug outside any one document: one line, the traceback in the debug log
        log.debug("extract failed", exc_info=True)
        fail(f"unexpected error ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 1)
    finally:
        progress.stop()
        if out_file:
            sink.close()
    if done["failed"]:
        err.print(f"{done['failed']} document(s) failed, {done['ok']} extracted", highlight=False)
        raise typer.Exit(1)


# ---- store commands (issue 4): ingest, merge, events, export, stats ----

DB_HELP = "Database: a SQLite file or URL, or postgresql://... (default $CONFLICTLENS_DB, else ./conflictlens.db)."
# The event filters shared by `events`, `export` and `stats` (the API takes the same ones).
ActorOption = Annotated[Optional[str], typer.Option(help="Actor: knowledge-base id or name (aliases too).")]
MembersOption = Annotated[bool, typer.Option("--include-members",
                                             help="An umbrella matches its members on the event date, a member its umbrellas.")]
TypeOption = Annotated[Optional[str], typer.Option("--type", help="ACLED event type or sub-event type.")]
CountryOption = Annotated[Optional[str], typer.Option(help="ISO 3166-1 alpha-2 code.")]
SinceOption = Annotated[Optional[str], typer.Option(help="First day, YYYY-MM-DD.")]
UntilOption = Annotated[Optional[str], typer.Option(help="Last day, YYYY-MM-DD.")]
NearOption = Annotated[Optional[str], typer.Option(help="LAT,LON,KM: within KM kilometres of a point.")]
DbOption = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]


def _open_store(db: Optional[str]):
    """The store, or a one-line error when it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from .store import open_store

    try:
        return open_store(db)
    except ConflictlensError as exc:
        fail(str(exc), 1)
    except SQLAlchemyError as exc:
        logging.getLogger("conflictlens.store").debug("open failed", exc_info=True)
        fail(f"cannot open the database: {' '.join(str(getattr(exc, 'orig', None) or exc).split())[:200]}", 1)


@contextmanager
def _store(db: Optional[str]):
    """The store for one command, closed however the command ends."""
    store = _open_store(db)
    try:
        yield store
    finally:
        store.close()


def _filter(actor, include_members, event_type, country, since, until, near):
    from .store.commands import UsageError, build_filter

    try:
        return build_filter(actor, include_members, event_type, country, since, until, near)
    except UsageError as exc:
        fail(str(exc))


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(None, help="Articles (as for extract): files, folders, or - for stdin."),
    db: DbOption = None,
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides the document's own)."),
    from_parquet: Optional[Path] = typer.Option(None, "--from-parquet", help="Load the output folder of `conflictlens batch`."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", envvar="CONFLICTLENS_MAX_BYTES", help="Largest file accepted."),
    workers: int = typer.Option(1, "--workers", "-w", help="Extract in this many worker processes (stored in input order)."),
) -> None:
    """Extract articles and store documents, events and everything else found; merge reports into events.

    Re-ingesting a stored document changes nothing; a new version of an article (same URL,
    other text) replaces the old one. Each bad document is one error line; exit 1 if any.
    """
    from concurrent.futures.process import BrokenProcessPool

    from .ingest import DEFAULT_MAX_BYTES
    from .store.commands import IngestRun, UsageError, ingest_pairs, new_documents, parquet_pairs
    from .store.stream import document_stream, extract_pairs

    if not paths and from_parquet is None:
        fail("give article paths or --from-parquet DIR")
    check_workers(workers)
    pub = parse_date_option(published, "--published")
    store = _open_store(db)
    run = IngestRun(err)
    try:
        with run.progress:
            if from_parquet is not None:
                ingest_pairs(store, parquet_pairs(from_parquet), run)
            if paths:
                from .nlp.build import Extractor

                docs = document_stream(paths, run.input_error, pub, max_bytes or DEFAULT_MAX_BYTES)
                extractor = worker_extractor(workers) if workers > 1 else Extractor()
                ingest_pairs(store, extract_pairs(extractor, new_documents(store, docs, run), run.extraction_failed), run)
    except UsageError as exc:
        fail(str(exc))
    except ConflictlensError as exc:
        fail(str(exc), 1)
    except KeyboardInterrupt:
        fail(f"interrupted ({run.summary()})", 130)
    except BrokenProcessPool as exc:
        fail(f"a worker process failed or died ({' '.join(str(exc).split())[:160]}; {run.summary()})", 1)
    finally:
        store.close()
    err.print(run.summary(), highlight=False)
    if run.counts["failed"]:
        raise typer.Exit(1)


@app.command()
def merge(rebuild: bool = typer.Option(False, "--rebuild", help="Redo every merged event from all reports."),
          db: DbOption = None) -> None:
    """Merge stored reports into events (ingest does this already; --rebuild starts over, deterministically)."""
    with _store(db) as store:
        n = store.merge(rebuild=rebuild)
    err.print(f"{n} events", highlight=False)


@app.command()
def events(
    actor: ActorOption = None,
    include_members: MembersOption = False,
    event_type: TypeOption = None,
    country: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    near: NearOption = None,
    format: str = typer.Option("table", "--format", "-f", help="table, json (JSON Lines) or csv."),
    limit: int = typer.Option(100, help="At most this many events."),
    db: DbOption = None,
) -> None:
    """List merged events, newest first."""
    from .store.commands import EVENT_FORMATS, print_events

    if format not in EVENT_FORMATS:
        fail(f"--format: {format!r} is not one of {', '.join(EVENT_FORMATS)}")
    if limit <= 0:
        fail(f"--limit: {limit} is not a positive number")
    f = _filter(actor, include_members, event_type, country, since, until, near)
    with _store(db) as store:
        found, total = store.events(f, limit=limit)
    print_events(found, total, format, out)


@app.command("export")
def export_events(
    format: str = typer.Option(..., "--format", "-f", help="acled-csv, geojson, parquet or jsonl."),
    out_file: Path = typer.Option(..., "--out", "-o", help="File to write."),
    actor: ActorOption = None,
    include_members: MembersOption = False,
    event_type: TypeOption = None,
    country: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    near: NearOption = None,
    db: DbOption = None,
) -> None:
    """Write merged events to a file: ACLED CSV, GeoJSON, Parquet or JSON Lines."""
    from .export import FORMATS, write_export

    if format not in FORMATS:
        fail(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    f = _filter(actor, include_members, event_type, country, since, until, near)
    with _store(db) as store:
        try:
            n = write_export(store.iter_events(f), format, out_file)
        except ConflictlensError as exc:
            fail(str(exc), 1)
    err.print(f"{n} events written to {out_file}", highlight=False)


@app.command()
def stats(
    actor: ActorOption = None,
    include_members: MembersOption = False,
    event_type: TypeOption = None,
    country: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    near: NearOption = None,
    db: DbOption = None,
) -> None:
    """Count merged events by type, country, actor and week."""
    from .store.commands import print_stats

    f = _filter(actor, include_members, event_type, country, since, until, near)
    with _store(db) as store:
        result = store.stats(f)
    print_stats(result, out)


# ---- evaluation (issue 3): eval ----

@app.command("eval")
def eval_command(
    gold: list[Path] = typer.Argument(..., help="Annotated articles (docs/gold-format.md): .yaml files, "
                                                "directories of them, .jsonl files (one article a line)."),
    markdown_file: Optional[Path] = typer.Option(None, "--markdown", help="Also write a Markdown report here."),
    json_output: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of a table."),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="Score these extractions (JSON Lines of "
                                               "`extract --format json`) instead of running the pipeline."),
    to_jsonl: Optional[Path] = typer.Option(None, "--to-jsonl", help="Only convert the gold articles to JSON Lines "
                                            "(- for stdout), then exit."),
) -> None:
    """Score extraction against annotated articles: precision, recall and F1 per field (docs/evaluation.md).

    A gold file that cannot be read is reported as "error: FILE:LINE: reason" and the
    others are still scored; the exit code is then 1 (2 for a usage error).
    """
    from .evaluate.command import EvalUsageError, run_eval

    try:
        code = run_eval(gold, out, err, markdown_file=markdown_file, json_output=json_output,
                        predictions=predictions, to_jsonl=to_jsonl)
    except EvalUsageError as exc:
        fail(str(exc), 2)
    except ConflictlensError as exc:
        fail(str(exc), 1)
    if code:
        raise typer.Exit(code)


# ---- batch runs (issue 6): batch ----


@app.command()
def batch(
    inputs: list[str] = typer.Argument(..., help="JSON Lines or Parquet files, folders of articles; local paths on "
                                                 "storage every worker sees, or fsspec URLs (s3://...)."),
    out_dir: str = typer.Option(..., "--out", "-o", help="Output directory (or URL) for the Parquet tables."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786); "
                                                                      "default: a local cluster."),
    workers: int = typer.Option(2, "--workers", "-w", help="Worker processes of the local cluster."),
    partition_size: int = typer.Option(500, "--partition-size", help="Documents per partition (one worker task)."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides each document's own)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", envvar="CONFLICTLENS_MAX_BYTES",
                                            help="Largest document accepted (default 5 MB)."),
) -> None:
    """Extract many documents on a Dask cluster into partitioned Parquet tables (docs/batch.md).

    Unreadable or failing documents go to the errors table and the batch goes on; a re-run
    skips the partitions already done. Exit code 1 when any document or partition failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .scale.batch import check_output_dir, run_batch

    if scheduler and workers != 2:
        fail("--scheduler and --workers: give one (the workers of a cluster are started with it)")
    if workers <= 0:
        fail(f"--workers: {workers} is not a positive number")
    if partition_size <= 0:
        fail(f"--partition-size: {partition_size} is not a positive number")
    if max_bytes is not None and max_bytes <= 0:
        fail(f"--max-bytes: {max_bytes} is not a positive number of bytes")
    pub = parse_date_option(published, "--published")
    progress = Progress(SpinnerColumn(), TextColumn("batch"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("partitions · {task.fields[docs]} documents · {task.fields[rate]} docs/s · "
                                   "{task.fields[errors]} errors"), TimeElapsedColumn(),
                        console=err, transient=False, disable=not err.is_terminal)
    task = progress.add_task("batch", total=None, docs=0, rate="-", errors=0)
    state = {"docs": 0, "errors": 0, "began": 0.0}

    def on_plan(todo: int, skipped: int) -> None:
        import time

        if skipped:
            err.print(f"{skipped} partition(s) already done: skipped", highlight=False)
        state["began"] = time.perf_counter()
        progress.update(task, total=todo)
        progress.start()

    def on_partition(summary: dict) -> None:
        import time

        state["docs"] += summary.get("documents", 0)
        state["errors"] += summary.get("errors", 0)
        elapsed = max(time.perf_counter() - state["began"], 1e-9)
        progress.update(task, advance=1, docs=state["docs"], errors=state["errors"], rate=f"{state['docs'] / elapsed:.1f}")
        if "failed" in summary:
            progress.console.print(f"[bold red]error:[/] partition {summary['partition']}: {summary['failed']}",
                                   highlight=False, soft_wrap=True)

    try:
        check_output_dir(out_dir)
        result = run_batch(inputs, out_dir, scheduler=scheduler, workers=workers, partition_size=partition_size,
                           published=pub, max_bytes=max_bytes or 5 * 1024 * 1024, on_plan=on_plan,
                           on_partition=on_partition)
    except InputError as exc:
        progress.stop()
        fail(f"{exc.source}: {exc.reason}")
    except ConflictlensError as exc:
        progress.stop()
        fail(str(exc), 1)
    except KeyboardInterrupt:
        progress.stop()
        fail("interrupted (finished partitions are kept; run the same command again to go on)", 130)
    except OSError as exc:
        progress.stop()
        fail(f"{exc.filename or out_dir}: {exc.strerror or exc}", 1)
    except Exception as exc:  # a cluster that cannot be reached or started: one line, the traceback in the debug log
        progress.stop()
        logging.getLogger("conflictlens.batch").debug("batch failed", exc_info=True)
        fail(f"batch failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 1)
    progress.stop()
    rate = result.documents / result.seconds if result.seconds else 0.0
    err.print(f"{result.documents} documents extracted ({result.words:,} words, {result.events} events) in "
              f"{result.seconds:.1f} s ({rate:.1f} docs/s); {result.done} partition(s) written, {result.skipped} "
              f"skipped; {result.errors} document error(s) in {out_dir}/errors", highlight=False)
    if result.failed:
        err.print(f"[bold red]error:[/] {len(result.failed)} partition(s) failed; run the same command again to "
                  "retry them", highlight=False)
    if result.failed or result.errors:
        raise typer.Exit(1)

# ---- web app (issue 5): serve ----

DEMO_DB = "conflictlens-demo.db"


def _serve(db: Optional[str], host: str, port: int) -> None:
    """Start the web app and API; a non-loopback host needs CONFLICTLENS_TOKEN."""
    import os

    from .api import create_app
    from .api.server import check_binding, check_port, serve as run_server

    if not 0 < port < 65536:
        fail(f"--port: {port} is not a port number (1-65535)")
    token = os.environ.get("CONFLICTLENS_TOKEN") or None
    try:
        notice = check_binding(host, token)
        check_port(host, port)
    except ConflictlensError as exc:
        fail(str(exc))
    store = _open_store(db)
    try:
        application = create_app(store=store, token=token)
        shown = f"[{host}]" if ":" in host else host
        err.print(f"conflictlens web app on http://{shown}:{port}  (API docs: http://{shown}:{port}/docs)",
                  highlight=False, soft_wrap=True)
        err.print(notice, highlight=False, soft_wrap=True)
        run_server(application, host, port, log_level="debug" if logging.getLogger().level <= logging.DEBUG else "warning")
    finally:
        store.close()


@app.command()
def serve(db: DbOption = None,
          host: str = typer.Option("127.0.0.1", help="Address to listen on; anything but loopback needs CONFLICTLENS_TOKEN."),
          port: int = typer.Option(8000, help="Port to listen on.")) -> None:
    """Serve the web app (map, timeline, table, event/article/actor pages) and the HTTP API (/api, docs at /docs).

    Writing endpoints need 'Authorization: Bearer $CONFLICTLENS_TOKEN' when that variable is set;
    without it the server listens on loopback only.
    """
    _serve(db, host, port)


@app.command()
def demo(db: str = typer.Option(DEMO_DB, "--db", help="Database the samples go into."),
         host: str = typer.Option("127.0.0.1", help="Address to listen on."),
         port: int = typer.Option(8000, help="Port to listen on."),
         no_serve: bool = typer.Option(False, "--no-serve", help="Only ingest the samples, do not start the server.")) -> None:
    """Ingest the bundled sample articles into a SQLite database and serve the web app on it."""
    from importlib.resources import files as package_files

    samples = sorted(p for p in package_files("conflictlens").joinpath("samples").iterdir()
                     if p.name.endswith((".txt", ".jsonl", ".html", ".xml")))
    if not samples:
        fail("no bundled sample articles found")
    try:
        ingest([Path(str(p)) for p in samples], db=db, published=None, from_parquet=None, max_bytes=None, workers=1)
    except typer.Exit as exc:
        if exc.exit_code:
            err.print("some samples failed; the others are stored", highlight=False)
    if not no_serve:
        _serve(db, host, port)


if __name__ == "__main__":  # pragma: no cover
    app()
