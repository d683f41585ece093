"""A real PostgreSQL + PostGIS server for the store tests, started once per test session.

initdb in a temporary folder, a server on a free loopback port (and a private Unix socket
folder), stopped at session end. initdb refuses to run as root, so as root the server runs
as the `postgres` OS user. Missing binaries fail the tests loudly: they are never skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_databases = itertools.count()


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are not installed: run scripts/install-system-deps.sh")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@pytest.fixture(scope="session")
def postgres_server():
    """Base URL (without database) of a throwaway PostgreSQL server with PostGIS available."""
    bindir = _bin_dir()
    if not glob.glob("/usr/share/postgresql/*/extension/postgis.control"):
        pytest.fail("PostGIS is not installed (postgresql-postgis): run scripts/install-system-deps.sh")
    root = Path(tempfile.mkdtemp(prefix="conflictlens-pg-"))
    data, sockets, logfile = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = lambda argv: subprocess.run(_as_server_user(argv), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(logfile), "-w", "-t", "60", "start", "-o",
             f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"])
    except subprocess.CalledProcessError as exc:
        log = logfile.read_text() if logfile.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"cannot start PostgreSQL: {exc.stderr or exc.stdout}\n{log[-2000:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def fresh_postgres_database(base_url: str) -> str:
    """A new empty database on the test server; its URL."""
    import psycopg

    name = f"store_test_{os.getpid()}_{next(_databases)}_{int(time.time() * 1000) % 100000}"
    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A database URL for each backend: a fresh SQLite file, and a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_server"))
