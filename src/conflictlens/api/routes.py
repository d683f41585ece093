"""The JSON API under /api: events, actors, documents, stats, export, flags, extract, ingest."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import BadRequest, NotFound, TooLarge
from .filters import SORT_FIELDS, EventQuery, event_query
from .services import Services, require_token, services

router = APIRouter(prefix="/api")

EXPORTS = {  # format → (media type, file extension)
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
    "jsonl": ("application/x-ndjson", "jsonl"),
}


class ArticleIn(BaseModel):
    """An article posted for extraction or ingest."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "text": "Gunmen killed two police officers at a checkpoint near Bannu on Monday, officials said.",
        "published": "2024-03-05", "url": "https://example.org/news/1", "outlet": "Example Wire"}]})

    text: str = Field(..., description="The article text")
    published: dt.date = Field(..., description="Publication date; relative dates are resolved against it")
    url: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is empty")
        return value


def _document(article: ArticleIn, svc: Services):
    from ..ingest import document_id
    from ..model import Document

    size = len(article.text.encode("utf-8"))
    if size > svc.max_bytes:
        raise TooLarge(f"the text is {size} bytes; the largest accepted is {svc.max_bytes}")
    return Document(id=document_id(article.text, article.url), text=article.text, url=article.url,
                    title=article.title, outlet=article.outlet, published=article.published, origin="api")


def _page(items: list, total: int, limit: int, offset: int, **extra) -> dict:
    following = offset + limit if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "next_offset": following, **extra, "items": items}


@router.get("/events", summary="Events matching the filters, one page at a time")
def list_events(q: EventQuery = Depends(event_query),
                limit: int = Query(50, ge=1, le=5000), offset: int = Query(0, ge=0),
                sort: Literal[SORT_FIELDS] = Query("date"), order: Literal["asc", "desc"] = Query("desc"),
                svc: Services = Depends(services)):
    f = q.to_filter()
    items, total = svc.store.events(f, limit=limit, offset=offset, sort=sort, descending=order == "desc")
    return _page(items, total, limit, offset, sort=sort, order=order)


@router.get("/events/{event_id}", summary="One merged event: its reports, evidence spans, provenance and flags")
def get_event(event_id: str, svc: Services = Depends(services)):
    event = svc.store.event(event_id)
    if event is None:
        raise NotFound(f"no event with id {event_id!r}")
    return event


def _ref(kb, actor_id: str, valid_from=None, valid_to=None, note=None) -> dict:
    target = kb.actors.get(actor_id)
    return {"id": actor_id, "name": target.name if target else actor_id, "kind": target.kind if target else None,
            "valid_from": valid_from, "valid_to": valid_to, "note": note}


def _link(kb, link) -> dict:
    return _ref(kb, link.id, link.valid_from, link.valid_to, link.note)


def _office_holders(kb, actor) -> list[dict]:
    """Terms in office: a person's own, or, for a state, everyone's in that country."""
    if actor.kind == "person":
        people = [actor]
    elif actor.kind == "state" and actor.country:
        people = [a for a in kb.actors.values() if any(t.country == actor.country for t in a.offices)]
    else:
        return []
    rows = []
    for person in people:
        for term in person.offices:
            if actor.kind == "state" and term.country != actor.country:
                continue
            office = kb.offices.get(term.office)
            rows.append({"person": person.id, "person_name": person.name, "office": term.office,
                         "office_name": office.name if office else term.office, "country": term.country,
                         "valid_from": term.valid_from, "valid_to": term.valid_to, "acting": term.acting})
    return sorted(rows, key=lambda r: (r["office"], r["valid_from"]), reverse=False)


def actor_profile(actor_id: str) -> dict:
    """The KB's knowledge of one actor: names, links over time, office terms."""
    from ..kb import get_kb

    kb = get_kb()
    actor = kb.actors.get(actor_id)
    if actor is None:
        raise NotFound(f"no actor with id {actor_id!r} in the knowledge base")
    members = [_ref(kb, member, link.valid_from, link.valid_to, link.note)
               for member, link in kb.members_of.get(actor_id, [])]
    return {
        "id": actor.id, "name": actor.name, "kind": actor.kind, "country": actor.country,
        "aliases": actor.aliases, "description": actor.description, "source": actor.source,
        "valid_from": actor.valid_from, "valid_to": actor.valid_to,
        "forces_of": _ref(kb, actor.forces_of) if actor.forces_of else None,
        "member_of": [_link(kb, link) for link in actor.member_of],
        "members": sorted(members, key=lambda m: m["name"]),
        "backed_by": [_link(kb, link) for link in actor.backed_by],
        "allied_with": [_link(kb, link) for link in actor.allied_with],
        "leads": [_link(kb, link) for link in actor.leads],
        "led_by": sorted((_ref(kb, person.id, link.valid_from, link.valid_to, link.note)
                          for person in kb.actors.values() for link in person.leads if link.id == actor_id),
                         key=lambda r: (str(r["valid_from"] or ""), r["name"])),
        "office_holders": _office_holders(kb, actor),
    }


