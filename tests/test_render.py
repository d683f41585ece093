"""The readable table of `extract --format table` shows every part of an extraction."""

import datetime as dt
import io

from rich.console import Console

from conflictlens.model import (Actor, DocumentInfo, Event, Extraction, Flag, Relation, Source, Span, Statement,
                                Tally, When)
from conflictlens.render import print_extraction_table


def test_every_part_of_an_extraction_is_shown():
    span = Span(text="words", start=0, end=5)
    group = Actor(name="Ansar Allah", text="the Houthis", kind="rebel")
    umbrella = Actor(name="Axis of Resistance", text="the axis", kind="umbrella")
    day = When(date=dt.date(2024, 1, 12), earliest=dt.date(2024, 1, 12), latest=dt.date(2024, 1, 12), precision="day")
    outlet = Source(name="Saba", kind="outlet")
    extraction = Extraction(
        document=DocumentInfo(id="d1", title="Strike on Hodeidah", outlet="Red Sea Wire", published=dt.date(2024, 1, 12)),
        events=[Event(id="e1", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                      actor2=group, date=day, fatalities=5, attribution=[outlet], trigger=span, evidence=span)],
        tallies=[Tally(count=27, what="attacks on ships", since=day, evidence=span)],
        statements=[Statement(kind="threat", speaker=group, text="vowed to respond", evidence=span)],
        relations=[Relation(subject=group, predicate="member_of", object=umbrella, evidence=span)],
        flags=[Flag(kind="office_holder", message="not in office then", evidence=span)])
    buffer = io.StringIO()
    print_extraction_table(Console(file=buffer, width=200), extraction)
    shown = buffer.getvalue()
    for words in ("Air/drone strike", "? → Ansar Allah", "2024-01-12", "Saba", "attacks on ships", "27",
                  "vowed to respond", "member_of", "Axis of Resistance", "not in office then", "Red Sea Wire"):
        assert words in shown, words
