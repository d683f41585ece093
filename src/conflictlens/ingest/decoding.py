"""Raw input: read a bounded number of bytes, refuse binaries, decode to text, sniff the format.

Every reader gets its input through here, so the checks that protect the pipeline
(size limit, binary data, undecodable bytes, empty files) are made once, the same way.
"""

from __future__ import annotations

import codecs
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

STDIN = "-"
SAMPLE = 8192                # bytes looked at for binary detection and sniffing
MAX_CONTROL_RATIO = 0.05     # share of control bytes above which a file is binary, not text
MAX_CHAOS = 0.2              # charset-normalizer "mess" above which a guess is too poor to use

# (BOM, codec), longest first: a UTF-32 LE BOM starts like a UTF-16 LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# Well-known binary formats, for a message that says what the file is.
MAGIC = ((b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive or Office document"),
         (b"\x1f\x8b", "gzip archive"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
         (b"GIF8", "GIF image"), (b"\xd0\xcf\x11\xe0", "legacy Office document"), (b"\x7fELF", "executable"),
         (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive"), (b"7z\xbc\xaf", "7-Zip archive"),
         (b"{\\rtf", "RTF document"), (b"WARC/", "WARC archive"))

# When legacy single-byte code pages tie, prefer the one most English-language news was written in.
PREFERRED_LEGACY = ("cp1252", "latin_1", "iso8859_15")

# Control bytes that plain text does carry: tab, newline, vertical tab, form feed, carriage return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_CONTROL_CHARS = dict.fromkeys([*_CONTROL_BYTES, *range(0x80, 0xA0)])   # str.translate table deleting them
_DECLARED_CHARSET = re.compile(rb"""<(?:meta[^>]+charset|\?xml[^>]+encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""",
                               re.IGNORECASE)


@dataclass(frozen=True)
class RawInput:
    """One input file: where it came from, its bytes, and its text once decoded."""

    origin: str
    data: bytes
    text: str


def origin_of(path: Path) -> str:
    """How messages and Document.origin name an input."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, checking its size from stat first and never reading more than max_bytes."""
    origin = origin_of(path)
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(origin, f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes (--max-bytes)")
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)    # the file may have grown, or be a pipe that stat cannot size
        except FileNotFoundError:
            raise InputError(origin, "no such file") from None
        except PermissionError:
            raise InputError(origin, "permission denied") from None
        except IsADirectoryError:
            raise InputError(origin, "is a directory") from None
        except OSError as exc:
            raise InputError(origin, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(origin, f"input is over the limit of {max_bytes:,} bytes (--max-bytes)")
    return data


def binary_kind(data: bytes) -> str | None:
    """What a binary file looks like ("PDF document", "binary data"), or None when it may be text."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:SAMPLE]
    if b"\x00" in sample:
        return "NUL bytes"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > MAX_CONTROL_RATIO:
        return "control characters"
    return None


def _bom_codec(data: bytes) -> tuple[str, int] | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly-ASCII text has a NUL in every other byte."""
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _declared_codec(data: bytes) -> str | None:
    """The charset an HTML <meta> or XML declaration names, if Python knows it."""
    match = _DECLARED_CHARSET.search(data[:2048])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best decoding, or None when no guess is good enough."""
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data, threshold=MAX_CHAOS) if m.chaos <= MAX_CHAOS]
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence - 0.01
        if tied and any(c in PREFERRED_LEGACY for c in match.could_be_from_charset):
            codec = next(c for c in PREFERRED_LEGACY if c in match.could_be_from_charset)
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            log.debug("decoding as %s (tied with %s)", codec, best.encoding)
            return text
    log.debug("decoding as %s (chaos %.2f)", best.encoding, best.chaos)
    return str(best)


def decode(data: bytes, origin: str) -> str:
    """Text of the bytes: BOM, else UTF-8, else a declared charset, else a good guess; newlines normalised."""
    bom = _bom_codec(data)
    if bom is not None:
        codec, skip = bom
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError:
            raise InputError(origin, f"cannot decode as text (invalid {codec} after its byte-order mark)") from None
    else:
        codec = _utf16_without_bom(data[:SAMPLE])
        kind = None if codec else binary_kind(data)
        if kind is not None:
            raise InputError(origin, f"binary file ({kind}), not text")
        text = _decode_plain(data, codec)
        if text is None:
            raise InputError(origin, "cannot decode as text (not UTF-8, and no other encoding fits)")
    sample = text[:SAMPLE]
    if sample and len(sample) - len(sample.translate(_CONTROL_CHARS)) > MAX_CONTROL_RATIO * len(sample):
        raise InputError(origin, "binary file (control characters), not text")
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(origin, "empty file (only whitespace)")
    return text


def _decode_plain(data: bytes, codec: str | None) -> str | None:
    for candidate in (codec, "utf-8", _declared_codec(data)):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return _guess(data)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets mean the same on every platform."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load(path: Path, max_bytes: int) -> RawInput:
    """Bytes and text of one file, or InputError saying in one line why not."""
    origin = origin_of(path)
    data = read_bytes(path, max_bytes)
    if not data:
        raise InputError(origin, "empty file")
    if not data.strip():
        raise InputError(origin, "empty file (only whitespace)")
    return RawInput(origin=origin, data=data, text=decode(data, origin))


_HTML_ROOT = re.compile(r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                        re.IGNORECASE | re.DOTALL)
_XML_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_MARK = re.compile(r"<!doctype\s+html|<(?:html|head|body|article|p|div|title|meta)[\s>/]", re.IGNORECASE)


def sniff(text: str) -> str:
    """The format the content looks like: "feed", "html", "xml", "json", "jsonl" or "text"."""
    head = text[:SAMPLE].lstrip("\ufeff \t\n")
    if head.startswith("<"):
        if _HTML_ROOT.match(head):
            return "html"
        if _XML_FEED_ROOT.search(head):
            return "feed"
        if _HTML_MARK.search(head):
            return "html"
        if head.startswith("<?xml"):
            return "xml"
        return "html"
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first_line = head.split("\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith("}") else "json"
    return "text"
