"""The synthetic corpus of the benchmarks: deterministic, within its word range, drawn from the KB and gazetteer."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from conflictlens.kb import get_kb
from conflictlens.model import Document
from conflictlens.nlp.build import Extractor
from conflictlens.scale.corpus import CorpusGenerator


def test_same_seed_same_articles_and_article_i_does_not_depend_on_the_count():
    a = list(CorpusGenerator(seed=11).articles(6))
    b = CorpusGenerator(seed=11)
    assert a == list(b.articles(6))
    assert b.article(4) == a[4] and list(b.articles(2, first=3)) == a[3:5]
    other = list(CorpusGenerator(seed=12).articles(6))
    assert all(x["text"] != y["text"] for x, y in zip(a, other))


def test_word_counts_stay_in_range_and_records_are_valid_documents():
    gen = CorpusGenerator(seed=5, min_words=300, max_words=700)
    out = io.StringIO()
    words = gen.write_jsonl(25, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 25 and words == sum(len(r["text"].split()) for r in records)
    for r in records:
        n = len(r["text"].split())
        assert 300 <= n <= 700 + 120, n      # a paragraph may run past the target, never by much
        Document(id=r["id"], text=r["text"], published=dt.date.fromisoformat(r["published"]))
    assert len({r["id"] for r in records}) == 25
    assert len({r["outlet"] for r in records}) > 5 and all(r["outlet"] in _outlet_names() for r in records)


def _outlet_names() -> set[str]:
    return {o.name for o in get_kb().outlets.values()}


def test_articles_span_many_countries_and_the_pipeline_links_their_actors_and_places():
    records = list(CorpusGenerator(seed=2, min_words=200, max_words=300).articles(30))
    extractor = Extractor()
    countries = set()
    for r in records:
        extraction = extractor.extract(Document(id=r["id"], text=r["text"],
                                                published=dt.date.fromisoformat(r["published"])))
        actors = [m for m in extraction.mentions if m.kind == "actor" and m.kb_id]
        places = [m for m in extraction.mentions if m.kind == "place" and m.location]
        assert actors and places, r["id"]
        countries.update(m.location.country for m in places)
    assert len(countries) >= 10


def test_bad_word_range_is_refused():
    with pytest.raises(ValueError):
        CorpusGenerator(min_words=500, max_words=100)
