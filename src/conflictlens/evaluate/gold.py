"""Annotated articles (docs/gold-format.md): read, validate, locate quoted words, export.

Accepted inputs: a directory of `.yaml` files, single `.yaml`/`.yml` files, and JSON Lines
files (`.jsonl`, one article object a line, dates as `YYYY-MM-DD` strings). Every problem
is a `GoldError` naming the file and line, yielded in place of the article, so the sound
articles around it are still scored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..errors import ConflictlensError
from ..model import Document

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CharSpan = tuple[int, int]


class GoldError(ConflictlensError):
    """A gold file (or one record of it) that cannot be scored: `source` is FILE[:LINE]."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class Gold(BaseModel):
    """Base of the gold models: unknown keys are ignored (annotators may add notes)."""

    model_config = ConfigDict(extra="ignore")


class GoldRange(Gold):
    earliest: dt.date
    latest: Optional[dt.date] = None

    @property
    def end(self) -> dt.date:
        return self.latest or self.earliest


class GoldLocation(Gold):
    name: str
    country: str = Field(..., min_length=2, max_length=2)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    precision: Literal[1, 2, 3] = 1
    relation: str = "in"


class Quote(Gold):
    text: str = Field(..., min_length=1)
    occurrence: int = Field(1, ge=1)


class GoldEvent(Gold):
    event_type: str
    sub_event_type: str
    actor1: Optional[str] = None
    assoc_actor1: list[str] = []
    actor2: Optional[str] = None
    assoc_actor2: list[str] = []
    location: Optional[GoldLocation] = None
    date: GoldRange
    fatalities: Optional[int] = Field(None, ge=0)
    claimed_by: Optional[str] = None
    attribution: list[str] = []
    trigger: Union[str, Quote]
    note: Optional[str] = None
    _span: CharSpan = PrivateAttr((0, 0))

    @property
    def trigger_quote(self) -> Quote:
        return self.trigger if isinstance(self.trigger, Quote) else Quote(text=self.trigger)

    @property
    def span(self) -> CharSpan:
        """Character offsets of the trigger in the article text."""
        return self._span


class GoldMention(Gold):
    kind: Literal["actor", "person", "place", "time", "source"]
    text: str = Field(..., min_length=1)
    occurrence: int = Field(1, ge=1)
    name: Optional[str] = None
    actor_kind: Optional[str] = None
    source_kind: Optional[str] = None
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: Optional[Union[int, str]] = None
    relation: Optional[str] = None
    earliest: Optional[dt.date] = None
    latest: Optional[dt.date] = None
    _span: CharSpan = PrivateAttr((0, 0))

    @property
    def span(self) -> CharSpan:
        return self._span


class GoldTally(Gold):
    count: int = Field(..., gt=0)
    what: str
    where: list[str] = []
    since: Optional[GoldRange] = None
    as_of: Optional[GoldRange] = None
    attribution: list[str] = []
    evidence: str = Field(..., min_length=1)
    occurrence: int = Field(1, ge=1)
    _span: CharSpan = PrivateAttr((0, 0))

    @property
    def span(self) -> CharSpan:
        return self._span


class GoldStatement(Gold):
    kind: Literal["threat", "demand", "negotiation", "denial", "claim", "other"]
    speaker: Optional[str] = None
    text: str = Field(..., min_length=1)
    occurrence: int = Field(1, ge=1)
    date: Optional[GoldRange] = None
    attribution: list[str] = []
    _span: CharSpan = PrivateAttr((0, 0))

    @property
    def span(self) -> CharSpan:
        return self._span


class GoldRelation(Gold):
    subject: str = Field(..., min_length=1)
    predicate: Literal["member_of", "formed", "allied_with", "backed_by", "leads"]
    object: str = Field(..., min_length=1)
    date: Optional[GoldRange] = None
    evidence: Optional[str] = None


class GoldFlag(Gold):
    kind: str
    text: str = Field(..., min_length=1)
    occurrence: int = Field(1, ge=1)
    message: str = ""
    _span: CharSpan = PrivateAttr((0, 0))

    @property
    def span(self) -> CharSpan:
        return self._span


class GoldArticle(Gold):
    """One annotated article: text, metadata and what a careful coder extracts from it."""

    id: str = Field(..., min_length=1)
    published: dt.date
    outlet: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    text: str = Field(..., min_length=1)
    mentions: list[GoldMention] = []
    events: list[GoldEvent]
    tallies: list[GoldTally] = []
    statements: list[GoldStatement] = []
    relations: list[GoldRelation] = []
    flags: list[GoldFlag] = []
    _origin: str = PrivateAttr("")
    _raw: dict = PrivateAttr(default_factory=dict)

    @property
    def origin(self) -> str:
        """The file (and line) the article came from."""
        return self._origin

    @property
    def raw(self) -> dict:
        """The record as written, for export."""
        return self._raw

    def document(self) -> Document:
        """The article as the pipeline's input."""
        return Document(id=self.id, text=self.text, published=self.published, title=self.title, url=self.url,
                        outlet=self.outlet, origin=self.origin)


# --- quoted words ----------------------------------------------------------------------------------------

def occurrences(text: str, needle: str) -> list[CharSpan]:
    """Character spans of `needle` in `text`, case-sensitive, not starting or ending inside a longer word."""
    pattern = re.escape(needle)
    if needle[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if needle[-1:].isalnum():
        pattern += r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, text)]


def locate(text: str, needle: str, occurrence: int = 1) -> Optional[CharSpan]:
    """The n-th occurrence (1-based) of `needle`, or None."""
    spans = occurrences(text, needle)
    return spans[occurrence - 1] if 1 <= occurrence <= len(spans) else None


