"""Turn an annotated Doc into the output contract (model.Extraction)."""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Document, Extraction, Mention
from .extensions import GROUP_ATTR, marked


def _mention_fields(group: str, value) -> dict:
    """What the contract object of a span says as a Mention: kind, kb_id and payload."""
    if group == "actors":
        return {"kind": "person" if value.kind == "person" else "actor", "kb_id": value.kb_id}
    if group == "places":
        return {"kind": "place", "location": value,
                "kb_id": value.kb_id or (f"geonames:{value.geonames_id}" if value.geonames_id else None)}
    if group == "times":
        return {"kind": "time", "when": value}
    return {"kind": "source", "kb_id": value.kb_id}


def mentions_from_doc(doc: Doc) -> list[Mention]:
    """Every linked mention, in text order, from the span groups the components fill."""
    mentions = [Mention(text=m.text, span=(m.start_char, m.end_char), **_mention_fields(group, m.value))
                for group in GROUP_ATTR for m in marked(doc, group) if m.value is not None]
    mentions.sort(key=lambda m: (m.span[0], m.span[1]))
    return mentions


def extraction_from_doc(doc: Doc, document: Document) -> Extraction:
    return Extraction(document=document.info(), events=doc._.events or [], tallies=doc._.tallies or [],
                      statements=doc._.statements or [], relations=doc._.relations or [],
                      flags=doc._.flags or [], mentions=mentions_from_doc(doc))
