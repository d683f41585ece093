"""Extraction in several local processes, streaming, in input order: the single-machine parallel path.

spaCy's own `nlp.pipe(n_process=N)` cannot be used: it sends each annotated Doc back to the parent
with Doc.to_bytes, which packs the custom attributes with msgpack, and ours hold pydantic models,
dates and dataclasses ("TypeError: can not serialize 'Actor' object"). Extractions, on the other
hand, pickle: so each worker process builds its own Extractor once and turns chunks of Documents
into Extractions, and the parent only reads input and writes output. At most `2 * processes` chunks
are in flight, so memory stays bounded whatever the input size.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ..model import Document, Extraction

log = logging.getLogger(__name__)

_extractor = None


def _init_worker() -> None:
    """Build this process's Extractor once, before its first chunk."""
    global _extractor
    from ..nlp.build import Extractor

    _extractor = Extractor()


def _extract_chunk(documents: list[Document]) -> list[tuple[Extraction | None, str | None]]:
    """(extraction, None) per document, or (None, "Type: reason") for one that failed; the chunk goes on."""
    from .batch import extract_pairs

    failed: dict[int, str] = {}

    def on_error(document: Document, exc: Exception) -> None:
        failed[id(document)] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"

    done = {id(d): x for d, x in extract_pairs(_extractor, documents, on_error)}
    return [(done.get(id(d)), failed.get(id(d))) for d in documents]


class ExtractionFailed(Exception):
    """What on_error receives for a document whose extraction raised in a worker process."""


def extract_in_processes(documents: Iterable[Document], processes: int,
                         on_error: Callable[[Document, Exception], None], chunk_size: int = 16) -> Iterator[Extraction]:
    """Like Extractor.extract_isolated, but spread over `processes` worker processes; results in input order."""
    context = multiprocessing.get_context("spawn")      # no fork of a parent that may run threads (progress bars)
    stream = iter(documents)
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_init_worker) as pool:
        pending: deque[tuple[list[Document], Future]] = deque()

        def submit() -> bool:
            chunk = list(itertools.islice(stream, chunk_size))
            if chunk:
                pending.append((chunk, pool.submit(_extract_chunk, chunk)))
            return bool(chunk)

        while len(pending) < 2 * processes and submit():
            pass
        while pending:
            chunk, future = pending.popleft()
            submit()
            for document, (extraction, reason) in zip(chunk, future.result()):
                if extraction is not None:
                    yield extraction
                else:
                    on_error(document, ExtractionFailed(reason))
