"""`conflictlens kb ...`: search, show and validate knowledge-base entries.

Errors reach the user as one line on stderr and a non-zero exit: an unknown id exits 1,
a knowledge base that does not load (KnowledgeBaseError) exits 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..errors import KnowledgeBaseError
from . import DATA_DIR, KnowledgeBase, get_kb, load_kb
from .schema import ActorEntry, Link, OfficeEntry, OutletEntry, PlaceEntry

app = typer.Typer(help="Search, show and validate knowledge-base entries.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

KB_DIR_OPTION = typer.Option(None, "--kb-dir", envvar="CONFLICTLENS_KB_DIR",
                             help="Knowledge-base folder to read instead of the bundled one.")


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(code)


def _kb(kb_dir: Optional[Path]) -> KnowledgeBase:
    """The bundled KB (cached) or the one in kb_dir; a broken KB ends the command with one line."""
    try:
        return load_kb(kb_dir) if kb_dir else get_kb()
    except KnowledgeBaseError as exc:
        _fail(str(exc), 2)


def _kind(entry) -> str:
    if isinstance(entry, ActorEntry):
        return entry.kind
    if isinstance(entry, OutletEntry):
        return f"outlet/{entry.kind}"
    if isinstance(entry, PlaceEntry):
        return f"place/{entry.feature}"
    return "office"


def _names(entry) -> list[str]:
    return entry.titles if isinstance(entry, OfficeEntry) else entry.names()


def _dates(start: Optional[dt.date], end: Optional[dt.date]) -> str:
    if start is None and end is None:
        return ""
    return f" ({start or '…'} – {end or 'now'})"


def _link(kb: KnowledgeBase, link: Link) -> str:
    target = kb.get(link.id)
    label = f"{link.id} [{target.name}]" if target else link.id
    return label + _dates(link.valid_from, link.valid_to) + (f": {link.note}" if link.note else "")


def _similarity(query: str, choice: str, **_) -> float:
    """Whole-name likeness, or the query as part of a longer name ("kataib" in "Kataib Hezbollah"),
    but never a short name inside the query ("AIB" in "kataib")."""
    from rapidfuzz import fuzz

    score = max(fuzz.ratio(query, choice), fuzz.token_set_ratio(query, choice) * 0.95)
    if len(choice) > len(query):
        score = max(score, fuzz.partial_ratio(query, choice) * 0.9)
    return score


@app.command()
def search(
    text: str = typer.Argument(..., help="A name, alias or part of one (fuzzy)."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="How many entries to show."),
    kb_dir: Optional[Path] = KB_DIR_OPTION,
) -> None:
    """Find actors, outlets, places and offices whose name or alias resembles TEXT."""
    from rapidfuzz import process, utils

    kb = _kb(kb_dir)
    entries = [*kb.actors.values(), *kb.outlets.values(), *kb.places.values(), *kb.offices.values()]
    choices, owners = [], []
    for entry in entries:
        for name in _names(entry):
            choices.append(name)
            owners.append(entry)
    best: dict[str, tuple[float, str, object]] = {}
    for name, score, index in process.extract(text, choices, scorer=_similarity, processor=utils.default_process,
                                              limit=limit * 20, score_cutoff=60):
        entry = owners[index]
        if entry.id not in best or score > best[entry.id][0]:
            best[entry.id] = (score, name, entry)
    if not best:
        _fail(f"nothing in the knowledge base resembles {text!r}", 1)
    table = Table(title=f"knowledge base: {text}")
    for column in ("id", "name", "kind", "country", "matched", "score"):
        table.add_column(column, overflow="fold")
    ranked = sorted(best.values(), key=lambda item: (-item[0], item[2].id))[:limit]
    for score, name, entry in ranked:
        table.add_row(entry.id, entry.name, _kind(entry), getattr(entry, "country", None) or "",
                      name if name != entry.name else "", f"{score:.0f}")
    out.print(table)


def _actor_rows(kb: KnowledgeBase, actor: ActorEntry) -> list[tuple[str, str]]:
    rows = [("kind", actor.kind), ("country", actor.country or "")]
    if actor.forces_of:
        rows.append(("forces of", _link(kb, Link(id=actor.forces_of))))
    rows.append(("active", _dates(actor.valid_from, actor.valid_to).strip(" ()")))
    rows.append(("aliases", ", ".join(actor.aliases)))
    rows.append(("demonyms", ", ".join(actor.demonyms)))
    if actor.match_case:
        rows.append(("match case", "yes (aliases match only in this exact case)"))
    for label, field in (("member of", "member_of"), ("backed by", "backed_by"), ("allied with", "allied_with"),
                         ("leads", "leads")):
        rows.append((label, "\n".join(_link(kb, link) for link in getattr(actor, field))))
    members = kb.members_of.get(actor.id, [])
    rows.append(("members", "\n".join(_link(kb, Link(id=m, valid_from=l.valid_from, valid_to=l.valid_to))
                                      for m, l in members)))
    forces = sorted(a.id for a in kb.actors.values() if a.forces_of == actor.id)
    rows.append(("forces", ", ".join(forces)))
    rows.append(("offices", "\n".join(
        f"{t.office} of {t.country}{' (acting)' if t.acting else ''}{_dates(t.valid_from, t.valid_to)}"
        for t in actor.offices)))
    rows.append(("description", actor.description or ""))
    return rows


def _office_rows(kb: KnowledgeBase, office: OfficeEntry) -> list[tuple[str, str]]:
    holders = [(a, t) for a in kb.actors.values() for t in a.offices if t.office == office.id]
    holders.sort(key=lambda pair: (pair[1].country, pair[1].valid_from))
    return [("kind", "office"), ("titles", ", ".join(office.titles)),
            ("holders", "\n".join(f"{t.country}: {a.id} [{a.name}]{_dates(t.valid_from, t.valid_to)}"
                                  for a, t in holders))]


def _outlet_rows(kb: KnowledgeBase, outlet: OutletEntry) -> list[tuple[str, str]]:
    affiliation = _link(kb, Link(id=outlet.affiliation)) if outlet.affiliation else ""
    return [("kind", f"outlet ({outlet.kind})"), ("country", outlet.country or ""),
            ("aliases", ", ".join(outlet.aliases)), ("affiliation", affiliation)]


def _place_rows(kb: KnowledgeBase, place: PlaceEntry) -> list[tuple[str, str]]:
    return [("kind", f"place ({place.feature})"), ("country", place.country), ("admin1", place.admin1 or ""),
            ("coordinates", f"{place.lat:.4f}, {place.lon:.4f}"), ("geo precision", str(place.precision)),
            ("near", place.near or ""), ("aliases", ", ".join(place.aliases))]


@app.command()
def show(
    entry_id: str = typer.Argument(..., metavar="ID", help="An entry id, e.g. state_iq."),
    kb_dir: Optional[Path] = KB_DIR_OPTION,
) -> None:
    """Show every field of one entry, with dated links and the groups that list it as umbrella."""
    kb = _kb(kb_dir)
    entry = kb.get(entry_id)
    if entry is None:
        _fail(f"no knowledge-base entry with id {entry_id!r} (try: conflictlens kb search NAME)", 1)
    if isinstance(entry, ActorEntry):
        rows = _actor_rows(kb, entry)
    elif isinstance(entry, OfficeEntry):
        rows = _office_rows(kb, entry)
    elif isinstance(entry, OutletEntry):
        rows = _outlet_rows(kb, entry)
    else:
        rows = _place_rows(kb, entry)
    table = Table(title=f"{entry.id}: {entry.name}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for label, value in [*rows, ("source", entry.source)]:
        if value:
            table.add_row(label, value)
    out.print(table)


@app.command()
def validate(directory: Optional[Path] = typer.Argument(None, help="KB folder (default: the bundled one).")) -> None:
    """Load and validate every YAML file of a knowledge base, then print how many entries it holds."""
    directory = directory or DATA_DIR
    if not directory.is_dir():
        _fail(f"{directory}: not a folder", 2)
    kb = _kb(directory)
    kinds: dict[str, int] = {}
    for actor in kb.actors.values():
        kinds[actor.kind] = kinds.get(actor.kind, 0) + 1
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    out.print(f"{directory}: valid: {len(kb)} entries: {len(kb.actors)} actors ({by_kind}), "
              f"{len(kb.outlets)} outlets, {len(kb.places)} places, {len(kb.offices)} offices",
              highlight=False, soft_wrap=True)


# ---- kb learn (issue 3): proposals from articles, for review ----
@app.command()
def learn(
    files: list[Path] = typer.Argument(..., help="Articles (any format `extract` reads), directories of them, or -."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides the documents' own)."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the proposals (YAML) here, else stdout."),
) -> None:
    """Propose new aliases, members and relations found in articles, as YAML for review (never merged)."""
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..errors import InputError
    from ..ingest import read_records
    from .learn import learn as learn_from, proposals_yaml

    day = None
    if published is not None:
        try:
            day = dt.date.fromisoformat(published)
        except ValueError:
            _fail(f"--published: {published!r} is not a date in the form YYYY-MM-DD", 2)
    if out_file is not None and out_file.parent and not out_file.parent.is_dir():
        _fail(f"--out: folder {out_file.parent} does not exist", 2)
    kb = _kb(None)
    failed: list[str] = []
    sources: list[str] = []

    def documents():
        for path in files:
            for item in read_records(path):
                if isinstance(item, InputError):
                    err.print(f"[bold red]error:[/] {escape(item.source)}: {escape(item.reason)}", highlight=False,
                              soft_wrap=True)
                    failed.append(item.source)
                    continue
                sources.append(item.origin or item.id)
                yield item.model_copy(update={"published": day}) if day is not None else item

    from ..nlp.build import get_nlp

    try:
        nlp = get_nlp()
    except Exception as exc:  # a broken install or KB: one line, not a traceback
        _fail(f"cannot build the pipeline ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 1)
    with Progress(SpinnerColumn(), TextColumn("learning"), BarColumn(), TextColumn("{task.completed} documents"),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("learn", total=None)
        proposals = learn_from(documents(), kb, nlp, on_document=lambda _d: progress.advance(task))
    text = proposals_yaml(proposals, sources)
    if out_file is None:
        out.out(text, end="", highlight=False)
    else:
        try:
            out_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"--out: cannot write {out_file}: {exc.strerror or exc}", 2)
        err.print(f"{len(proposals)} proposal(s) from {len(sources)} document(s) written to {out_file} (not merged)",
                  highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)
