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

app = typer.Typer(help="Turn news articles about armed conflict into ACLED-style event data.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
from .kb.cli import app as kb_app

app.add_typer(kb_app, name="kb")
err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 2) -> None:
    """One line on stderr and a non-zero exit: how every user-facing error ends."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_date_option(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


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
    files: list[Path] = typer.Argument(..., help="Articles: .txt, .html, .jsonl, RSS/Atom (.xml/.rss/.atom)."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides the document's own)."),
    format: str = typer.Option("json", "--format", "-f", help="json (JSON Lines) or table."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write JSON Lines here instead of stdout."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", envvar="CONFLICTLENS_MAX_BYTES",
                                            help="Largest file accepted (default 5 MB)."),
) -> None:
    """Extract events and linked mentions from articles (nothing is stored)."""
    from .ingest import DEFAULT_MAX_BYTES, read_path
    from .nlp.build import Extractor
    from .render import print_extraction_table

    if format not in ("json", "table"):
        fail(f"--format: {format!r} is not one of json, table")
    pub = parse_date_option(published, "--published")
    limit = max_bytes or DEFAULT_MAX_BYTES
    failures = 0

    def documents():
        nonlocal failures
        for path in files:
            try:
                for document in read_path(path, max_bytes=limit):
                    if pub is not None:
                        document = document.model_copy(update={"published": pub})
                    yield document
            except InputError as exc:
                failures += 1
                err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            except OSError as exc:
                failures += 1
                err.print(f"[bold red]error:[/] {path}: {exc.strerror or exc}", highlight=False, soft_wrap=True)

    sink = open(out_file, "w", encoding="utf-8") if out_file else sys.stdout
    try:
        extractor = Extractor()
        for extraction in extractor.extract_many(documents()):
            if format == "table":
                print_extraction_table(out, extraction)
            else:
                sink.write(extraction.model_dump_json() + "\n")
    except ConflictlensError as exc:
        fail(str(exc))
    finally:
        if out_file:
            sink.close()
    if failures:
        err.print(f"{failures} of {len(files)} file(s) failed", highlight=False)
        raise typer.Exit(1)


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
