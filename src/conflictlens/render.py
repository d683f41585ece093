"""Readable terminal rendering of extractions (rich tables): what `extract --format table` prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .model import Actor, Extraction, Source, When


def _resolved(mention) -> str:
    if mention.location is not None:
        loc = mention.location
        return f"{loc.name} ({loc.country or '?'}) {loc.lat:.3f},{loc.lon:.3f} p{loc.precision} {loc.relation}"
    if mention.when is not None:
        return _when(mention.when)
    return mention.kb_id or ""


def _when(when: When | None) -> str:
    if when is None:
        return ""
    if when.date is not None:
        return str(when.date)
    if when.earliest is None and when.latest is None:
        return when.precision
    return f"{when.earliest or '…'} .. {when.latest or '…'} ({when.precision})"


def _who(actor: Actor | Source | None) -> str:
    return actor.name if actor is not None else ""


def _chain(sources: list[Source]) -> str:
    return " → ".join(s.name for s in sources)


def print_extraction_table(console: Console, extraction: Extraction) -> None:
    doc = extraction.document
    console.rule(f"{doc.title or doc.id}  ·  {doc.outlet or 'unknown outlet'}  ·  {doc.published or 'no date'}")
    if extraction.events:
        table = Table("event", "who", "where and when", "dead", "according to", title="events")
        for e in extraction.events:
            what = f"{e.event_type} / {e.sub_event_type}\n[dim]“{e.trigger.text}”[/]"
            who = f"{_who(e.actor1) or '?'} → {_who(e.actor2) or '?'}"
            if e.claimed_by is not None:
                who += f"\n[dim]claimed by {e.claimed_by.name}[/]"
            where = f"{e.location.name} ({e.location.country}) p{e.location.precision}" if e.location else "?"
            table.add_row(what, who, f"{where}\n{_when(e.date)}", "" if e.fatalities is None else str(e.fatalities),
                          _chain(e.attribution))
        console.print(table)
    if extraction.tallies:
        table = Table("count", "what", "where", "since", "as of", "according to", title="tallies")
        for t in extraction.tallies:
            table.add_row(str(t.count), t.what, ", ".join(w.name for w in t.where), _when(t.since), _when(t.as_of),
                          _chain(t.attribution))
        console.print(table)
    if extraction.statements:
        table = Table("kind", "speaker", "what", "when", "according to", title="statements")
        for s in extraction.statements:
            table.add_row(s.kind, _who(s.speaker), s.text, _when(s.date), _chain(s.attribution))
        console.print(table)
    if extraction.relations:
        table = Table("subject", "relation", "object", "when", title="relations")
        for r in extraction.relations:
            table.add_row(r.subject.name, r.predicate, r.object.name, _when(r.date))
        console.print(table)
    if extraction.flags:
        table = Table("kind", "message", "words", title="flags")
        for f in extraction.flags:
            table.add_row(f.kind, f.message, f.evidence.text)
        console.print(table)
    table = Table("kind", "text", "linked to", title="mentions")
    for m in extraction.mentions:
        table.add_row(m.kind, m.text, _resolved(m))
    console.print(table)
