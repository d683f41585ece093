"""Turn an annotated Doc into the output contract (model.Extraction)."""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Document, Extraction, Mention


def mentions_from_doc(doc: Doc) -> list[Mention]:
    """Every linked mention, in text order, from the span groups the components fill."""
    mentions: list[Mention] = []
    for span in doc.spans.get("actors", []):
        actor = span._.actor
        if actor is None:
            continue
        kind = "person" if actor.kind == "person" else "actor"
        mentions.append(Mention(kind=kind, text=span.text, span=(span.start_char, span.end_char), kb_id=actor.kb_id))
    for span in doc.spans.get("places", []):
        loc = span._.location
        if loc is None:
            continue
        mentions.append(Mention(kind="place", text=span.text, span=(span.start_char, span.end_char),
                                kb_id=loc.kb_id or (f"geonames:{loc.geonames_id}" if loc.geonames_id else None),
                                location=loc))
    for span in doc.spans.get("times", []):
        when = span._.when
        if when is None:
            continue
        mentions.append(Mention(kind="time", text=span.text, span=(span.start_char, span.end_char), when=when))
    for span in doc.spans.get("sources", []):
        source = span._.source
        if source is None:
            continue
        mentions.append(Mention(kind="source", text=span.text, span=(span.start_char, span.end_char),
                                kb_id=source.kb_id))
    mentions.sort(key=lambda m: (m.span[0], m.span[1]))
    return mentions


def extraction_from_doc(doc: Doc, document: Document) -> Extraction:
    return Extraction(document=document.info(), events=doc._.events or [], tallies=doc._.tallies or [],
                      statements=doc._.statements or [], relations=doc._.relations or [],
                      flags=doc._.flags or [], mentions=mentions_from_doc(doc))
