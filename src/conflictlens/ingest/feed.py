"""RSS and Atom feeds: each entry one Document, the feed's title its outlet.

The entry's full content is used when the feed carries it, else its summary, with HTML
reduced to text. An entry without text or with an unreadable date is yielded as an
InputError naming file#entry; the other entries still come through.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..model import Document
from . import document_id
from .decoding import RawInput, normalise_newlines
from .html import html_to_text

log = logging.getLogger(__name__)


def _text(detail: dict[str, Any] | None) -> str:
    """Plain text of a feedparser text construct (content item, summary_detail, title_detail)."""
    if not detail:
        return ""
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or "") or "<" in value:
        return html_to_text(value)
    return normalise_newlines(value).strip()


def _entry_text(entry: dict[str, Any]) -> str:
    contents = [_text(item) for item in entry.get("content") or []]
    best = max(contents, key=len, default="")
    return best or _text(entry.get("summary_detail")) or normalise_newlines(entry.get("summary") or "").strip()


def entry_date(entry: dict[str, Any]) -> dt.date | None:
    """The entry's calendar date as the feed states it (in the feed's own time zone, not UTC)."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).date()      # RSS: RFC 822
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return dt.datetime.fromisoformat(raw).date()              # Atom: RFC 3339
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")                            # other formats feedparser knows (UTC)
        if parsed:
            return dt.date(*parsed[:3])
        raise ValueError(f"{key}: {raw!r} is not a date")
    return None


def _language(value: str | None) -> dict[str, str]:
    primary = (value or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return {"language": primary} if primary.isalpha() and 2 <= len(primary) <= 3 else {}


def read(raw: RawInput) -> Iterator[Document | InputError]:
    """One Document per feed entry; a bad entry is yielded as its InputError."""
    import feedparser

    # Bytes through a file object: feedparser decodes them itself and never treats them as a URL to fetch.
    parsed = feedparser.parse(io.BytesIO(raw.data))
    if not parsed.entries:
        if parsed.bozo and not parsed.version:
            raise InputError(raw.origin, f"not a valid RSS or Atom feed ({parsed.bozo_exception})")
        raise InputError(raw.origin, "feed has no entries")
    if parsed.bozo:
        log.info("%s: feed is not well-formed (%s); reading what it holds", raw.origin, parsed.bozo_exception)
    outlet = _text(parsed.feed.get("title_detail")) or None
    language = _language(parsed.feed.get("language"))
    for number, entry in enumerate(parsed.entries, start=1):
        origin = f"{raw.origin}#{number}"
        title = _text(entry.get("title_detail")) or None
        text = _entry_text(entry)
        if not text:
            yield InputError(origin, f"entry {title!r} has no text (no content or summary)" if title
                             else "entry has no text (no content or summary)")
            continue
        try:
            published = entry_date(entry)
        except ValueError as exc:
            yield InputError(origin, str(exc))
            continue
        url = entry.get("link") or None
        yield Document(id=document_id(text, url), text=text, url=url, title=title, outlet=outlet,
                       author=entry.get("author") or None, published=published, origin=origin, **language)
