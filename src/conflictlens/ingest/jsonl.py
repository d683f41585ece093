"""JSON Lines (one article object a line) and JSON (one object, or a list of them).

A bad record is one InputError naming file:line (or file#n in a JSON list), yielded in
place of its document, so the good records around it still come through.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..model import Document
from . import document_id
from .decoding import RawInput, normalise_newlines

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "url", "outlet", "language", "author")
KNOWN_FIELDS = frozenset(("text", "id", "published", *TEXT_FIELDS))


def parse_published(value: Any) -> dt.date | None:
    """YYYY-MM-DD or an ISO 8601 date-time (its own calendar date); ValueError for anything else."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"published: {value!r} is not a string date (YYYY-MM-DD)")
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"published: {value!r} is not a date (YYYY-MM-DD or ISO 8601 date-time)") from None


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_document(record: Any, origin: str) -> Document:
    """The Document one JSON object describes, or InputError(origin, what is wrong with it)."""
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        others = ", ".join(sorted(str(k) for k in record)) or "none"
        raise InputError(origin, f'no "text" field (fields: {others})')
    if not isinstance(text, str):
        raise InputError(origin, f'"text" is a {type(text).__name__}, not a string')
    if not text.strip():
        raise InputError(origin, '"text" is empty')
    fields: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(origin, f'"{name}" is a {type(value).__name__}, not a string')
        if value:
            fields[name] = value.strip()
    try:
        published = parse_published(record.get("published"))
    except ValueError as exc:
        raise InputError(origin, str(exc)) from None
    doc_id = record.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or not str(doc_id)):
        raise InputError(origin, f'"id" must be a non-empty string or integer, not {doc_id!r}')
    for name, value in (("text", text), ("id", doc_id), *fields.items()):
        if isinstance(value, str) and not _encodable(value):    # a JSON escape such as "\ud800" is no character
            raise InputError(origin, f'"{name}" holds an invalid Unicode escape (lone surrogate)')
    unknown = set(record) - KNOWN_FIELDS
    if unknown:
        log.debug("%s: ignoring fields %s", origin, ", ".join(sorted(unknown)))
    text = normalise_newlines(text)
    return Document(id=str(doc_id) if doc_id is not None else document_id(text, fields.get("url")), text=text,
                    published=published, origin=origin, **fields)


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON: {exc.msg} (column {exc.colno})"


def read(raw: RawInput) -> Iterator[Document | InputError]:
    """One Document per non-blank line; a bad line is yielded as its InputError."""
    found = False
    for number, line in enumerate(raw.text.split("\n"), start=1):
        if not line.strip():
            continue
        found = True
        origin = f"{raw.origin}:{number}"
        try:
            yield record_document(json.loads(line), origin)
        except json.JSONDecodeError as exc:
            yield InputError(origin, _json_error(exc))
        except InputError as exc:
            yield exc
    if not found:
        raise InputError(raw.origin, "no JSON lines")


def read_json(raw: RawInput) -> Iterator[Document | InputError]:
    """A JSON file: one article object, or a list of them (a bad one is yielded as InputError)."""
    try:
        data = json.loads(raw.text)
    except json.JSONDecodeError as exc:
        raise InputError(raw.origin, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if isinstance(data, dict):
        yield record_document(data, raw.origin)
        return
    if not isinstance(data, list):
        raise InputError(raw.origin, f"expected a JSON object or list of objects, got {type(data).__name__}")
    if not data:
        raise InputError(raw.origin, "empty JSON list")
    for index, record in enumerate(data, start=1):
        try:
            yield record_document(record, f"{raw.origin}#{index}")
        except InputError as exc:
            yield exc
