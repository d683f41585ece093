"""The on-disk gazetteer index: built once from the packaged data, then opened read-only.

Building takes some seconds (reading GeoNames cities500), so the result is a SQLite file in
the user cache directory, named by a fingerprint of the data packages' versions and of the
code and lexicon that shape it: a change to any of them builds a new file. Later processes
only open the file (milliseconds) and look names up through its index.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
import time
from importlib import metadata
from pathlib import Path

from . import normalize, sources
from .normalize import key_of

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE place (id INTEGER PRIMARY KEY, geonames_id INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,
                    country TEXT, admin1_code TEXT, lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
                    neighbours TEXT);
CREATE TABLE name (key TEXT NOT NULL, place INTEGER NOT NULL, main INTEGER NOT NULL,
                   PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE admin1 (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
"""


def cache_dir() -> Path:
    """Where the index lives: $CONFLICTLENS_CACHE_DIR, else $XDG_CACHE_HOME/conflictlens, else ~/.cache/conflictlens."""
    if os.environ.get("CONFLICTLENS_CACHE_DIR"):
        return Path(os.environ["CONFLICTLENS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflictlens"


def fingerprint() -> str:
    """Hash of what the index is made from: package versions, the building code, the lexicon."""
    digest = hashlib.sha256()
    for package in sources.PACKAGES:
        digest.update(f"{package}={metadata.version(package)};".encode())
    for path in (Path(normalize.__file__), Path(sources.__file__), Path(__file__), sources.LEXICON):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _keys(name: str, main: bool) -> list[str]:
    """Keys a name is stored under: itself, and without a leading Arabic article ("al qaim" -> "qaim")."""
    key = key_of(name)
    if not key or (not main and len(key) < 3):
        return []
    if key.startswith("al ") and len(key) >= 7:
        return [key, key[3:]]
    return [key]


def _build(path: Path) -> None:
    """Write a complete index to `path` (a fresh file)."""
    started = time.perf_counter()
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        names: dict[tuple[str, int], int] = {}
        places = []
        admin1 = {}
        for rowid, row in enumerate(sources.all_rows(), start=1):
            places.append((rowid, row.geonames_id, row.name, row.kind, row.country, row.admin1_code,
                           row.lat, row.lon, row.population, row.neighbours))
            if row.kind == "admin1":
                admin1[row.admin1_code] = row.name
            for name, main in row.names:
                for key in _keys(name, main):
                    names[(key, rowid)] = max(names.get((key, rowid), 0), int(main))
        con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", places)
        con.executemany("INSERT INTO name VALUES (?,?,?)", ((k, p, m) for (k, p), m in sorted(names.items())))
        con.executemany("INSERT INTO admin1 VALUES (?,?)", admin1.items())
        con.executemany("INSERT INTO meta VALUES (?,?)", [("fingerprint", fingerprint()), ("places", str(len(places))),
                                                          ("names", str(len(names)))])
        con.commit()
    finally:
        con.close()
    log.info("gazetteer index built: %d places, %d names in %.1f s (%s)", len(places), len(names),
             time.perf_counter() - started, path)


def _writable_dir() -> Path:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if os.access(directory, os.W_OK):
            return directory
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"conflictlens-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    fallback.mkdir(parents=True, exist_ok=True)
    log.warning("cache directory %s is not writable; using %s", directory, fallback)
    return fallback


def index_path() -> Path:
    """The index file for the installed data, built first if missing (atomically: concurrent builders are safe)."""
    name = f"gazetteer-{fingerprint()}.sqlite"
    for directory in (cache_dir(), Path(tempfile.gettempdir()) / f"conflictlens-{os.getuid() if hasattr(os, 'getuid') else 'user'}"):
        if (directory / name).is_file():
            return directory / name
    directory = _writable_dir()
    target = directory / name
    log.warning("building the gazetteer index (first use; takes some seconds): %s", target)
    handle, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=directory)
    os.close(handle)
    os.unlink(tmp)
    try:
        _build(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in directory.glob("gazetteer-*.sqlite"):  # indexes of older data, unused for a day
        try:
            if old != target and time.time() - old.stat().st_mtime > 86400:
                old.unlink()
        except OSError:
            pass
    return target


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a built index."""
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    con.execute("PRAGMA query_only=ON")
    return con
