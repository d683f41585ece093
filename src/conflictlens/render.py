"""Readable terminal rendering of extractions (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .model import Extraction


def _resolved(mention) -> str:
    if mention.location is not None:
        loc = mention.location
        return f"{loc.name} ({loc.country or '?'}) {loc.lat:.3f},{loc.lon:.3f} p{loc.precision} {loc.relation}"
    if mention.when is not None:
        w = mention.when
        return f"{w.date or ''} [{w.earliest} .. {w.latest}] {w.precision}"
    return mention.kb_id or ""


def print_extraction_table(console: Console, extraction: Extraction) -> None:
    doc = extraction.document
    console.rule(f"{doc.title or doc.id}  ·  {doc.outlet or 'unknown outlet'}  ·  {doc.published or 'no date'}")
    if extraction.events:
        table = Table("type", "sub-event", "actor1", "actor2", "where", "when", "fatalities", title="events")
        for e in extraction.events:
            table.add_row(e.event_type, e.sub_event_type, e.actor1.name if e.actor1 else "",
                          e.actor2.name if e.actor2 else "", e.location.name if e.location else "",
                          str(e.date.date or e.date.latest or ""), "" if e.fatalities is None else str(e.fatalities))
        console.print(table)
    table = Table("kind", "text", "linked to", title="mentions")
    for m in extraction.mentions:
        table.add_row(m.kind, m.text, _resolved(m))
    console.print(table)
