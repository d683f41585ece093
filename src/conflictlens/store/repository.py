"""The store: documents and their extractions in, merged events out (the API of store/__init__.py).

Each document is stored in one transaction together with the merging of its reports, so a
crash loses at most the document in flight; writers are serialised (engine.write_lock).
Candidate events for merging come from the spatial/date index (R*Tree on SQLite, PostGIS
GiST on PostgreSQL), never a scan of the events table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any, Optional

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from ..kb import KnowledgeBase, get_kb
from ..model import Document, Extraction
from . import merge as merging
from .engine import StoreError, make_engine, migrate, write_lock, writer
from .filters import BOX_MARGIN, EventFilter, conditions, near_bounds
from .schema import (DocumentRow, EventActorRow, EventRow, FlagRow, MentionRow, RelationRow, ReportRow,
                     StatementRow, TallyRow)

log = logging.getLogger(__name__)

REPLAY_LIMIT = 100   # most stored reports one ingest merges again (about a second) to equal `merge --rebuild`
SORTS = {"date": EventRow.date, "fatalities": EventRow.fatalities, "sources": EventRow.n_sources,
         "type": EventRow.event_type, "country": EventRow.country, "id": EventRow.id}


def text_hash(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _flag_dict(row: FlagRow) -> dict[str, Any]:
    return {**row.data, "document_id": row.document_id}


class Store:
    """One database of documents, reports and merged events."""

    def __init__(self, url: str | None = None, kb: KnowledgeBase | None = None):
        self.engine = make_engine(url)
        self.writer = writer(self.engine)
        self.dialect = self.engine.dialect.name
        self.kb = kb or get_kb()
        self.out_of_order = 0   # documents this Store merged without replaying the reports after them
        try:
            migrate(self.engine)
        except (OperationalError, DBAPIError) as exc:
            self.engine.dispose()
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
            raise StoreError(f"cannot open the database {self.engine.url.render_as_string()}: {reason}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing --------------------------------------------------------------------------

    def known(self, document: Document) -> bool:
        """True when this exact document (same URL and text, or same text) is stored: ingest would change nothing."""
        digest = text_hash(document.text)
        with Session(self.engine) as session:
            query = select(DocumentRow.id).where(DocumentRow.text_hash == digest).limit(1)
            return session.execute(query).first() is not None

    def ingest(self, document: Document, extraction: Extraction) -> str:
        """Store one document and its extraction and merge its events: 'new', 'unchanged' or 'updated'.

        Same text (by hash) as a stored document: nothing changes. Same URL with another text:
        the stored version and everything extracted from it are replaced.
        """
        digest = text_hash(document.text)
        with self.writer.begin() as conn:
            write_lock(conn)
            if conn.execute(select(DocumentRow.id).where(DocumentRow.text_hash == digest).limit(1)).first():
                return "unchanged"
            old = None
            if document.url:
                old = conn.scalar(select(DocumentRow.id).where(DocumentRow.url == document.url).limit(1))
            old = old or conn.scalar(select(DocumentRow.id).where(DocumentRow.id == document.id))
            status = "new"
            touched: set[int] = set()
            removed_keys: list[str] = []
            if old is not None:
                status = "updated"
                touched, removed_keys = self._remove_document(conn, old)
            merger = _Merger(conn, self.kb)
            new = self._add_document(merger, document, extraction, digest)
            keys = [merger.reports[i].sort_key for i in new] + removed_keys
            later = self._later_reports(conn, min(keys), document.id) if keys else []
            if later is None:           # too many to replay: merged as if last, until `merge --rebuild`
                self.out_of_order += 1
                log.info("%s comes before more than %d stored reports in sort order: merged without replaying "
                         "them (run `conflictlens merge --rebuild`)", document.id, REPLAY_LIMIT)
                later = []
            replayed = [report_id for report_id, _ in later]   # merged again below, each in its sort-order place
            if replayed:
                touched.update(pk for _, pk in later)
                conn.execute(update(ReportRow).where(ReportRow.id.in_(replayed)).values(event_pk=None))
                merger.load(ReportRow.id.in_(replayed))
            merger.refresh(touched - {None})
            for report_id in sorted([*new, *replayed], key=lambda i: merger.reports[i].sort_key):
                merger.merge(report_id)
            return status

    @staticmethod
    def _later_reports(conn: Connection, key: str, document_id: str) -> Optional[list[tuple[int, Optional[int]]]]:
        """Stored reports after `key` in sort order (other than the document's), as (id, event_pk); None when
        over REPLAY_LIMIT.

        Ingest detaches and merges them again after the new reports, so that every report is merged
        against exactly the events of the reports before it, as `merge --rebuild` does: the events
        then do not depend on the order documents came in. Documents arriving in publication order
        have none to replay.
        """
        query = (select(ReportRow.id, ReportRow.event_pk)   # sort_key: bytewise on both databases (migration 0002)
                 .where(ReportRow.sort_key > key, ReportRow.document_id != document_id).limit(REPLAY_LIMIT + 1))
        rows = conn.execute(query).all()
        return None if len(rows) > REPLAY_LIMIT else rows

    @staticmethod
    def _remove_document(conn: Connection, document_id: str) -> tuple[set[int], list[str]]:
        """Delete a stored version; return the events that lost reports (to recompose or drop) and their keys."""
        lost = conn.execute(select(ReportRow.event_pk, ReportRow.sort_key)
                            .where(ReportRow.document_id == document_id)).all()
        touched = {pk for pk, _ in lost if pk is not None}
        for model in (ReportRow, MentionRow, TallyRow, StatementRow, RelationRow, FlagRow):
            conn.execute(delete(model).where(model.document_id == document_id))
        conn.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
        return touched, [key for _, key in lost]

    @staticmethod
    def _add_document(merger: "_Merger", document: Document, extraction: Extraction, digest: str) -> list[int]:
        """Insert the document and its rows, one executemany per table (an ORM object per row cost more than
        the rest of ingest); return the ids of its reports, which the merger knows without reading them back."""
        conn, info = merger.conn, extraction.document
        data = extraction.model_dump(mode="json")
        published = document.published or info.published
        title, outlet = info.title or document.title, info.outlet or document.outlet
        conn.execute(insert(DocumentRow).values(
            id=document.id, url=document.url, text_hash=digest, title=title, outlet=outlet, published=published,
            language=document.language, origin=document.origin, text=document.text, extraction=data,
            ingested_at=dt.datetime.now(dt.timezone.utc)))
        children = {   # the query columns of each table, from its item
            MentionRow: (data["mentions"], lambda m: {"kind": m["kind"], "text": m["text"], "kb_id": m.get("kb_id")}),
            TallyRow: (data["tallies"], lambda t: {"count": t["count"], "what": t["what"]}),
            StatementRow: (data["statements"], lambda s: {"kind": s["kind"]}),
            RelationRow: (data["relations"], lambda r: {"predicate": r["predicate"],
                                                        "subject_kb_id": r["subject"].get("kb_id"),
                                                        "object_kb_id": r["object"].get("kb_id")}),
            FlagRow: (data["flags"], lambda f: {"kind": f["kind"], "message": f["message"]}),
        }
        for model, (items, columns) in children.items():
            if items:
                conn.execute(insert(model), [{"document_id": document.id, "ordinal": i, **columns(item), "data": item}
                                             for i, item in enumerate(items)])
        if not data["events"]:
            return []
        rows = [{"document_id": document.id, "ordinal": i, "data": e,
                 "sort_key": merging.sort_key(published, document.id, i)} for i, e in enumerate(data["events"])]
        ids = list(conn.scalars(insert(ReportRow).returning(ReportRow.id, sort_by_parameter_order=True), rows))
        merger.flags[document.id] = data["flags"]
        for report_id, row in zip(ids, rows):
            merger.reports[report_id] = merging.Report(
                document_id=document.id, ordinal=row["ordinal"], event=row["data"], published=published,
                url=document.url, title=title, outlet=outlet, flags=data["flags"])
        return ids

    def merge(self, rebuild: bool = False) -> int:
        """Merge reports not yet in an event; with rebuild, redo every event from all reports in sort order.

        A rebuild depends on the stored reports alone (not on the order they came in, earlier ids or
        the database): each report, in sort order, joins its best match among the events of the
        reports before it, and every event takes the id of its first report (new_event_id).
        """
        with self.writer.begin() as conn:
            write_lock(conn)
            if rebuild:
                conn.execute(update(ReportRow).values(event_pk=None))
                conn.execute(delete(EventActorRow))
                conn.execute(delete(EventRow))
            merger = _Merger(conn, self.kb)
            pending = merger.load(ReportRow.event_pk.is_(None))
            # sorted here, not by ORDER BY: PostgreSQL would compare the keys by the database's collation
            for report_id in sorted(pending, key=lambda i: merger.reports[i].sort_key):
                merger.merge(report_id)
            return conn.scalar(select(func.count()).select_from(EventRow)) or 0

    # ---- reading ----------------------------------------------------------------------------

    def _where(self, f: EventFilter | None):
        return conditions(f or EventFilter(), self.kb, self.dialect)

    def events(self, f: EventFilter | None = None, limit: int = 100, offset: int = 0, sort: str = "date",
               descending: bool = True) -> tuple[list[dict], int]:
        """One page of merged events matching the filter, and how many match in all."""
        if sort not in SORTS:
            raise ValueError(f"sort: {sort!r} is not one of {', '.join(SORTS)}")
        where = self._where(f)
        column = SORTS[sort]
        order = [column.desc().nulls_last() if descending else column.asc().nulls_last(), EventRow.id]
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(EventRow).where(*where)) or 0
            rows = session.scalars(select(EventRow.data).where(*where).order_by(*order).limit(limit).offset(offset))
            return list(rows), total

    def iter_events(self, f: EventFilter | None = None, batch: int = 500) -> Iterator[dict]:
        """Every matching event, oldest first, read in pages (for exports)."""
        where = self._where(f)
        with Session(self.engine) as session:
            result = session.execute(select(EventRow.data).where(*where)
                                     .order_by(EventRow.date.asc().nulls_last(), EventRow.id)
                                     .execution_options(yield_per=batch))
            for (data,) in result:
                yield data

    def event(self, event_id: str) -> Optional[dict]:
        with Session(self.engine) as session:
            return session.scalar(select(EventRow.data).where(EventRow.id == event_id))

    def document(self, document_id: str) -> Optional[dict]:
        with Session(self.engine) as session:
            row = session.get(DocumentRow, document_id)
            if row is None:
                return None
            events = session.scalars(select(EventRow.id).join(ReportRow, ReportRow.event_pk == EventRow.pk)
                                     .where(ReportRow.document_id == document_id).distinct().order_by(EventRow.id))
            return {"document": self._document_info(row), "text": row.text, "extraction": row.extraction,
                    "events": list(events)}

    @staticmethod
    def _document_info(row: DocumentRow) -> dict:
        return {"id": row.id, "url": row.url, "title": row.title, "outlet": row.outlet,
                "published": row.published.isoformat() if row.published else None, "language": row.language}

    def documents(self, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
            n_reports = (select(func.count()).select_from(ReportRow).where(ReportRow.document_id == DocumentRow.id)
                         .correlate(DocumentRow).scalar_subquery())
            columns = (DocumentRow.id, DocumentRow.url, DocumentRow.title, DocumentRow.outlet, DocumentRow.published,
                       DocumentRow.language, n_reports.label("n_events"))
            rows = session.execute(select(*columns).order_by(DocumentRow.published.desc().nulls_last(), DocumentRow.id)
                                   .limit(limit).offset(offset))
            return [{**self._document_info(row), "n_events": row.n_events or 0} for row in rows], total

    def flags(self, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(FlagRow)) or 0
            rows = session.scalars(select(FlagRow).order_by(FlagRow.document_id, FlagRow.ordinal)
                                   .limit(limit).offset(offset))
            return [_flag_dict(r) for r in rows], total

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (documents, reports, events, ...)."""
        with Session(self.engine) as session:
            return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                    for model in (DocumentRow, ReportRow, EventRow, MentionRow, TallyRow, StatementRow,
                                  RelationRow, FlagRow)}

    def stats(self, f: EventFilter | None = None) -> dict:
        """Counts of matching events by type, country, actor (actor1/actor2), ISO week (Monday) and day."""
        where = self._where(f)
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(EventRow).where(*where)) or 0

            def grouped(column, *extra):
                query = select(column, func.count()).where(*where, *extra).group_by(column)
                return {k: n for k, n in session.execute(query) if k is not None}

            by_type = grouped(EventRow.event_type)
            by_country = grouped(EventRow.country)
            by_day_raw = grouped(EventRow.date)
            actor_query = (select(EventActorRow.display, func.count(func.distinct(EventActorRow.event_pk)))
                           .join(EventRow, EventRow.pk == EventActorRow.event_pk)
                           .where(*where, EventActorRow.role.in_(("actor1", "actor2")))
                           .group_by(EventActorRow.display))
            by_actor = dict(session.execute(actor_query).all())
        by_day = {day.isoformat(): n for day, n in sorted(by_day_raw.items())}
        by_week: Counter[str] = Counter()
        for day, n in by_day_raw.items():
            by_week[(day - dt.timedelta(days=day.weekday())).isoformat()] += n

        def ranked(counts: dict) -> dict:
            return dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))

        return {"total": total, "by_type": ranked(by_type), "by_country": ranked(by_country),
                "by_actor": ranked(by_actor), "by_week": dict(sorted(by_week.items())), "by_day": by_day}


