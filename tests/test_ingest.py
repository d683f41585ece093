"""The readers: each format with its metadata, and each kind of bad input as one clear error."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import threading
from pathlib import Path

import pytest

from conflictlens.errors import InputError
from conflictlens.ingest import document_id, read_path, read_records

INPUTS = Path(__file__).parent / "data" / "inputs"

FRENCH_STYLE = ("Demonstrators marched through Saint-Étienne and Besançon on Saturday, the préfecture said.\n"
                "Police estimated that 4,000 people took part; organisers put the figure at 9,000.\n")


def documents(path: Path, **options):
    return list(read_path(path, **options))


def error_of(path: Path, **options) -> InputError:
    """The one error reading path gives (and no documents)."""
    items = list(read_records(path, **options))
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- plain text ---------------------------------------------------------------------------------------------

def test_text_file_is_the_text_with_a_headline_title():
    path = INPUTS / "article.txt"
    [doc] = documents(path)
    assert doc.text == path.read_text(encoding="utf-8")          # the text is never rewritten
    assert doc.title == "Rebels seize two villages after overnight clashes"
    assert doc.text.startswith(doc.title)                         # the title stays in the text
    assert doc.origin == str(path)
    assert doc.id == document_id(doc.text) == documents(path)[0].id
    assert doc.published is None


def test_a_first_line_that_is_a_sentence_is_not_a_title(tmp_path):
    path = tmp_path / "lede.txt"
    path.write_text("Gunmen killed two farmers near the village on Sunday, residents said.\nThe army said it was "
                    "searching the area.\n", encoding="utf-8")
    assert documents(path)[0].title is None


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff")])
def test_byte_order_marks_are_honoured_and_dropped(tmp_path, encoding, bom):
    path = tmp_path / "bom.txt"
    path.write_bytes(bom + FRENCH_STYLE.encode(encoding))
    assert documents(path)[0].text == FRENCH_STYLE


def test_windows_newlines_become_line_feeds(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(FRENCH_STYLE.replace("\n", "\r\n").encode("utf-8"))
    assert documents(path)[0].text == FRENCH_STYLE


def test_latin1_text_that_is_not_utf8_is_decoded_by_guessing(tmp_path):
    path = tmp_path / "latin1.txt"
    data = FRENCH_STYLE.encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path.write_bytes(data)
    assert documents(path)[0].text == FRENCH_STYLE


def test_windows_1252_quotes_and_dashes_survive(tmp_path):
    text = "\u201cWe will respond,\u201d the minister said on Tuesday \u2014 hours after the strike on the depot.\n"
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    assert documents(path)[0].text == text


def test_random_bytes_are_a_binary_file(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(random.Random(1).randbytes(20_000))
    error = error_of(path)
    assert error.source == str(path) and "binary file" in error.reason


def test_known_binary_formats_are_named(tmp_path):
    path = tmp_path / "report.dat"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n\x00\x00endobj\n")
    assert "PDF document" in error_of(path).reason


def test_bytes_that_fit_no_encoding_cannot_be_decoded(tmp_path):
    rng = random.Random(7)
    data = bytes(rng.choice([10, *range(0x20, 0x7F), *range(0x80, 0x100)]) for _ in range(4000))
    path = tmp_path / "mangled.txt"
    path.write_bytes(data)
    reason = error_of(path).reason
    assert "cannot decode as text" in reason and "binary" not in reason


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Shelling continued overnight, officials said. " * (6 * 1024 * 1024 // 46 + 1))
    assert path.stat().st_size > 6 * 1024 * 1024
    assert "over the limit of 5,242,880" in error_of(path).reason
    assert len(documents(path, max_bytes=7 * 1024 * 1024)) == 1


def test_a_smaller_limit_applies():
    path = INPUTS / "article.txt"
    size = path.stat().st_size
    assert error_of(path, max_bytes=100).reason == f"file is {size} bytes, over the limit of 100 bytes (--max-bytes)"


def test_a_stream_stat_cannot_size_is_cut_at_the_limit(tmp_path):
    fifo = tmp_path / "stream.txt"
    os.mkfifo(fifo)

    def write():
        try:
            with open(fifo, "wb") as pipe:
                pipe.write(b"Rockets hit the base again, the army said. " * 500)
        except BrokenPipeError:
            pass                                   # the reader stopped at its limit, as it should

    writer = threading.Thread(target=write)
    writer.start()
    assert error_of(fifo, max_bytes=1000).reason == "input is over the limit of 1,000 bytes (--max-bytes)"
    writer.join(timeout=10)


@pytest.mark.parametrize("content, reason", [(b"", "empty file"), (b" \n\t\r\n  \n", "empty file (only whitespace)")])
def test_empty_files(tmp_path, content, reason):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert error_of(path).reason == reason


def test_missing_file():
    error = error_of(INPUTS / "no-such-article.txt")
    assert error.reason == "no such file"
    assert str(error) == f"{INPUTS / 'no-such-article.txt'}: no such file"


def test_unsupported_extension(tmp_path):
    path = tmp_path / "briefing.docx"
    path.write_bytes(b"PK\x03\x04rest of a zip")
    assert "unsupported format (Word)" in error_of(path).reason


def test_read_path_raises_without_an_error_handler(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        documents(tmp_path / "absent.txt")


# --- directories --------------------------------------------------------------------------------------------

def test_directory_expands_to_supported_files_recursively(tmp_path):
    (tmp_path / "feeds").mkdir()
    shutil.copy(INPUTS / "article.txt", tmp_path / "a.txt")
    shutil.copy(INPUTS / "feed.atom", tmp_path / "feeds" / "observer.atom")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden files are skipped, the army said.", encoding="utf-8")
    origins = [d.origin for d in documents(tmp_path)]
    assert origins == [str(tmp_path / "a.txt"), f"{tmp_path / 'feeds' / 'observer.atom'}#1",
                       f"{tmp_path / 'feeds' / 'observer.atom'}#2"]


def test_directory_without_supported_files(tmp_path):
    (tmp_path / "notes.md").write_text("nothing to read", encoding="utf-8")
    assert "no supported files" in error_of(tmp_path).reason


# --- HTML ---------------------------------------------------------------------------------------------------

def test_html_main_text_and_metadata():
    [doc] = documents(INPUTS / "page.html")
    assert doc.title == "Drone strike hits fuel depot near Kharkiv"
    assert doc.outlet == "Northern Ledger"
    assert doc.url == "https://ledger.example.org/world/2024/03/12/drone-fuel-depot"
    assert doc.author == "Maria Kovalenko"
    assert doc.published == dt.date(2024, 3, 12)
    assert doc.language == "en"
    assert doc.id == document_id(doc.text, doc.url)
    assert "two workers were killed" in doc.text and "state emergency service" in doc.text
    for boilerplate in ("Sport", "Most read", "Copyright", "analytics"):
        assert boilerplate not in doc.text
    # paragraphs stay apart, so the headline is not glued to the first sentence
    assert "A drone struck a fuel depot" in doc.text.split("\n")[1]


def test_broken_html_with_unclosed_tags_still_yields_its_text():
    [doc] = documents(INPUTS / "broken.html")
    assert doc.title == "Clashes near Mopti"
    assert "near the town of Mopti on Sunday" in doc.text
    assert "Three soldiers were killed in the clashes" in doc.text
    assert "<" not in doc.text


def test_html_without_article_text():
    assert error_of(INPUTS / "no-text.html").reason == "no article text found in HTML"


def test_html_is_sniffed_without_an_extension(tmp_path):
    path = tmp_path / "download"
    shutil.copy(INPUTS / "page.html", path)
    assert documents(path)[0].outlet == "Northern Ledger"


# --- JSON Lines and JSON ------------------------------------------------------------------------------------

def test_jsonl_records_with_metadata():
    path = INPUTS / "articles.jsonl"
    docs = documents(path)
    assert [d.origin for d in docs] == [f"{path}:1", f"{path}:2", f"{path}:4"]   # line 3 is blank
    first, second, third = docs
    assert first.id == "wire-0001" and first.outlet == "Frontier Wire" and first.title == "Rockets hit army base"
    assert first.published == dt.date(2024, 2, 4) and first.url == "https://wire.example.org/0001"
    assert second.published == dt.date(2024, 2, 9)                      # from an ISO date-time
    assert second.id == document_id(second.text)
    assert third.published is None and third.outlet is None


def test_jsonl_bad_line_is_one_error_and_the_others_still_come():
    path = INPUTS / "mixed.jsonl"
    errors: list[InputError] = []
    docs = list(read_path(path, on_error=errors.append))
    assert [d.origin for d in docs] == [f"{path}:1", f"{path}:3"]
    assert [e.source for e in errors] == [f"{path}:2"]
    assert "published: 'last Wednesday' is not a date" in errors[0].reason


@pytest.mark.parametrize("line, reason", [
    ('{"text": "Clashes resumed on Monday."', "invalid JSON"),
    ('{"title": "Clashes resume"}', 'no "text" field (fields: title)'),
    ('{"text": 42}', '"text" is a int, not a string'),
    ('{"text": "   "}', '"text" is empty'),
    ('["Clashes resumed on Monday."]', "expected a JSON object, got list"),
    ('{"text": "Clashes resumed.", "published": "12/03/2024"}', "published: '12/03/2024' is not a date"),
    ('{"text": "Clashes resumed.", "published": 20240312}', "is not a string date"),
    ('{"text": "Clashes resumed.", "url": ["a", "b"]}', '"url" is a list, not a string'),
    ('{"text": "Clashes resumed \\ud800 on Monday."}', "lone surrogate"),
])
def test_jsonl_bad_records(tmp_path, line, reason):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "Troops shelled the ridge on Sunday, the army said."}\n' + line + "\n", encoding="utf-8")
    good, bad = list(read_records(path))
    assert good.origin == f"{path}:1"
    assert isinstance(bad, InputError) and bad.source == f"{path}:2" and reason in bad.reason


def test_json_list_of_articles():
    path = INPUTS / "articles.json"
    docs = documents(path)
    assert [d.origin for d in docs] == [f"{path}#1", f"{path}#2"]
    assert docs[0].url == "https://wire.example.org/0042" and docs[1].published == dt.date(2024, 6, 2)


def test_jsonl_is_sniffed_without_an_extension(tmp_path):
    path = tmp_path / "export"
    shutil.copy(INPUTS / "articles.jsonl", path)
    assert len(documents(path)) == 3


# --- RSS and Atom -------------------------------------------------------------------------------------------

def test_rss_entries_with_metadata():
    path = INPUTS / "feed.rss"
    first, second = documents(path)
    assert first.origin == f"{path}#1" and second.origin == f"{path}#2"
    assert first.outlet == second.outlet == "Sahel Wire"
    assert first.title == "Gunmen attack village near Djibo"
    assert first.url == "https://sahelwire.example.net/2024/03/djibo-attack"
    assert first.author == "Amadou Sow" and first.language == "en"
    # the full content is preferred to the one-line description, and its HTML is gone
    assert first.text == ("Unidentified gunmen attacked a village near Djibo on Monday night, killing four people, "
                          "residents said.\nThe army sent reinforcements to the area on Tuesday morning.")
    # 01:30 on the 12th at +03:00 is still the 11th in UTC: the feed's own calendar date counts
    assert first.published == dt.date(2024, 3, 12)
    assert second.text.startswith("Soldiers clashed with militants") and "<p>" not in second.text
    assert first.id == document_id(first.text, first.url)


def test_atom_entries_with_metadata():
    first, second = documents(INPUTS / "feed.atom")
    assert first.outlet == "Coastal Observer" and first.author == "Olena Marchenko"
    assert first.published == dt.date(2024, 5, 2) and second.published == dt.date(2024, 5, 1)   # updated
    assert first.text.startswith("A missile struck the port area of Odesa")
    assert second.url == "https://observer.example.com/news/curfew"


def test_feed_without_entries(tmp_path):
    path = tmp_path / "quiet.rss"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet Wire</title>'
                    "<link>https://quiet.example.net/</link></channel></rss>", encoding="utf-8")
    assert error_of(path).reason == "feed has no entries"


def test_feed_entry_without_text_or_with_a_bad_date(tmp_path):
    path = tmp_path / "wire.rss"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
                    "<item><title>Headline only</title><link>https://wire.example.net/1</link></item>"
                    "<item><title>Bad date</title><pubDate>sometime soon</pubDate>"
                    "<description>Rebels shelled the airport on Friday, officials said.</description></item>"
                    "<item><title>Good</title><description>Troops retook the bridge on Saturday, "
                    "the army said.</description></item></channel></rss>", encoding="utf-8")
    no_text, bad_date, good = read_records(path)
    assert no_text.source == f"{path}#1" and "has no text" in no_text.reason
    assert bad_date.source == f"{path}#2" and "'sometime soon' is not a date" in bad_date.reason
    assert good.origin == f"{path}#3" and good.outlet == "Wire"


def test_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>',
                    encoding="utf-8")
    assert "not an RSS or Atom feed" in error_of(path).reason


def test_feed_is_sniffed_without_an_extension(tmp_path):
    path = tmp_path / "latest"
    shutil.copy(INPUTS / "feed.rss", path)
    assert [d.outlet for d in documents(path)] == ["Sahel Wire", "Sahel Wire"]
