"""WARC web archives (.warc, .warc.gz): every archived HTML page is one article.

News crawls (Common Crawl's CC-NEWS, Heritrix or wget --warc-file captures) come as WARC.
The archive is streamed record by record with warcio, never loaded whole, so its size is
not limited; each page is limited by max_bytes like a single HTML file. Only `response`
records with an HTML body count; requests, metadata, redirects and images are skipped.
A page without article text is one error naming the archive and the page, and reading goes
on. The URL is the record's WARC-Target-URI; the publication date is the page's own (the
WARC-Date is when it was crawled, not when it was published).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Document
from . import document_id
from .decoding import decode
from .html import extract_article

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".warc", ".warc.gz"))


def read_warc(path: Path, max_bytes: int) -> Iterator[Document | InputError]:
    """Documents and per-page errors of one archive, in archive order."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise InputError(str(path), f"cannot open ({exc.strerror or exc})") from None
    pages = 0
    with stream:
        head = stream.read(5)
        stream.seek(0)
        if not (head.startswith(b"WARC/") or head.startswith(b"\x1f\x8b")):
            raise InputError(str(path), "not a WARC archive (it does not start with a WARC record)")
        try:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                content_type = (record.http_headers.get_header("Content-Type") or "").lower()
                if not content_type.startswith(HTML_TYPES):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or "?"
                origin = f"{path}#{uri}"
                body = record.content_stream().read(max_bytes + 1)
                pages += 1
                if len(body) > max_bytes:
                    yield InputError(origin, f"page larger than {max_bytes} bytes")
                    continue
                try:
                    document = extract_article(decode(body, origin), origin)
                except InputError as exc:
                    yield exc
                    continue
                if not document.url:
                    document = document.model_copy(update={"url": uri, "id": document_id(document.text, uri)})
                yield document
        except ArchiveLoadFailed as exc:
            raise InputError(str(path), f"not a WARC archive ({' '.join(str(exc).split())[:120]})") from None
    if pages == 0:
        yield InputError(str(path), "no HTML pages in the archive")