class _Merger:
    """Merging reports into events within one writing transaction (ingest or merge), in Core statements.

    An ingest composes an event each time a report joins it, and composing reads every report of the
    event with its document and flags: the merger builds each report (merging.Report) from its rows
    once per transaction and keeps it, instead of loading ORM rows at every compose. It lives for one
    transaction only: an update deletes the old version's reports before anything is read.
    """

    # The statements run for every report, built once with bound parameters: building a statement and
    # its cache key anew each time cost more than the database took to run it.
    ATTACH = update(ReportRow).where(ReportRow.id == bindparam("report_id"))      # SET event_pk
    MEMBERS = select(ReportRow.id).where(ReportRow.event_pk == bindparam("pk"))
    FIRST_KEYS = (select(ReportRow.event_pk, ReportRow.sort_key)
                  .where(ReportRow.event_pk.in_(bindparam("pks", expanding=True))))
    EVENTS = (select(EventRow.pk, EventRow.id, EventRow.data, EventRow.day_from, EventRow.day_to)
              .where(EventRow.pk.in_(bindparam("pks", expanding=True))).order_by(EventRow.id))
    ID_TAKEN = select(EventRow.pk).where(EventRow.id == bindparam("event_id"))
    NEW_EVENT = insert(EventRow)
    UPDATE_EVENT = update(EventRow).where(EventRow.pk == bindparam("event_pk"))   # SET every composed column
    DELETE_ACTORS = delete(EventActorRow).where(EventActorRow.event_pk == bindparam("pk"))
    INSERT_ACTORS = insert(EventActorRow)
    NEAR = {  # events near a point in a date window, from the spatial index; it only narrows, the rules decide
        # PostGIS: a 1 % wider radius than the rules allow (haversine)
        # and the day-range overlap that, with the place, makes the GiST index ix_events_geog_days (migration 0003)
        "postgresql": text("SELECT pk FROM events WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
                           "::geography, :m, false) AND daterange(LEAST(day_from, day_to), GREATEST(day_from, day_to), "
                           "'[]') && daterange(LEAST(CAST(:d0 AS date), CAST(:d1 AS date)), GREATEST(CAST(:d0 AS date), "
                           "CAST(:d1 AS date)), '[]') "
                           "AND day_from <= :d1 AND day_to >= :d0"),
        "sqlite": text("SELECT pk FROM event_rtree WHERE lat1 >= :s AND lat0 <= :n AND lon1 >= :w AND lon0 <= :e "
                       "AND day1 >= julianday(:d0) AND day0 <= julianday(:d1)"),
    }

    def __init__(self, conn: Connection, kb: KnowledgeBase):
        self.conn, self.kb = conn, kb
        self.reports: dict[int, merging.Report] = {}    # by report id
        self.flags: dict[str, list[dict]] = {}           # a document's office-holder flags, by document id

    def load(self, where) -> list[int]:
        """Read the reports matching `where` (those not read yet) with their documents; return their ids."""
        query = (select(ReportRow.id, ReportRow.document_id, ReportRow.ordinal, ReportRow.data, DocumentRow.published,
                        DocumentRow.url, DocumentRow.title, DocumentRow.outlet)
                 .join(DocumentRow, DocumentRow.id == ReportRow.document_id).where(where))
        ids = []
        for row in self.conn.execute(query).all():
            ids.append(row.id)
            if row.id not in self.reports:
                self.reports[row.id] = merging.Report(
                    document_id=row.document_id, ordinal=row.ordinal, event=row.data, published=row.published,
                    url=row.url, title=row.title, outlet=row.outlet, flags=self._flags(row.document_id))
        return ids

    def _flags(self, document_id: str) -> list[dict]:
        if document_id not in self.flags:
            self.flags[document_id] = list(self.conn.scalars(
                select(FlagRow.data).where(FlagRow.document_id == document_id).order_by(FlagRow.ordinal)))
        return self.flags[document_id]

    def _members(self, pk: int) -> list[merging.Report]:
        """The reports of an event, in sort order."""
        ids = list(self.conn.scalars(self.MEMBERS, {"pk": pk}))
        missing = [i for i in ids if i not in self.reports]
        if missing:
            self.load(ReportRow.id.in_(missing))
        return sorted((self.reports[i] for i in ids), key=lambda r: r.sort_key)

    def candidates(self, report: merging.Report) -> list[merging.Candidate]:
        """Events near the report in place and time, from the spatial/date index."""
        window, loc = report.window, report.event.get("location")
        if window is None or not loc:
            return []
        day_from, day_to = window[0] - merging.DATE_TOLERANCE, window[1] + merging.DATE_TOLERANCE
        dialect = self.conn.dialect.name
        if dialect == "postgresql":
            params = {"lat": loc["lat"], "lon": loc["lon"], "d0": day_from, "d1": day_to,
                      "m": merging.MAX_RADIUS_KM * 1000.0 * BOX_MARGIN}
        else:
            south, north, west, east = near_bounds(loc["lat"], loc["lon"], merging.MAX_RADIUS_KM)
            params = {"s": south, "n": north, "w": west, "e": east,
                      "d0": day_from.isoformat(), "d1": day_to.isoformat()}
        pks = [row[0] for row in self.conn.execute(self.NEAR[dialect], params)]
        if not pks:
            return []
        first_keys: dict[int, str] = {}
        for pk, key in self.conn.execute(self.FIRST_KEYS, {"pks": pks}):
            if pk not in first_keys or key < first_keys[pk]:     # compared in Python: no database collation
                first_keys[pk] = key
        rows = self.conn.execute(self.EVENTS, {"pks": pks})
        return [merging.Candidate(pk=r.pk, id=r.id, data=r.data, day_from=r.day_from, day_to=r.day_to,
                                  first_key=first_keys.get(r.pk, "")) for r in rows]

    def merge(self, report_id: int) -> None:
        """Attach a report to the best matching event, or found a new event with it."""
        report = self.reports[report_id]
        candidate = merging.best_candidate(report, self.candidates(report), self.kb)
        if candidate is not None:
            self.conn.execute(self.ATTACH, {"report_id": report_id, "event_pk": candidate.pk})
            self.compose(candidate.pk, candidate.id)
            return
        event_id = merging.new_event_id(report)
        while self.conn.execute(self.ID_TAKEN, {"event_id": event_id}).first():
            event_id = "ev_" + hashlib.sha1(event_id.encode()).hexdigest()[:12]   # taken: derive another, stably
        columns, actors = self._composed(event_id, [report])     # its one report is all a new event has
        pk = self.conn.execute(self.NEW_EVENT, {"id": event_id, **columns}).inserted_primary_key[0]
        self.conn.execute(self.ATTACH, {"report_id": report_id, "event_pk": pk})
        self._write_actors(pk, actors)

    def refresh(self, pks: set[int]) -> None:
        """Recompose the events that lost or gave up reports; drop those left with none."""
        if not pks:
            return
        for pk, event_id in self.conn.execute(select(EventRow.pk, EventRow.id).where(EventRow.pk.in_(pks))
                                              .order_by(EventRow.pk)).all():
            if self.conn.execute(self.MEMBERS, {"pk": pk}).first():
                self.compose(pk, event_id)
            else:
                self.conn.execute(delete(EventRow).where(EventRow.pk == pk))   # its actor rows go by cascade

    def compose(self, pk: int, event_id: str) -> None:
        """Recompute a merged event's fields, index columns and actor rows from its reports."""
        columns, actors = self._composed(event_id, self._members(pk))
        self.conn.execute(self.UPDATE_EVENT, {"event_pk": pk, **columns})
        self.conn.execute(self.DELETE_ACTORS, {"pk": pk})
        self._write_actors(pk, actors)

    def _write_actors(self, pk: int, actors: list[dict]) -> None:
        if actors:
            self.conn.execute(self.INSERT_ACTORS, [{"event_pk": pk, **actor} for actor in actors])

    def _composed(self, event_id: str, reports: list[merging.Report]) -> tuple[dict[str, Any], list[dict]]:
        """The events row (but its id) and the actor rows (but event_pk) of the event of these sorted reports."""
        merged = merging.compose(reports, self.kb)
        window = merging.window_of(merged, reports)
        loc = merged.get("location") or {}
        when = merged.get("date") or {}
        day = when.get("date") or when.get("earliest") or when.get("latest")
        names = []
        actors: list[dict] = []
        seen = set()
        for role in ("actor1", "actor2", "claimed_by", "assoc_actor1", "assoc_actor2"):
            value = merged.get(role)
            for actor in (value if isinstance(value, list) else [value] if value else []):
                name = " ".join(str(actor.get("name") or "").lower().split())[:256]
                names.append(actor.get("name") or "")
                if not name or (role, name) in seen:
                    continue
                seen.add((role, name))
                actors.append({"role": role, "name": name, "kb_id": actor.get("kb_id"),
                               "display": actor.get("name") or name})
        # the actors of every report too, so that a query finds an event by any actor a source named
        for report in reports:
            for role in ("actor1", "actor2"):
                actor = report.event.get(role)
                if actor and actor.get("name"):
                    name = " ".join(actor["name"].lower().split())[:256]
                    if ("reported", name) not in seen:
                        seen.add(("reported", name))
                        actors.append({"role": "reported", "name": name, "kb_id": actor.get("kb_id"),
                                       "display": actor["name"]})
        evidence = (merged.get("evidence") or {}).get("text") or ""
        columns = {
            "event_type": merged["event_type"], "sub_event_type": merged["sub_event_type"],
            "day_from": window[0] if window else None, "day_to": window[1] if window else None,
            "date": dt.date.fromisoformat(day) if day else (window[0] if window else None),
            "lat": loc.get("lat"), "lon": loc.get("lon"), "precision": loc.get("precision"),
            "country": loc.get("country"), "fatalities": merged.get("fatalities"), "n_sources": merged["n_sources"],
            "search_text": " ".join([*names, loc.get("name") or "", evidence, merged["event_type"],
                                     merged["sub_event_type"]]).lower(),
            "data": {"id": event_id, **merged},
        }
        return columns, actors
