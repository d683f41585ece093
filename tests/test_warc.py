"""WARC archives: each archived HTML page is an article; other records are skipped; bad pages are reported."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conflictlens.errors import InputError
from conflictlens.ingest import read_records

PAGE = """<html><head><title>{title}</title><meta property="article:published_time" content="2024-03-05"></head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>
<p>{body}</p><p>Residents said the attackers fled on motorcycles before troops arrived in the area.</p>
</article><footer>Copyright</footer></body></html>"""


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]]) -> None:
    """records: (uri, status, content type, body) as response records, plus one request record."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warc_record("https://news.example/", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        for uri, status, content_type, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def page(title: str, body: str) -> bytes:
    return PAGE.format(title=title, body=body).encode("utf-8")


def test_pages_become_documents_and_the_rest_is_skipped_or_reported(tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    write_warc(archive, [
        ("https://sahel.example/zamfara", "200 OK", "text/html; charset=utf-8",
         page("Gunmen kill seven in Zamfara", "Gunmen killed seven villagers near Gusau in Zamfara state on Sunday.")),
        ("https://sahel.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://sahel.example/old", "301 Moved Permanently", "text/html", b"<html></html>"),
        ("https://sahel.example/empty", "200 OK", "text/html", b"<html><body><nav>Home</nav></body></html>"),
        ("https://lake.example/chad", "200 OK", "text/html",
         page("Boko Haram fighters raid island", "Fighters raided an island in Lake Chad on Friday, killing two.")),
    ])
    items = list(read_records(archive))
    documents = [i for i in items if not isinstance(i, InputError)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [d.url for d in documents] == ["https://sahel.example/zamfara", "https://lake.example/chad"]
    assert "seven villagers" in documents[0].text and "Home | World" not in documents[0].text
    assert documents[0].title == "Gunmen kill seven in Zamfara"
    assert str(documents[0].published) == "2024-03-05"
    assert [e.source for e in errors] == [f"{archive}#https://sahel.example/empty"]
    assert "no article text" in errors[0].reason


def test_a_page_over_the_size_limit_is_one_error_and_the_next_page_still_comes(tmp_path):
    archive = tmp_path / "big.warc"
    write_warc(archive, [
        ("https://a.example/huge", "200 OK", "text/html", page("Huge", "word " * 5000)),
        ("https://a.example/small", "200 OK", "text/html", page("Small", "Troops clashed with rebels near Goma.")),
    ])
    items = list(read_records(archive, max_bytes=10_000))
    assert isinstance(items[0], InputError) and "larger than 10000 bytes" in items[0].reason
    assert items[1].url == "https://a.example/small"


def test_a_file_that_is_not_an_archive_is_one_error_in_the_cli(tmp_path):
    fake = tmp_path / "fake.warc"
    fake.write_text("this is not a web archive\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "conflictlens", "extract", str(fake)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {fake}: not a WARC archive (it does not start with a WARC record)"]
