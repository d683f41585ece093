"""The command line: typer app `conflictlens`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Optional

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


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="Articles: .txt, .html, .jsonl, .json, RSS/Atom (.xml/.rss/.atom), "
                                                 "directories of them, or - for stdin."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides the document's own)."),
    format: str = typer.Option("json", "--format", "-f", help="json (JSON Lines) or table."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write JSON Lines here instead of stdout."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", envvar="CONFLICTLENS_MAX_BYTES",
                                            help="Largest file accepted (default 5 MB)."),
) -> None:
    """Extract events and linked mentions from articles (nothing is stored).

    Each document that cannot be read or extracted is reported as one line
    "error: FILE[:LINE]: reason" on stderr and the others are still written;
    the exit code is then 1 (2 for a usage error).
    """
    import os

    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .ingest import DEFAULT_MAX_BYTES, read_records
    from .model import Document
    from .render import print_extraction_table

    log = logging.getLogger("conflictlens.extract")
    if format not in ("json", "table"):
        fail(f"--format: {format!r} is not one of json, table")
    pub = parse_date_option(published, "--published")
    if max_bytes is not None and max_bytes <= 0:
        fail(f"--max-bytes: {max_bytes} is not a positive number of bytes")
    limit = max_bytes or DEFAULT_MAX_BYTES
    done = {"ok": 0, "failed": 0}
    # A bar only helps when the output goes elsewhere than the terminal the bar is drawn on.
    progress = Progress(SpinnerColumn(), TextColumn("extracting"), BarColumn(),
                        TextColumn("{task.completed} documents, {task.fields[failed]} failed"), TimeElapsedColumn(),
                        console=err, transient=True, redirect_stdout=False, redirect_stderr=False,
                        disable=not err.is_terminal or (out_file is None and sys.stdout.isatty()))
    task = progress.add_task("extract", total=None, failed=0)

    def tick(failed: bool) -> None:
        done["failed" if failed else "ok"] += 1
        progress.update(task, completed=done["ok"] + done["failed"], failed=done["failed"])
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
        report(document.origin or document.id, f"extraction failed ({type(exc).__name__}: {reason})")

    def build_extractor():
        """The pipeline, or a one-line error: a broken knowledge base or install is not a usage error."""
        from .nlp.build import Extractor

        try:
            return Extractor()
        except ConflictlensError as exc:
            fail(str(exc), 1)
        except Exception as exc:
            log.debug("building the pipeline failed", exc_info=True)
            fail(f"cannot build the pipeline ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 1)

    extractor = build_extractor()
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

# ---- evaluation (issue 3): eval ----

# ---- batch runs (issue 6): batch ----

# ---- web app (issue 5): serve ----


@app.command()
def demo() -> None:
    """Extract the bundled sample articles and show what was found."""
    from importlib.resources import files as package_files

    samples = sorted(p for p in package_files("conflictlens").joinpath("samples").iterdir()
                     if p.name.endswith((".txt", ".jsonl", ".html", ".xml")))
    if not samples:
        fail("no bundled sample articles found")
    extract([Path(str(p)) for p in samples], published=None, format="table", out_file=None, max_bytes=None)


if __name__ == "__main__":  # pragma: no cover
    app()
