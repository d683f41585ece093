"""Plain-text articles: the whole file is the text, exactly as decoded.

The text is never rewritten (span offsets point into it); a headline-like first line is
also offered as the title, but it stays in the text.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from . import document_id
from .decoding import RawInput

MAX_HEADLINE_CHARS = 200
MAX_HEADLINE_WORDS = 25
SENTENCE_END = (".", ",", ";", ":")   # a headline does not end like a sentence (it may end with ? or !)


def headline(text: str) -> str | None:
    """The first line when it reads as a headline: short, not a sentence, with a body after it."""
    stripped = text.lstrip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not first or not rest.strip():
        return None
    if len(first) > MAX_HEADLINE_CHARS or len(first.split()) > MAX_HEADLINE_WORDS:
        return None
    if first.endswith(SENTENCE_END) or first.endswith(('."', ".'", ".\u201d")):
        return None
    return first


def read(raw: RawInput) -> Iterator[Document]:
    """One Document: the decoded text, with a headline as title when the first line is one."""
    yield Document(id=document_id(raw.text), text=raw.text, title=headline(raw.text), origin=raw.origin)
