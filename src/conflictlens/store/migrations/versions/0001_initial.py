"""The initial schema: documents and what was extracted from them, reports, merged events, spatial indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def _child(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        *columns,
        sa.Column("data", JSONType, nullable=False),
    )
    op.create_index(f"ix_{name}_document_id", name, ["document_id"])


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("language", sa.String(16)),
        sa.Column("origin", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("extraction", JSONType, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_url", "documents", ["url"])
    op.create_index("ix_documents_text_hash", "documents", ["text_hash"])
    op.create_index("ix_documents_published", "documents", ["published"])
    _child("mentions", sa.Column("kind", sa.String(16), nullable=False), sa.Column("text", sa.Text, nullable=False),
           sa.Column("kb_id", sa.String(128)))
    op.create_index("ix_mentions_kb_id", "mentions", ["kb_id"])
    _child("tallies", sa.Column("count", sa.Integer, nullable=False), sa.Column("what", sa.Text, nullable=False))
    _child("statements", sa.Column("kind", sa.String(16), nullable=False))
    _child("relations", sa.Column("predicate", sa.String(32), nullable=False),
           sa.Column("subject_kb_id", sa.String(128)), sa.Column("object_kb_id", sa.String(128)))
    _child("flags", sa.Column("kind", sa.String(64), nullable=False), sa.Column("message", sa.Text, nullable=False))
    op.create_index("ix_flags_kind", "flags", ["kind"])

    op.create_table(
        "events",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("sub_event_type", sa.String(64), nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("day_from", sa.Date),
        sa.Column("day_to", sa.Date),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("precision", sa.Integer),
        sa.Column("country", sa.String(2)),
        sa.Column("fatalities", sa.Integer),
        sa.Column("n_sources", sa.Integer, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("data", JSONType, nullable=False),
    )
    op.create_index("ix_events_event_type", "events", ["event_type"])
    op.create_index("ix_events_sub_event_type", "events", ["sub_event_type"])
    op.create_index("ix_events_date", "events", ["date"])
    op.create_index("ix_events_country", "events", ["country"])
    op.create_index("ix_events_days", "events", ["day_from", "day_to"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("event_pk", sa.Integer, sa.ForeignKey("events.pk", ondelete="SET NULL")),
        sa.Column("sort_key", sa.String(96), nullable=False),
        sa.Column("data", JSONType, nullable=False),
    )
    op.create_index("ix_reports_document_id", "reports", ["document_id"])
    op.create_index("ix_reports_event_pk", "reports", ["event_pk"])
    op.create_index("ix_reports_sort_key", "reports", ["sort_key"])

    op.create_table(
        "event_actors",
        sa.Column("event_pk", sa.Integer, sa.ForeignKey("events.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(256), primary_key=True),
        sa.Column("kb_id", sa.String(128)),
        sa.Column("display", sa.Text, nullable=False),
    )
    op.create_index("ix_event_actors_kb_id", "event_actors", ["kb_id"])
    op.create_index("ix_event_actors_name", "event_actors", ["name"])

    if dialect == "sqlite":
        _sqlite_spatial_index()
    elif dialect == "postgresql":
        _postgis_index()


def _sqlite_spatial_index() -> None:
    """An R*Tree over (lat, lon, day) of every located, dated event, kept in step by triggers."""
    op.execute("CREATE VIRTUAL TABLE event_rtree USING rtree(pk, lat0, lat1, lon0, lon1, day0, day1)")
    located = "NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND NEW.day_from IS NOT NULL AND NEW.day_to IS NOT NULL"
    insert = ("INSERT INTO event_rtree SELECT NEW.pk, NEW.lat, NEW.lat, NEW.lon, NEW.lon, "
              f"julianday(NEW.day_from), julianday(NEW.day_to) WHERE {located}")
    op.execute(f"CREATE TRIGGER events_rtree_insert AFTER INSERT ON events BEGIN {insert}; END")
    op.execute("CREATE TRIGGER events_rtree_update AFTER UPDATE OF lat, lon, day_from, day_to ON events BEGIN "
               f"DELETE FROM event_rtree WHERE pk = OLD.pk; {insert}; END")
    op.execute("CREATE TRIGGER events_rtree_delete AFTER DELETE ON events BEGIN "
               "DELETE FROM event_rtree WHERE pk = OLD.pk; END")


def _postgis_index() -> None:
    """A PostGIS geography point generated from lat/lon, with a GiST index."""
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("ALTER TABLE events ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS ("
               "CASE WHEN lat IS NOT NULL AND lon IS NOT NULL "
               "THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography END) STORED")
    op.execute("CREATE INDEX ix_events_geog ON events USING GIST (geog)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS event_rtree")
    for name in ("event_actors", "reports", "events", "flags", "relations", "statements", "tallies", "mentions",
                 "documents"):
        op.drop_table(name)
