"""The fast trigger search (FirstWordMatcher) finds what a plain spaCy Matcher finds, in the order the
choice between entries depends on; and the rule kit's indexed cue lookups and cached span lookups
answer as the plain scans do."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.matcher import Matcher

from conflictlens.nlp.rulekit import match_at, phrases, spans_in
from conflictlens.nlp.triggers import FirstWordMatcher, get_finder, phrase_pattern

ARTICLES = sorted((Path(__file__).parent / "data" / "articles").glob("*.yaml"))


@pytest.fixture(scope="module")
def dev_docs(extractor):
    nlp = extractor.nlp
    return [nlp(yaml.safe_load(p.read_text(encoding="utf-8"))["text"]) for p in ARTICLES]


def by_span(matches):
    """Matches grouped by (start, end), keeping their order within a group (the plain Matcher's order
    across different spans is not by start)."""
    return sorted(matches, key=lambda m: (m[1], m[2]))


def test_first_word_matcher_equals_a_plain_matcher_over_the_lexicon(extractor, dev_docs):
    finder = get_finder(extractor.nlp.vocab)
    assert isinstance(finder.matcher, FirstWordMatcher)
    plain = Matcher(extractor.nlp.vocab)
    for key, pattern in finder.matcher.patterns:
        plain.add(key, [pattern])
    found = 0
    for doc in dev_docs:
        fast = finder.matcher(doc)
        assert fast == by_span(plain(doc))
        found += len(fast)
        part = doc[3:len(doc) - 5]          # on a Span, offsets are relative to it, as with Matcher
        assert finder.matcher(part) == by_span(plain(part))
    assert found > 5 * len(dev_docs)      # the lexicon matches: the comparison is not of empty lists


def test_first_word_matcher_gaps_sets_and_hyphens(extractor):
    vocab = extractor.nlp.vocab
    fast, plain = FirstWordMatcher(vocab), Matcher(vocab)
    for key, phrase in (("A", "fired|launched * rocket|rockets"), ("B", "fired"), ("C", "sit-in"),
                        ("D", "launched * rockets at")):
        fast.add(key, [phrase_pattern(phrase)])
        plain.add(key, [phrase_pattern(phrase)])
    doc = extractor.nlp("Militants fired two rockets at a base, then launched rockets at a sit-in near the base.")
    keys = lambda ms: [(doc.vocab.strings[k], s, e) for k, s, e in ms]  # noqa: E731
    assert keys(fast(doc)) == keys(by_span(plain(doc)))
    assert {"A", "B", "C", "D"} == {k for k, _, _ in keys(fast(doc))}


def test_first_word_matcher_refuses_a_pattern_that_starts_with_a_gap(extractor):
    with pytest.raises(ValueError, match="must start with"):
        FirstWordMatcher(extractor.nlp.vocab).add("G", [phrase_pattern("* rockets")])


def test_indexed_cues_answer_as_a_scan_of_every_cue():
    cues = phrases(["vowed to", "vowed", "vowed to avenge", "warned", "al - qaeda", "backed-by"])
    scan = list(cues)                        # a plain list: match_at tries every cue
    words = "they vowed to avenge the dead and warned al - qaeda , backed - by x vowed".split()
    for i in range(-2, len(words) + 2):
        assert match_at(words, i, cues) == match_at(words, i, scan)
    assert match_at(words, 1, cues) == ("vowed", "to", "avenge")
    assert match_at(words, len(words) - 1, cues) == ("vowed",)


def test_spans_in_follows_a_replaced_group(extractor):
    doc = extractor.nlp("Gunmen attacked a checkpoint in Gao on Monday, officials said.")
    doc.spans["test"] = [doc[4:5], doc[0:1], doc[6:8]]
    assert [s.text for s in spans_in(doc, "test", 0, 6)] == ["Gunmen", "in"]
    doc.spans["test"] = [doc[2:4]]            # a component that sets the group again: not the old answer
    assert [s.text for s in spans_in(doc, "test", 0, 6)] == ["a checkpoint"]
    doc.spans["test"].append(doc[5:6])
    assert [s.text for s in spans_in(doc, "test", 0, 6)] == ["a checkpoint", "Gao"]
