"""The event store: documents, their extractions and merged events in SQLite or PostgreSQL/PostGIS.

    from conflictlens.store import open_store, EventFilter
    store = open_store()                      # $CONFLICTLENS_DB, else sqlite file conflictlens.db in the cwd
    store.ingest(document, extraction)        # "new" | "unchanged" | "updated"
    events, total = store.events(EventFilter(country="NG"), limit=50)

See docs/store.md for the schema, the merging rules and the commands.
"""

from __future__ import annotations

from ..kb import KnowledgeBase
from .engine import StoreError, resolve_url
from .filters import EventFilter
from .repository import Store

__all__ = ["EventFilter", "Store", "StoreError", "open_store", "resolve_url"]


def open_store(url: str | None = None, kb: KnowledgeBase | None = None) -> Store:
    """Open (creating or migrating as needed) the store at url; None: $CONFLICTLENS_DB, else ./conflictlens.db."""
    return Store(url, kb=kb)
