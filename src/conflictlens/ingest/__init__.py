"""Readers: one module per input format, all yielding model.Document.

`read_path` picks the reader by extension (or, for other names, by sniffing the content),
expands a directory to the supported files inside it, and reports anything it cannot read
as errors.InputError with a one-line reason naming the file (and line or entry):

- a whole file that cannot be read (missing, empty, binary, undecodable, too large,
  unsupported, HTML without article text, a feed without entries) is one error;
- in multi-document files (JSON Lines, JSON lists, feeds) a bad record is one error
  naming file:line or file#entry, and the good records around it still come through.

`read_records` yields documents and errors in input order and never raises InputError;
`read_path` yields only documents and hands each error to `on_error` (or raises it).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Document
from .decoding import RawInput, load, origin_of, sniff

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# extension → format; the reader of each format is READERS[format] = (module, function)
EXTENSIONS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html",
              ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
              ".xml": "feed", ".rss": "feed", ".atom": "feed"}
READERS = {"text": ("text", "read"), "html": ("html", "read"), "jsonl": ("jsonl", "read"),
           "json": ("jsonl", "read_json"), "feed": ("feed", "read")}
UNSUPPORTED = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".odt": "OpenDocument", ".rtf": "RTF",
               ".epub": "EPUB", ".zip": "ZIP", ".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".tar": "tar",
               ".csv": "CSV", ".tsv": "TSV", ".xlsx": "Excel", ".xls": "Excel"}

ErrorHandler = Callable[[InputError], None]


def document_id(text: str, url: str | None = None) -> str:
    """A stable id: hash of the URL when there is one, else of the text."""
    key = url or text
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def input_files(directory: Path) -> Iterator[Path]:
    """Supported files under a directory, recursively, in a stable order, skipping hidden ones."""
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith("."):
                continue
            if path.suffix.lower() in EXTENSIONS or name.lower().endswith((".warc", ".warc.gz")):
                yield path
            else:
                log.debug("skipping %s: not a supported extension", path)


def _format(path: Path, raw: RawInput) -> str:
    """The reader to use: by extension when known, else by what the content looks like."""
    by_extension = EXTENSIONS.get(path.suffix.lower())
    sniffed = sniff(raw.text)
    if by_extension == "feed" and sniffed != "feed":
        if sniffed == "html":
            return "html"
        raise InputError(raw.origin, "unsupported format: XML that is not an RSS or Atom feed")
    if by_extension == "json" and sniffed == "jsonl":   # JSON Lines saved as .json
        return "jsonl"
    if by_extension:
        return by_extension
    if sniffed == "xml":
        raise InputError(raw.origin, "unsupported format: XML that is not an RSS or Atom feed")
    log.debug("%s: no known extension, content looks like %s", raw.origin, sniffed)
    return sniffed


def _read_file(path: Path, max_bytes: int) -> Iterator[Document | InputError]:
    from .warc import is_warc, read_warc

    if is_warc(path):   # streamed record by record: the archive itself has no size limit
        yield from read_warc(path, max_bytes)
        return
    kind = UNSUPPORTED.get(path.suffix.lower())
    if kind is not None:
        raise InputError(str(path), f"unsupported format ({kind}); convert it to text or HTML first")
    raw = load(path, max_bytes)
    module, function = READERS[_format(path, raw)]
    reader = getattr(importlib.import_module(f".{module}", __name__), function)
    yield from reader(raw)


def read_records(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | InputError]:
    """Documents and InputErrors, in input order, from a file, a directory (recursively) or "-" (stdin)."""
    path = Path(path)
    if origin_of(path) == str(path) and path.is_dir():
        files = list(input_files(path))
        if not files:
            yield InputError(str(path), f"no supported files in directory ({', '.join(sorted(EXTENSIONS))})")
        for file in files:
            yield from read_records(file, max_bytes)
        return
    try:
        yield from _read_file(path, max_bytes)
    except InputError as exc:
        yield exc
    except Exception as exc:  # a reader's bug or a library's crash must not stop the files after this one
        log.debug("reading %s failed", path, exc_info=True)
        yield InputError(origin_of(path), f"cannot read ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})")


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *,
              on_error: ErrorHandler | None = None) -> Iterator[Document]:
    """Documents in a file or directory; each InputError goes to on_error (reading goes on), or is raised."""
    for item in read_records(path, max_bytes):
        if isinstance(item, InputError):
            if on_error is None:
                raise item
            on_error(item)
        else:
            yield item
