"""Alembic environment: migrations run programmatically on the connection open_store hands over."""

from __future__ import annotations

from alembic import context

from conflictlens.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("conflictlens migrations run through conflictlens.store.open_store, not the alembic CLI")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
