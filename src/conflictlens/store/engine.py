"""Database URLs, engines and migrations: SQLite (default) or PostgreSQL with PostGIS.

SQLite runs in WAL mode with a busy timeout, and every writing transaction starts with BEGIN
IMMEDIATE so that two processes writing at once wait for each other instead of failing;
PostgreSQL serialises writers with a transaction-level advisory lock (WRITE_LOCK).
The schema is created and upgraded by the Alembic migrations in store/migrations on open.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..errors import ConflictlensError
from ..geo.records import haversine_km

log = logging.getLogger(__name__)

ENV_VAR = "CONFLICTLENS_DB"
DEFAULT_FILE = "conflictlens.db"
BUSY_TIMEOUT_S = 120
WRITE_LOCK = 0x636C656E  # PostgreSQL advisory lock key of the store's writers ("clen")
MIGRATIONS = Path(__file__).parent / "migrations"
WRITER = "conflictlens_writer"  # execution option of the engine that writes (see writer())


class StoreError(ConflictlensError):
    """A database that cannot be opened, reached or migrated."""


def resolve_url(url: str | None) -> str:
    """The SQLAlchemy URL to use: the one given, else $CONFLICTLENS_DB, else conflictlens.db in the cwd.

    A plain path (no scheme) means a SQLite file; postgresql:// and postgres:// use psycopg 3.
    """
    url = url or os.environ.get(ENV_VAR) or DEFAULT_FILE
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().absolute()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def _haversine_km(lat1, lon1, lat2, lon2):
    if None in (lat1, lon1, lat2, lon2):
        return None
    return haversine_km(lat1, lon1, lat2, lon2)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None       # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        dbapi_connection.create_function("haversine_km", 4, _haversine_km, deterministic=True)

    @event.listens_for(engine, "begin")
    def begin(conn):
        # writers take the write lock up front (waiting on the busy timeout); readers do not block anyone
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITER) else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise StoreError(f"--db: {url!r} is not a database URL (sqlite:///FILE, postgresql://...) or a file path") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise StoreError(f"cannot open {parsed.database}: folder {folder} does not exist")
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) for transactions that write: on SQLite they BEGIN IMMEDIATE."""
    return engine.execution_options(**{WRITER: True})


def write_lock(conn: Connection) -> None:
    """Serialise writers for the rest of this transaction (SQLite: BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (a no-op when already there)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:
        write_lock(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
