"""The HTML pages: server-rendered Jinja2 templates plus small vanilla JS (all served locally)."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..taxonomy import ACLED_TYPES, EVENT_TYPES
from .app import WEB_DIR
from .errors import NotFound
from .filters import SORT_FIELDS
from .highlight import evidence_segments, mention_marks, segments
from .routes import actor_profile
from .services import Services, services

log = logging.getLogger(__name__)

templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
router = APIRouter(include_in_schema=False)

# One colour per ACLED event type, by the type's place in the taxonomy (markers, bars, badges).
PALETTE = ("#c0392b", "#e67e22", "#8e44ad", "#27ae60", "#d81b60", "#2471a3", "#7f8c8d")
TYPE_COLOURS = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(EVENT_TYPES)}

# The fields of an event in the order the event page lists them.
EVENT_FIELDS = ("event_type", "sub_event_type", "plover", "date", "location", "actor1", "assoc_actor1",
                "actor2", "assoc_actor2", "fatalities", "claimed_by", "attribution", "confidence")


def _render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    svc: Services = request.app.state.services
    context.setdefault("title", "conflictlens")
    return templates.TemplateResponse(request, name, {"token_required": svc.token is not None,
                                                      "acled_types": ACLED_TYPES, "type_colours": TYPE_COLOURS,
                                                      **context}, status_code=status_code)


def html_error(request: Request, status: int, message: str) -> HTMLResponse:
    return _render(request, "error.html", status_code=status, title=f"{status} · conflictlens", status=status,
                   message=message)


def _pager(request: Request, total: int, limit: int, offset: int) -> dict:
    def link(to: int) -> str:
        params = dict(request.query_params)
        params["offset"] = str(to)
        return f"{request.url.path}?{urlencode(params)}"

    return {"total": total, "first": offset + 1 if total else 0, "last": min(offset + limit, total),
            "prev": link(max(offset - limit, 0)) if offset > 0 else None,
            "next": link(offset + limit) if offset + limit < total else None}


@router.get("/", response_class=HTMLResponse)
def explore(request: Request):
    """Map, timeline and table over shared filters (filled in the browser from /api)."""
    return _render(request, "explore.html", title="Explore · conflictlens", sort_fields=SORT_FIELDS)


def _reports_by_document(event: dict) -> dict[str, dict]:
    return {r.get("document_id"): r for r in event.get("reports") or []}


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, svc: Services = Depends(services)):
    event = svc.store.event(event_id)
    if event is None:
        raise NotFound(f"no event with id {event_id!r}")
    reports = event.get("reports") or []
    for report in reports:
        report["segments"] = evidence_segments(report.get("event") or {})
    conflicts = {c["field"]: c for c in event.get("conflicts") or []}
    # The merged fields may come from different articles; the sentence is shown with the roles its own report found.
    lead = next((r for r in reports if (r.get("event") or {}).get("evidence") == event.get("evidence")),
                reports[0] if reports else None)
    return _render(request, "event.html", title=f"{event.get('sub_event_type')} · conflictlens", event=event,
                   fields=EVENT_FIELDS, reports=reports, by_document=_reports_by_document(event),
                   provenance=event.get("provenance") or {}, conflicts=conflicts,
                   lead=lead, segments=lead["segments"] if lead else evidence_segments(event))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                   svc: Services = Depends(services)):
    items, total = svc.store.documents(limit, offset)
    return _render(request, "documents.html", title="Articles · conflictlens", documents=items,
                   pager=_pager(request, total, limit, offset))


def _trigger_links(svc: Services, document_id: str, merged_ids: list[str]) -> dict[tuple[int, int], str]:
    """Trigger spans of this document → the page of the merged event its report went into."""
    links = {}
    for event_id in merged_ids:
        event = svc.store.event(event_id)
        for report in (event or {}).get("reports") or []:
            trigger = (report.get("event") or {}).get("trigger") or {}
            if report.get("document_id") == document_id and isinstance(trigger.get("start"), int):
                links[(trigger["start"], trigger["end"])] = f"/events/{event_id}"
    return links


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str, svc: Services = Depends(services)):
    stored = svc.store.document(document_id)
    if stored is None:
        raise NotFound(f"no document with id {document_id!r}")
    extraction = stored.get("extraction") or {}
    merged = stored.get("events") or []
    links = _trigger_links(svc, document_id, merged)
    marks = mention_marks(extraction.get("mentions") or [], links)
    kinds = sorted({m.kind for m in marks})
    info = stored.get("document") or {}
    return _render(request, "document.html", title=f"{info.get('title') or document_id} · conflictlens",
                   info=info, text_segments=segments(stored.get("text") or "", marks), kinds=kinds,
                   extraction=extraction, merged=merged, event_links=links)


def _weekly_bars(by_week: dict[str, int], width: int = 640, height: int = 90) -> dict:
    """Bars of an events-per-week chart, drawn as plain SVG by the template."""
    if not by_week:
        return {"bars": [], "width": width, "height": height}
    weeks = sorted(dt.date.fromisoformat(w) for w in by_week)
    first, last = weeks[0], weeks[-1]
    span = max((last - first).days // 7 + 1, 1)
    step = min(width / span, 28.0)
    peak = max(by_week.values())
    bars = []
    for week, count in sorted(by_week.items()):
        index = (dt.date.fromisoformat(week) - first).days // 7
        h = max(2.0, (height - 16) * count / peak)
        bars.append({"x": round(index * step, 1), "y": round(height - 14 - h, 1), "w": round(max(step - 2, 2), 1),
                     "h": round(h, 1), "week": week, "count": count})
    return {"bars": bars, "width": width, "height": height, "first": first.isoformat(), "last": last.isoformat()}


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: str, include_members: bool | None = Query(None),
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
               svc: Services = Depends(services)):
    from ..kb import get_kb
    from ..store import EventFilter

    profile = actor_profile(actor_id)
    if include_members is None:   # an umbrella's page is about its members' events too
        include_members = bool(profile["members"])
    kb = get_kb()
    tree = [{**m, "members": [{"id": sub, "name": kb.actors[sub].name, "valid_from": link.valid_from,
                               "valid_to": link.valid_to} for sub, link in kb.members_of.get(m["id"], [])]}
            for m in profile["members"]]
    f = EventFilter(actor=actor_id, include_members=include_members)
    items, total = svc.store.events(f, limit=limit, offset=offset)
    stats = svc.store.stats(f)
    return _render(request, "actor.html", title=f"{profile['name']} · conflictlens", actor=profile, tree=tree,
                   events=items, pager=_pager(request, total, limit, offset), include_members=include_members,
                   chart=_weekly_bars(stats.get("by_week") or {}))


@router.get("/extract", response_class=HTMLResponse)
def paste_page(request: Request):
    return _render(request, "paste.html", title="Paste an article · conflictlens", today=dt.date.today().isoformat())


@router.get("/flags", response_class=HTMLResponse)
def flags_page(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
               svc: Services = Depends(services)):
    items, total = svc.store.flags(limit, offset)
    return _render(request, "flags.html", title="Flags · conflictlens", flags=items,
                   pager=_pager(request, total, limit, offset))
