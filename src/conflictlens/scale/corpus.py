"""A synthetic news corpus for benchmarks and batch tests: N articles from templates and the knowledge base.

Each article is built from its own random generator seeded with (seed, index), so article i is the
same whatever N is and whichever process writes it: a corpus of 100,000 documents streams out in
constant memory and can be cut into parts. Names come from the knowledge base (armed groups, state
forces, outlets) and places from the gazetteer index (populated places of the country), so the
pipeline sees the vocabulary it meets in real reporting. The sentences are this project's own.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ARMED_KINDS = ("militia", "rebel", "terrorist", "umbrella")
MIN_PLACES = 4          # a country needs this many towns of MIN_POPULATION to be used
MIN_POPULATION = 15_000

# {a1} {a2}: actors; {place} {place2}: towns; {n} {m}: numbers; {day}: a time expression; {src}: a source
EVENT_SENTENCES = (
    "{a1} fighters attacked a {a2} checkpoint near {place} {day}, killing {n} soldiers, {src} said.",
    "A drone strike hit a vehicle carrying {a1} commanders outside {place} {day}, according to {src}.",
    "{a2} shelled the outskirts of {place} {day}, and {n} civilians were killed, {src} reported.",
    "Clashes broke out between {a1} and {a2} in {place} {day}; at least {n} people died in the fighting.",
    "An improvised explosive device exploded on the road between {place} and {place2} {day}, wounding {m} people.",
    "Hundreds of protesters marched through {place} {day} to demand the release of detainees, {src} reported.",
    "{a1} claimed responsibility for the ambush near {place} {day}, in which {n} members of {a2} were killed.",
    "Unidentified gunmen abducted {m} aid workers on the road to {place} {day}, {src} said.",
    "Air strikes on {place} {day} destroyed a market and a school, and killed {n} civilians, said {src}.",
    "{a2} said it had retaken {place} from {a1} {day} after two days of heavy fighting.",
    "A suicide bomber blew himself up at a mosque in {place} {day}, killing {n} worshippers, {src} confirmed.",
    "Police fired tear gas at demonstrators in {place} {day}; {m} were arrested, {src} reported.",
    "{a1} fired rockets at {place2} {day}. No casualties were reported.",
    "{a2} arrested {m} suspected members of {a1} in a raid on a house in {place} {day}.",
    "Since the start of the year, {n} people have been killed in attacks around {place}, {src} said.",
)
BACKGROUND_SENTENCES = (
    "The area has seen repeated fighting over the past year.",
    "Residents said that many families had left their homes for safer towns.",
    "Aid groups have warned that supplies of food and medicine are running low.",
    "The road between the two towns has been closed to traffic for weeks.",
    "Local officials called for an investigation into the incident.",
    "The government has promised to restore order in the province.",
    "Humanitarian agencies estimate that thousands have been displaced.",
    "Analysts say the violence reflects a wider struggle for control of trade routes.",
    "Schools in the district remain closed, and markets open only a few hours a day.",
    "Mobile phone networks were cut for several hours, making it hard to confirm the toll.",
    "Talks between the parties stalled last month over the release of prisoners.",
    "The United Nations said it was deeply concerned by the rising number of civilian casualties.",
    "Witnesses described hearing explosions late into the night.",
    "Hospitals in {place} said they were treating dozens of wounded.",
    "The military did not respond to requests for comment.",
    "Farmers said they could no longer reach their fields because of the fighting.",
    "Journalists have limited access to the region, and reports are hard to verify.",
    "A spokesperson for {a2} said operations in the area would continue.",
    "Community leaders in {place} appealed for calm after the attack.",
    "Several villages around {place} have been emptied by the fighting.",
)
DAYS = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
        "late on Sunday", "early on Friday", "last week", "on Monday night", "yesterday", "overnight")
SOURCES = ("a military spokesperson", "local officials", "witnesses", "a security source", "the health ministry",
           "residents", "a local journalist", "police")
TITLES = ("Fighting near {place} leaves {n} dead", "Attack in {place} kills {n}", "Tension rises around {place}",
          "{a1} and {a2} clash near {place}", "Residents flee {place} after strikes")


@dataclass
class Theatre:
    """The names an article about one country draws on."""

    country: str
    places: list[str]
    armed: list[list[str]]                        # each actor's names: its main name, then aliases
    forces: list[list[str]] = field(default_factory=list)


def theatres(gazetteer_path: Path | None = None) -> list[Theatre]:
    """Countries with armed groups in the knowledge base and enough towns in the gazetteer, in a stable order."""
    from ..geo import index
    from ..kb import get_kb

    kb = get_kb()
    armed: dict[str, list[str]] = {}
    forces: dict[str, list[str]] = {}
    for actor in sorted(kb.actors.values(), key=lambda a: a.id):
        if actor.kind in ARMED_KINDS and actor.country:
            armed.setdefault(actor.country, []).append(actor.names())
        elif actor.kind == "state_forces" and actor.country:
            forces.setdefault(actor.country, []).append(actor.names())
    con = sqlite3.connect(f"file:{gazetteer_path or index.index_path()}?mode=ro", uri=True)
    try:
        out = []
        for country in sorted(armed):
            rows = con.execute("SELECT name FROM place WHERE kind = 'populated' AND country = ? AND population >= ?"
                               " ORDER BY population DESC, name LIMIT 40", (country, MIN_POPULATION)).fetchall()
            places = [name for (name,) in rows if name.isascii()]
            if len(places) >= MIN_PLACES and forces.get(country):
                out.append(Theatre(country, places, armed[country], forces[country]))
    finally:
        con.close()
    return out


class CorpusGenerator:
    """Writes article i of a corpus deterministically from (seed, i)."""

    def __init__(self, seed: int = 0, min_words: int = 200, max_words: int = 2000,
                 start: dt.date = dt.date(2023, 1, 1), days: int = 730):
        if not 0 < min_words <= max_words:
            raise ValueError(f"words: need 0 < min ({min_words}) <= max ({max_words})")
        from ..kb import get_kb

        self.seed, self.min_words, self.max_words = seed, min_words, max_words
        self.start, self.days = start, days
        self.theatres = theatres()
        if not self.theatres:
            raise ValueError("no country has both armed groups in the knowledge base and towns in the gazetteer")
        self.outlets = sorted(o.name for o in get_kb().outlets.values())

    def article(self, index: int) -> dict:
        """The JSON Lines record of article `index`: id, url, title, outlet, published, text."""
        rng = random.Random(f"{self.seed}:{index}")
        theatre = rng.choice(self.theatres)
        target = rng.randint(self.min_words, self.max_words)

        def fill(template: str) -> str:
            first = rng.choice(theatre.armed)
            second = rng.choice([a for a in theatre.forces + theatre.armed if a is not first])
            # the main name most of the time, an alias now and then, as reporting does
            a1, a2 = (names[0] if rng.random() < 0.7 else rng.choice(names) for names in (first, second))
            place, place2 = rng.sample(theatre.places, 2)
            return template.format(a1=a1, a2=a2, place=place, place2=place2, n=rng.randint(2, 40),
                                   m=rng.randint(2, 12), day=rng.choice(DAYS), src=rng.choice(SOURCES))

        paragraphs: list[str] = []
        words = 0
        while words < target:
            sentences = [fill(rng.choice(EVENT_SENTENCES))]
            sentences += [fill(rng.choice(BACKGROUND_SENTENCES)) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.4:
                sentences.append(fill(rng.choice(EVENT_SENTENCES)))
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        title = fill(rng.choice(TITLES))
        published = self.start + dt.timedelta(days=rng.randrange(self.days))
        outlet = rng.choice(self.outlets)
        return {"id": f"synthetic-{self.seed}-{index}", "url": f"https://news.example.org/{self.seed}/{index}",
                "title": title, "outlet": outlet, "published": published.isoformat(), "text": "\n\n".join(paragraphs)}

    def articles(self, count: int, first: int = 0) -> Iterator[dict]:
        for index in range(first, first + count):
            yield self.article(index)

    def write_jsonl(self, count: int, out: IO[str], first: int = 0) -> int:
        """Write `count` articles as JSON Lines; returns the number of words written."""
        words = 0
        for record in self.articles(count, first):
            words += len(record["text"].split())
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return words
