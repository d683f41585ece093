"""HTML pages: the article's main text and its metadata (title, date, author, outlet, URL).

trafilatura separates the article from navigation, adverts and comments. When it finds
nothing (very short or badly broken pages) the page's own visible text is used instead,
so broken HTML still yields whatever text it has.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from ..errors import InputError
from ..model import Document
from . import document_id
from .decoding import RawInput

log = logging.getLogger(__name__)

# trafilatura and htmldate log their own fallbacks as warnings ("discarding data: None");
# those are not problems of the input, and this reader reports the ones that are.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

MIN_WORDS = 5               # fewer words than this is not an article (a lone "Home" link, a caption)
MIN_EXTRACTED_CHARS = 100   # trafilatura's threshold before it falls back to cruder extractors (default 250)

SKIP_TAGS = frozenset({"head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                       "form", "button", "select", "iframe", "svg", "object", "canvas"})
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                        "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption", "hr",
                        "main", "address", "caption"})
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{2,}")


@lru_cache(maxsize=1)
def _config():
    """trafilatura settings: accept short articles, and date a page only by its metadata, not by guesses."""
    from trafilatura.settings import DEFAULT_CONFIG

    config = deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["min_extracted_size"] = str(MIN_EXTRACTED_CHARS)
    config["DEFAULT"]["extensive_date_search"] = "off"
    return config


def html_to_text(markup: str | etree._Element) -> str:
    """Visible text of HTML, one line per block element, without scripts, styles or navigation."""
    if isinstance(markup, str):
        if "<" not in markup:
            return _tidy(markup)
        try:
            markup = lxml_html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            return ""
    parts: list[str] = []
    walker = etree.iterwalk(markup, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else None   # comments, processing instructions
        name = tag.lower().rsplit("}", 1)[-1] if tag else None
        if event == "start":
            if name is None or name in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if name in BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(element.text)
        else:
            if name in BLOCK_TAGS:
                parts.append("\n")
            if element.tail and element is not markup:
                parts.append(element.tail)
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    """Collapse HTML's insignificant whitespace: single spaces within lines, no blank lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def _language(tree: etree._Element | None) -> str | None:
    """The primary language subtag of <html lang="en-GB">, if the page states one."""
    if tree is None:
        return None
    root = tree.getroottree().getroot()
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    primary = value.replace("_", "-").split("-", 1)[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _date(value: str | None, origin: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        log.debug("%s: ignoring page date %r", origin, value)
        return None


def _enough(text: str | None) -> bool:
    return bool(text) and len(text.split()) >= MIN_WORDS


def extract_article(markup: str, origin: str) -> Document:
    """One Document from one HTML page, or InputError when the page holds no article text."""
    import trafilatura

    tree = trafilatura.load_html(markup)
    if tree is None:
        raise InputError(origin, "cannot parse as HTML")
    language = _language(tree)
    result = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False,
                                         include_tables=True, config=_config(),
                                         date_extraction_params={"extensive_search": False, "original_date": True})
    text = result.text if result is not None else None
    if not _enough(text):
        fallback = html_to_text(trafilatura.load_html(markup))
        if not _enough(fallback):
            raise InputError(origin, "no article text found in HTML")
        log.info("%s: no main article found, using the page's visible text", origin)
        text = fallback
    title = url = outlet = author = published = None
    if result is not None:
        title, url, outlet, author = result.title, result.url, result.sitename, result.author
        published = _date(result.date, origin)
    return Document(id=document_id(text, url), text=text, url=url, title=title, outlet=outlet, author=author,
                    published=published, origin=origin, **({"language": language} if language else {}))


def read(raw: RawInput) -> Iterator[Document]:
    """The article of an HTML file."""
    yield extract_article(raw.text, raw.origin)
