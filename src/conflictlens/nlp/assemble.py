"""Turn an annotated Doc into the output contract (model.Extraction)."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span

from ..model import Document, Extraction, Mention
from .tokentable import token_table

MENTION_GROUPS = ("actors", "places", "times", "sources")


def _mention_fields(group: str, span: Span) -> Optional[dict]:
    """What a span of a span group says as a Mention: kind, kb_id and payload; None if unlinked."""
    if group == "actors":
        actor = span._.actor
        return None if actor is None else {"kind": "person" if actor.kind == "person" else "actor", "kb_id": actor.kb_id}
    if group == "places":
        loc = span._.location
        return None if loc is None else {"kind": "place", "location": loc,
                                         "kb_id": loc.kb_id or (f"geonames:{loc.geonames_id}" if loc.geonames_id else None)}
    if group == "times":
        when = span._.when
        return None if when is None else {"kind": "time", "when": when}
    source = span._.source
    return None if source is None else {"kind": "source", "kb_id": source.kb_id}


def mentions_from_doc(doc: Doc) -> list[Mention]:
    """Every linked mention, in text order, from the span groups the components fill."""
    table = token_table(doc)
    mentions: list[Mention] = []
    for group in MENTION_GROUPS:
        for span in doc.spans.get(group, ()):
            fields = _mention_fields(group, span)
            if fields is not None:
                start, end = span.start, span.end
                mentions.append(Mention(text=table.span_text(start, end), span=(table.idx[start], table.char_end(end - 1)),
                                        **fields))
    mentions.sort(key=lambda m: (m.span[0], m.span[1]))
    return mentions


def extraction_from_doc(doc: Doc, document: Document) -> Extraction:
    return Extraction(document=document.info(), events=doc._.events or [], tallies=doc._.tallies or [],
                      statements=doc._.statements or [], relations=doc._.relations or [],
                      flags=doc._.flags or [], mentions=mentions_from_doc(doc))
