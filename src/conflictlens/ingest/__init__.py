"""Readers: one module per input format, all yielding model.Document.

`read_path` picks the reader by extension (and content sniffing) and raises
errors.InputError with a one-line reason for anything it cannot read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Document

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def document_id(text: str, url: str | None = None) -> str:
    """A stable id: hash of the URL when there is one, else of the text."""
    key = url or text
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Documents in one file (placeholder: plain text only until the readers land)."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(str(path), "empty file")
    if len(data) > max_bytes:
        raise InputError(str(path), f"file is {len(data)} bytes, over the limit of {max_bytes}")
    text = data.decode("utf-8")
    yield Document(id=document_id(text), text=text, origin=str(path))
