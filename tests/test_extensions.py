"""extensions.marked: the one reading of each span group that every rule component shares.

`marked` reads span values where spaCy's Underscore keeps them instead of going through `span._`
(the rules look at each span many times). These tests hold it to what `span._` says on a real Doc,
so a spaCy that keeps them elsewhere shows here, not as events that quietly lose their actors.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conflictlens.model import Document
from conflictlens.nlp.extensions import GROUP_ATTR, marked

TEXT = (
    "Gunmen from Jama'at Nusrat al-Islam wal-Muslimin attacked an army post near Djibo on Sunday, "
    "killing seven soldiers, the army said in a statement. According to local officials, the attackers "
    "withdrew towards the Mali border. Residents of Ouahigouya said the road had been closed since March."
)


@pytest.fixture(scope="module")
def doc(extractor):
    document = Document(id="ext", text=TEXT, published=dt.date(2024, 6, 3))
    return extractor.nlp(extractor.make_doc(document))


@pytest.mark.parametrize("group", sorted(GROUP_ATTR))
def test_marked_holds_what_span_underscore_holds(doc, group):
    spans = list(doc.spans[group])
    assert spans, f"the text should give some {group}"
    read = marked(doc, group)
    attr = GROUP_ATTR[group]
    assert [(m.start, m.end, m.start_char, m.end_char, m.text) for m in read] == \
           [(s.start, s.end, s.start_char, s.end_char, s.text) for s in spans]
    assert [m.value for m in read] == [getattr(s._, attr) for s in spans]
    assert any(m.value is not None for m in read)


def test_marked_is_read_again_when_a_group_is_replaced(doc):
    before = marked(doc, "places")
    doc.spans["places"] = list(doc.spans["places"])[:1]
    after = marked(doc, "places")
    assert len(after) == 1 and len(before) > 1
    assert after[0].value == before[0].value
