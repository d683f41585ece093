"""reports.sort_key compares byte by byte on PostgreSQL too (COLLATE "C"), as on SQLite and in Python.

Merging takes reports in sort-key order and ingest looks up the reports after a key through the
index; under a language collation PostgreSQL would order the keys otherwise ('|' and '-' ignored
at first level), and the two databases would merge differently.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE reports ALTER COLUMN sort_key TYPE varchar(96) COLLATE "C"')   # rebuilds its index


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE reports ALTER COLUMN sort_key TYPE varchar(96) COLLATE \"default\"")
