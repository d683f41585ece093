"""Documents from input paths, and extractions paired with the documents they came from.

Shared by `ingest` (and meant for `extract` too): readers over every path, an optional
publication date override, unreadable inputs handed to a callback one by one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..ingest import DEFAULT_MAX_BYTES, read_records
from ..model import Document, Extraction


def document_stream(paths: Iterable[Path], on_error: Callable[[InputError], None],
                    published: Optional[dt.date] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Every readable document under the paths, in input order; each unreadable one goes to on_error."""
    for path in paths:
        for item in read_records(path, max_bytes=max_bytes):
            if isinstance(item, InputError):
                on_error(item)
                continue
            yield item.model_copy(update={"published": published}) if published is not None else item


def extract_pairs(extractor, documents: Iterable[Document],
                  on_error: Callable[[Document, Exception], None]) -> Iterator[tuple[Document, Extraction]]:
    """(document, extraction) pairs through Extractor.extract_isolated; failed documents go to on_error."""
    pending: dict[str, deque[Document]] = defaultdict(deque)

    def remembered() -> Iterator[Document]:
        for document in documents:
            pending[document.id].append(document)
            yield document

    def failed(document: Document, exc: Exception) -> None:
        queue = pending.get(document.id)
        if queue:
            queue.popleft()
        on_error(document, exc)

    for extraction in extractor.extract_isolated(remembered(), failed):
        queue = pending[extraction.document.id]
        document = queue.popleft()
        if not queue:
            del pending[extraction.document.id]
        yield document, extraction
