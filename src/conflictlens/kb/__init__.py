"""The knowledge base: actors, outlets, places and offices from YAML under kb/data.

`get_kb()` loads and validates every file once per process; `KnowledgeBase`
answers the questions the pipeline and the checks ask (aliases, memberships on a
date, office holders on a date).

Validating 2,000+ entries takes a few tenths of a second, so `get_kb()` keeps the
validated knowledge base in the user cache directory ($CONFLICTLENS_CACHE_DIR, else
~/.cache/conflictlens) as a pickle named by a hash of the data files and of the
versions of the code that reads them; a change to any of them loads and caches afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from pydantic import ValidationError

from ..errors import KnowledgeBaseError
from .schema import ActorEntry, OfficeEntry, OutletEntry, PlaceEntry

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 6x faster


def load_yaml(text: str):
    """yaml.safe_load through libyaml when it is there (several times faster at start-up)."""
    return yaml.load(text, Loader=SAFE_LOADER)


LEXICON_DIR = "lexicon"  # data/lexicon/*.yaml: word lists the pipeline components read themselves
SECTIONS = {"actors": ActorEntry, "outlets": OutletEntry, "places": PlaceEntry, "offices": OfficeEntry}


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" + (f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else "")


class KnowledgeBase:
    """All entries, indexed by id, with the lookups the pipeline needs."""

    def __init__(self, actors: list[ActorEntry], outlets: list[OutletEntry], places: list[PlaceEntry],
                 offices: list[OfficeEntry]):
        self.actors = {a.id: a for a in actors}
        self.outlets = {o.id: o for o in outlets}
        self.places = {p.id: p for p in places}
        self.offices = {o.id: o for o in offices}
        self.members_of: dict[str, list[tuple[str, object]]] = defaultdict(list)
        self._states: dict[str, ActorEntry] = {}                                # country code -> its state entry
        self._terms: dict[tuple[str, str], list[tuple[ActorEntry, object]]] = defaultdict(list)  # (office, country)
        for actor in actors:
            for link in actor.member_of:
                self.members_of[link.id].append((actor.id, link))
            if actor.kind == "state" and actor.country and actor.country not in self._states:
                self._states[actor.country] = actor
            for term in actor.offices:
                self._terms[(term.office, term.country)].append((actor, term))

    def get(self, entry_id: str):
        return (self.actors.get(entry_id) or self.outlets.get(entry_id) or self.places.get(entry_id)
                or self.offices.get(entry_id))

    def umbrellas(self, actor_id: str, on: Optional[dt.date] = None) -> list[str]:
        """Ids of the groups `actor_id` belonged to on that date (any date if None)."""
        actor = self.actors.get(actor_id)
        return [link.id for link in actor.member_of if link.active_on(on)] if actor else []

    def members(self, actor_id: str, on: Optional[dt.date] = None) -> list[str]:
        """Ids of the members of umbrella `actor_id` on that date (any date if None)."""
        return [member for member, link in self.members_of.get(actor_id, []) if link.active_on(on)]

    def office_holders(self, office: str, country: str, on: dt.date) -> list[ActorEntry]:
        """Persons holding `office` of `country` on that date."""
        holders: list[ActorEntry] = []
        for actor, term in self._terms.get((office, country.upper()), ()):
            if term.active_on(on) and not any(actor is h for h in holders):
                holders.append(actor)
        return holders

    def state_of(self, country: str) -> Optional[ActorEntry]:
        """The state entry of an ISO alpha-2 country code."""
        return self._states.get(country.upper())

    def __len__(self) -> int:
        return len(self.actors) + len(self.outlets) + len(self.places) + len(self.offices)


def _read_file(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping with one of {', '.join(SECTIONS)}")
    return data


def load_kb(data_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate every YAML file under data_dir; raise KnowledgeBaseError with one line on bad data."""
    data_dir = Path(data_dir or DATA_DIR)
    entries: dict[str, list] = {name: [] for name in SECTIONS}
    seen: dict[str, Path] = {}
    for path in sorted(data_dir.rglob("*.yaml")):
        if LEXICON_DIR in path.relative_to(data_dir).parts:
            continue
        data = _read_file(path)
        default_source = data.get("source")
        for section, model in SECTIONS.items():
            for index, raw in enumerate(data.get(section) or []):
                if not isinstance(raw, dict):
                    raise KnowledgeBaseError(f"{path}: {section}[{index}] is not a mapping")
                if default_source and "source" not in raw:
                    raw = {**raw, "source": default_source}
                try:
                    entry = model.model_validate(raw)
                except ValidationError as exc:
                    label = raw.get("id", f"#{index}")
                    raise KnowledgeBaseError(f"{path}: {section} entry {label}: {_one_line(exc)}") from None
                if entry.id in seen:
                    raise KnowledgeBaseError(f"{path}: duplicate id {entry.id!r} (first in {seen[entry.id].name})")
                seen[entry.id] = path
                entries[section].append(entry)
    kb = KnowledgeBase(**entries)
    _check_links(kb)
    log.info("knowledge base: %d actors, %d outlets, %d places, %d offices", len(kb.actors), len(kb.outlets),
             len(kb.places), len(kb.offices))
    return kb