@router.get("/actors/{actor_id}", summary="An actor of the knowledge base: aliases, memberships over time, events")
def get_actor(actor_id: str, include_members: bool = Query(False, description="count the events of its members "
                                                                               "(umbrella) or umbrellas (member)"),
              limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0),
              svc: Services = Depends(services)):
    from ..store import EventFilter

    profile = actor_profile(actor_id)
    f = EventFilter(actor=actor_id, include_members=include_members)
    items, total = svc.store.events(f, limit=limit, offset=offset)
    stats = svc.store.stats(f)
    profile["events"] = _page(items, total, limit, offset, include_members=include_members)
    profile["events_by_week"] = stats.get("by_week", {})
    return profile


@router.get("/documents", summary="Stored documents, newest first")
def list_documents(limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0),
                   svc: Services = Depends(services)):
    items, total = svc.store.documents(limit, offset)
    return _page(items, total, limit, offset)


@router.get("/documents/{document_id}", summary="A stored document: its text and everything extracted from it")
def get_document(document_id: str, svc: Services = Depends(services)):
    document = svc.store.document(document_id)
    if document is None:
        raise NotFound(f"no document with id {document_id!r}")
    return document


@router.post("/documents", status_code=201, dependencies=[Depends(require_token)],
             summary="Extract an article and store it (needs the bearer token when the server has one)")
def ingest_document(article: ArticleIn, response: Response, svc: Services = Depends(services)):
    document = _document(article, svc)
    extraction = svc.extract(document)
    status = svc.store.ingest(document, extraction)
    stored = svc.store.document(document.id) or {}
    if status != "new":
        response.status_code = 200
    response.headers["Location"] = f"/api/documents/{document.id}"
    return {"id": document.id, "status": status, "events": stored.get("events", []),
            "extracted_events": len(extraction.events), "url": f"/documents/{document.id}"}


@router.post("/extract", summary="Extract an article without storing it")
def extract(article: ArticleIn, svc: Services = Depends(services)):
    document = _document(article, svc)
    return svc.extract(document).model_dump(mode="json")


@router.get("/stats", summary="Counts of the events matching the filters: by type, country, actor, week, day")
def stats(q: EventQuery = Depends(event_query), svc: Services = Depends(services)):
    f = q.to_filter()
    return svc.store.stats(f)


@router.get("/flags", summary="Flags raised by the checks (e.g. an office holder who did not hold office then)")
def flags(limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0), svc: Services = Depends(services)):
    items, total = svc.store.flags(limit, offset)
    return _page(items, total, limit, offset)


@router.get("/export", summary="The events matching the filters as a file: acled-csv, geojson, parquet or jsonl",
            response_class=Response, responses={200: {"content": {m: {} for m, _ in EXPORTS.values()}}})
def export(format: str = Query("acled-csv", description=", ".join(EXPORTS)), q: EventQuery = Depends(event_query),
           svc: Services = Depends(services)):
    from ..export import write_export

    if format not in EXPORTS:
        raise BadRequest(f"format: {format!r} is not one of {', '.join(EXPORTS)}")
    f = q.to_filter()
    media_type, extension = EXPORTS[format]
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    try:
        write_export(svc.store.iter_events(f), format, spool)
        spool.seek(0)
    except Exception:
        spool.close()
        raise

    def chunks():
        with spool:
            while block := spool.read(64 * 1024):
                yield block

    headers = {"Content-Disposition": f'attachment; filename="conflictlens-events.{extension}"'}
    return StreamingResponse(chunks(), media_type=media_type, headers=headers)


@router.get("/health", include_in_schema=False)
def health(request: Request):
    return JSONResponse({"ok": True, "token_required": request.app.state.services.token is not None})
