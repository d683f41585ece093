"""`conflictlens eval`: read gold, extract (with a progress bar) or read predictions, score, report."""

from __future__ import annotations

import logging
import shlex
import sys
import time
from pathlib import Path
from typing import Optional

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..errors import ConflictlensError
from .gold import GoldArticle, GoldError, read_gold, to_jsonl_line
from .report import as_json, markdown, print_report
from .score import score

log = logging.getLogger(__name__)


class EvalUsageError(ConflictlensError):
    """A wrong option or argument (exit 2)."""


def _report_error(err: Console, source: str, reason: str) -> None:
    err.print(f"[bold red]error:[/] {escape(source)}: {escape(reason)}", highlight=False, soft_wrap=True)


def _build_extractor():
    from ..nlp.build import Extractor

    try:
        return Extractor()
    except ConflictlensError:
        raise
    except Exception as exc:
        log.debug("building the pipeline failed", exc_info=True)
        raise ConflictlensError(f"cannot build the pipeline ({type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:160]})") from None


def _pipeline_name(extractor) -> str:
    meta = extractor.nlp.meta
    if meta.get("name") in (None, "pipeline"):       # spacy.blank(): no trained model installed
        return f"blank '{meta.get('lang', '?')}' (no trained spaCy model)"
    return f"{meta.get('lang', '?')}_{meta.get('name')} {meta.get('version', '')}".strip()


def _write_jsonl(articles: list[GoldArticle], target: Path) -> None:
    text = "".join(to_jsonl_line(a) + "\n" for a in articles)
    if str(target) == "-":
        sys.stdout.write(text)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EvalUsageError(f"--to-jsonl: cannot write {target}: {exc.strerror or exc}") from None


def run_eval(gold: list[Path], out: Console, err: Console, markdown_file: Optional[Path] = None,
             json_output: bool = False, predictions: Optional[Path] = None, to_jsonl: Optional[Path] = None) -> int:
    """Everything `conflictlens eval` does; returns the exit code (1 when some gold file or article failed)."""
    articles: list[GoldArticle] = []
    bad = 0
    for item in read_gold(gold):
        if isinstance(item, GoldError):
            _report_error(err, item.source, item.reason)
            bad += 1
        else:
            articles.append(item)
    if to_jsonl is not None:
        _write_jsonl(articles, to_jsonl)
        if str(to_jsonl) != "-":
            err.print(f"wrote {len(articles)} article(s) to {escape(str(to_jsonl))}", highlight=False)
        return 1 if bad else 0
    if not articles:
        raise ConflictlensError("no gold articles to score")
    if markdown_file is not None and markdown_file.is_dir():
        raise EvalUsageError(f"--markdown: {markdown_file} is a directory")

    started = time.perf_counter()
    pipeline = None
    if predictions is not None:
        from .run import read_predictions

        extractions, failures = read_predictions(predictions), {}
        pipeline = f"predictions read from {predictions}"
    else:
        from .run import extract_gold

        extractor = _build_extractor()
        pipeline = _pipeline_name(extractor)
        progress = Progress(SpinnerColumn(), TextColumn("extracting gold articles"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
        task = progress.add_task("eval", total=len(articles))

        def done(article: GoldArticle, failure: Optional[str]) -> None:
            if failure:
                _report_error(err, article.origin, f"extraction failed ({failure})")
            progress.advance(task)

        with progress:
            extractions, failures = extract_gold(articles, extractor, done)
    elapsed = time.perf_counter() - started

    report = score(articles, extractions, failures=failures)
    if json_output:
        sys.stdout.write(as_json(report, {"pipeline": pipeline}) + "\n")
    else:
        print_report(out, report)
    if markdown_file is not None:
        command = "conflictlens eval " + " ".join(shlex.quote(str(p)) for p in gold)
        command += f" --markdown {shlex.quote(str(markdown_file))}"
        if predictions is not None:
            command += f" --predictions {shlex.quote(str(predictions))}"
        text = markdown(report, command, elapsed_s=None if predictions else elapsed, pipeline=pipeline)
        try:
            markdown_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise EvalUsageError(f"--markdown: cannot write {markdown_file}: {exc.strerror or exc}") from None
        err.print(f"wrote {escape(str(markdown_file))}", highlight=False)
    failed = bad + len(failures)
    if failed:
        err.print(f"{bad} gold file(s) or record(s) could not be read, {len(failures)} extraction(s) failed; "
                  f"{len(articles)} article(s) scored", highlight=False)
    return 1 if failed else 0