def _check_links(kb: KnowledgeBase) -> None:
    for actor in kb.actors.values():
        for field in ("member_of", "backed_by", "allied_with", "leads"):
            for link in getattr(actor, field):
                if link.id not in kb.actors:
                    raise KnowledgeBaseError(f"actor {actor.id}: {field} points to unknown id {link.id!r}")
        if actor.forces_of and actor.forces_of not in kb.actors:
            raise KnowledgeBaseError(f"actor {actor.id}: forces_of points to unknown id {actor.forces_of!r}")
        for term in actor.offices:
            if term.office not in kb.offices:
                raise KnowledgeBaseError(f"actor {actor.id}: office {term.office!r} is not in offices.yaml")


def cache_dir() -> Path:
    """$CONFLICTLENS_CACHE_DIR, else $XDG_CACHE_HOME/conflictlens, else ~/.cache/conflictlens."""
    if os.environ.get("CONFLICTLENS_CACHE_DIR"):
        return Path(os.environ["CONFLICTLENS_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflictlens"


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """Hash of every data file (name and bytes) and of the code and library versions that build the KB."""
    import pydantic

    from .. import __version__

    digest = hashlib.sha256(f"{__version__};{pydantic.VERSION};{sys.version_info[:2]};".encode())
    for path in (Path(__file__), Path(__file__).with_name("schema.py"), *sorted(Path(data_dir).rglob("*.yaml"))):
        digest.update(str(path.relative_to(path.parent.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_cached_kb(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """load_kb(data_dir) through the on-disk cache: unpickled when the data is unchanged, else loaded and stored."""
    try:
        path = cache_dir() / f"kb-{fingerprint(data_dir)}.pickle"
    except OSError as exc:
        log.debug("cannot fingerprint the knowledge base (%s); loading it", exc)
        return load_kb(data_dir)
    try:
        with path.open("rb") as handle:
            kb = pickle.load(handle)
        if isinstance(kb, KnowledgeBase):
            return kb
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or stale file: load afresh and replace it
        log.debug("knowledge-base cache %s unreadable (%s); rebuilding it", path, exc)
    kb = load_kb(data_dir)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".kb-", delete=False) as handle:
            tmp = handle.name
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for stale in path.parent.glob("kb-*.pickle"):   # caches of earlier data: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except Exception as exc:   # a read-only home: work without the cache
        log.debug("cannot write the knowledge-base cache %s (%s)", path, exc)
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return kb


@lru_cache(maxsize=1)
def get_kb() -> KnowledgeBase:
    """The knowledge base of this process, loaded once (from the disk cache when the data is unchanged)."""
    return load_cached_kb()
