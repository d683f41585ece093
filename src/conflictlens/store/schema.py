"""The event store's tables as SQLAlchemy 2 models (the same schema on SQLite and PostgreSQL).

A *document* is one stored article and its extraction; each event the pipeline found in it is
a *report*; reports of the same real-world event are merged into one *event* (store/merge.py).
Spatial indexes are not mapped here: the migrations add them (an R*Tree on SQLite, a PostGIS
geography column with a GiST index on PostgreSQL) and keep them in step with triggers or a
generated column, so the ORM never writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """One article: metadata, text, and its whole extraction (the contract Extraction as JSON)."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[Optional[str]] = mapped_column(Text, index=True)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[Optional[str]] = mapped_column(Text)
    outlet: Mapped[Optional[str]] = mapped_column(Text)
    published: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    language: Mapped[Optional[str]] = mapped_column(String(16))
    origin: Mapped[Optional[str]] = mapped_column(Text)
    # deferred: merging loads the documents of many reports and needs neither (loaded when read)
    text: Mapped[str] = mapped_column(Text, deferred=True)
    extraction: Mapped[dict[str, Any]] = mapped_column(JSONType, deferred=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    reports: Mapped[list["ReportRow"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                      passive_deletes=True)


class _DocumentChild:
    """Rows that belong to one document and go when it goes (an updated article replaces them)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class MentionRow(_DocumentChild, Base):
    __tablename__ = "mentions"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    kb_id: Mapped[Optional[str]] = mapped_column(String(128), index=True)


class TallyRow(_DocumentChild, Base):
    __tablename__ = "tallies"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(Text)


class StatementRow(_DocumentChild, Base):
    __tablename__ = "statements"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))


class RelationRow(_DocumentChild, Base):
    __tablename__ = "relations"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    predicate: Mapped[str] = mapped_column(String(32))
    subject_kb_id: Mapped[Optional[str]] = mapped_column(String(128))
    object_kb_id: Mapped[Optional[str]] = mapped_column(String(128))


class FlagRow(_DocumentChild, Base):
    __tablename__ = "flags"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(Text)


class EventRow(Base):
    """A merged real-world event; `data` caches the whole event dict the API serves."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_days", "day_from", "day_to"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    sub_event_type: Mapped[str] = mapped_column(String(64), index=True)
    date: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    day_from: Mapped[Optional[dt.date]] = mapped_column(Date)
    day_to: Mapped[Optional[dt.date]] = mapped_column(Date)
    lat: Mapped[Optional[float]] = mapped_column(Float)
    lon: Mapped[Optional[float]] = mapped_column(Float)
    precision: Mapped[Optional[int]] = mapped_column(Integer)
    country: Mapped[Optional[str]] = mapped_column(String(2), index=True)
    fatalities: Mapped[Optional[int]] = mapped_column(Integer)
    n_sources: Mapped[int] = mapped_column(Integer, default=1)
    search_text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)

    reports: Mapped[list["ReportRow"]] = relationship(back_populates="event")
    actors: Mapped[list["EventActorRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class ReportRow(Base):
    """One event as one document reported it (a contract Event), and the merged event it belongs to."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    event_pk: Mapped[Optional[int]] = mapped_column(ForeignKey("events.pk", ondelete="SET NULL"), index=True)
    sort_key: Mapped[str] = mapped_column(String(96), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)

    document: Mapped[DocumentRow] = relationship(back_populates="reports")
    event: Mapped[Optional[EventRow]] = relationship(back_populates="reports")


class EventActorRow(Base):
    """Who took part in a merged event, by role: the index behind --actor filters and actor stats."""

    __tablename__ = "event_actors"

    event_pk: Mapped[int] = mapped_column(ForeignKey("events.pk", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # actor1, assoc_actor1, actor2, ...
    name: Mapped[str] = mapped_column(String(256), primary_key=True)  # lower-cased display name
    kb_id: Mapped[Optional[str]] = mapped_column(String(128), index=True)
    display: Mapped[str] = mapped_column(Text)


Index("ix_event_actors_name", EventActorRow.name)
