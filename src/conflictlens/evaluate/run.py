"""Run the real pipeline over gold articles, or read extractions written earlier, for scoring."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from ..errors import InputError
from ..model import Extraction
from .gold import GoldArticle

log = logging.getLogger(__name__)


def extract_gold(articles: Iterable[GoldArticle], extractor, on_done: Callable[[GoldArticle, Optional[str]], None]
                 ) -> tuple[dict[str, Extraction], dict[str, str]]:
    """Extractions by article id and failures by article id (one line each); `on_done` after each article."""
    articles = list(articles)
    by_origin = {a.origin: a for a in articles}
    extractions: dict[str, Extraction] = {}
    failures: dict[str, str] = {}

    def failed(document, exc: Exception) -> None:
        reason = " ".join(str(exc).split())
        failures[document.id] = f"{type(exc).__name__}: {reason[:160]}"
        on_done(by_origin[document.origin], failures[document.id])

    for extraction in extractor.extract_isolated((a.document() for a in articles), failed):
        extractions[extraction.document.id] = extraction
        on_done(next(a for a in articles if a.id == extraction.document.id), None)
    return extractions, failures


def read_predictions(path: Path) -> dict[str, Extraction]:
    """Extractions written by `conflictlens extract --format json`, by document id; InputError names the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    extractions: dict[str, Extraction] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            extraction = Extraction.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}", f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"{path}:{number}", f"not an extraction ({where}: {first['msg']})") from None
        extractions[extraction.document.id] = extraction
    return extractions