def _quoted_items(article: GoldArticle) -> Iterator[tuple[tuple, Any, str, int]]:
    """(location in the record, item, quoted text, occurrence) of every annotation that quotes the text."""
    for i, m in enumerate(article.mentions):
        yield ("mentions", i, "text"), m, m.text, m.occurrence
    for i, e in enumerate(article.events):
        quote = e.trigger_quote
        yield ("events", i, "trigger"), e, quote.text, quote.occurrence
    for i, t in enumerate(article.tallies):
        yield ("tallies", i, "evidence"), t, t.evidence, t.occurrence
    for i, s in enumerate(article.statements):
        yield ("statements", i, "text"), s, s.text, s.occurrence
    for i, f in enumerate(article.flags):
        yield ("flags", i, "text"), f, f.text, f.occurrence


def _attach_spans(article: GoldArticle) -> Optional[tuple[tuple, str]]:
    """Set the span of every quoting annotation; the first quote not in the text as (location, reason)."""
    for where, item, needle, n in _quoted_items(article):
        span = locate(article.text, needle, n)
        if span is None:
            found = len(occurrences(article.text, needle))
            return where, f"{needle!r} (occurrence {n}) is not in the text ({found} found)"
        item._span = span
    return None


# --- reading ---------------------------------------------------------------------------------------------

def _line_of(node: Optional[yaml.Node], loc: Iterable) -> Optional[int]:
    """1-based line of the deepest YAML node along a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _where(loc: Iterable) -> str:
    parts = []
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif key in ("str", "Quote", "function-after"):   # pydantic's union-member labels
            continue
        else:
            parts.append(("." if parts else "") + str(key))
    return "".join(parts)


def _validation_reason(exc: ValidationError) -> tuple[tuple, str]:
    first = exc.errors()[0]
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    where = _where(first["loc"])
    return tuple(first["loc"]), f"{where + ': ' if where else ''}{first['msg']}{more}"


def _article(record: Any, origin: str, line_of) -> GoldArticle | GoldError:
    """Validate one record; `line_of(loc)` gives the line of a location in it (or None)."""
    if record is None:
        return GoldError(origin, "empty: expected an annotated article")
    if not isinstance(record, dict):
        return GoldError(origin, f"expected an article mapping, got {type(record).__name__}")
    try:
        article = GoldArticle.model_validate(record)
    except ValidationError as exc:
        loc, reason = _validation_reason(exc)
        line = line_of(loc)
        return GoldError(f"{origin}:{line}" if line else origin, reason)
    missing = _attach_spans(article)
    if missing:
        loc, reason = missing
        line = line_of(loc)
        return GoldError(f"{origin}:{line}" if line else origin, f"{_where(loc)}: {reason}")
    article._origin = origin
    article._raw = record
    return article


def read_yaml(path: Path) -> Iterator[GoldArticle | GoldError]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield GoldError(str(path), f"cannot read ({getattr(exc, 'strerror', None) or exc})")
        return
    try:
        record = yaml.load(text, Loader=SAFE_LOADER)
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        yield GoldError(f"{path}:{mark.line + 1}" if mark else str(path), f"not valid YAML ({problem})")
        return
    except ValueError as exc:       # an impossible date such as 2023-02-30
        yield GoldError(str(path), f"not valid YAML ({' '.join(str(exc).split())})")
        return
    yield _article(record, str(path), lambda loc: _line_of(root, loc))


def read_jsonl(path: Path) -> Iterator[GoldArticle | GoldError]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield GoldError(str(path), f"cannot read ({getattr(exc, 'strerror', None) or exc})")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield GoldError(origin, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        article = _article(record, origin, lambda loc: None)
        if isinstance(article, GoldError):
            article = GoldError(origin, article.reason)
        yield article


def gold_files(path: Path) -> Iterator[Path]:
    """The gold files a path names: itself, or the .yaml/.jsonl files of a directory in name order."""
    if path.is_dir():
        yield from sorted(p for p in path.iterdir()
                          if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in YAML_SUFFIXES + JSONL_SUFFIXES)
    else:
        yield path


def read_gold(paths: Iterable[Path]) -> Iterator[GoldArticle | GoldError]:
    """Articles and errors, in input order; never raises GoldError. Duplicate ids are errors."""
    seen: dict[str, str] = {}
    for given in paths:
        given = Path(given)
        if not given.exists():
            yield GoldError(str(given), "no such file or directory")
            continue
        files = list(gold_files(given))
        if given.is_dir() and not files:
            yield GoldError(str(given), "no .yaml or .jsonl gold files in this directory")
        for path in files:
            suffix = path.suffix.lower()
            if suffix in YAML_SUFFIXES:
                items = read_yaml(path)
            elif suffix in JSONL_SUFFIXES:
                items = read_jsonl(path)
            else:
                yield GoldError(str(path), "not a gold file (expected .yaml, .yml or .jsonl)")
                continue
            for item in items:
                if isinstance(item, GoldArticle):
                    if item.id in seen:
                        yield GoldError(item.origin, f"article id {item.id!r} already read from {seen[item.id]}")
                        continue
                    seen[item.id] = item.origin
                yield item


# --- export ----------------------------------------------------------------------------------------------

def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def to_jsonl_line(article: GoldArticle) -> str:
    """The article as one JSON line: the record as written, dates as YYYY-MM-DD strings."""
    return json.dumps(_json_ready(article.raw), ensure_ascii=False)
