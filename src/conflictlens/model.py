"""The output contract of DESIGN.md as pydantic models: the one source of truth.

`conflictlens schema` prints the JSON Schema generated from these classes, and
`conflictlens extract --format json` writes `Extraction` objects, one per line.
Every field that came from the text carries the character span it came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

CharSpan = tuple[int, int]

ActorKind = Literal[
    "state", "state_forces", "militia", "umbrella", "rebel", "terrorist", "political",
    "civilians", "company", "person", "unidentified", "other",
]
SourceKind = Literal["outlet", "journalist", "official", "spokesperson", "group", "anonymous", "document", "other"]
TimePrecision = Literal["day", "week", "month", "year", "range", "unknown"]
MentionKind = Literal["actor", "place", "source", "person", "time", "quantity"]
StatementKind = Literal["threat", "demand", "negotiation", "denial", "claim", "other"]
RelationPredicate = Literal["member_of", "formed", "allied_with", "backed_by", "leads"]


class Contract(BaseModel):
    """Base of every contract model: strict about unknown fields, JSON-ready."""

    model_config = ConfigDict(extra="forbid")


class Span(Contract):
    """Words of the document, by character offsets into the document text."""

    text: str
    start: int
    end: int


class Actor(Contract):
    kb_id: Optional[str] = None
    name: str
    text: str
    span: Optional[CharSpan] = None
    kind: ActorKind = "other"


class Location(Contract):
    name: str
    text: str
    span: Optional[CharSpan] = None
    lat: float
    lon: float
    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-2")
    admin1: Optional[str] = None
    geonames_id: Optional[int] = None
    kb_id: Optional[str] = None
    precision: Literal[1, 2, 3] = Field(1, description="ACLED geo_precision: 1 the place, 2 near/part of it, 3 a larger region")
    relation: str = "in"


class When(Contract):
    text: Optional[str] = None
    span: Optional[CharSpan] = None
    date: Optional[dt.date] = None
    earliest: Optional[dt.date] = None
    latest: Optional[dt.date] = None
    precision: TimePrecision = "unknown"


class Source(Contract):
    name: str
    kind: SourceKind = "other"
    affiliation: Optional[str] = None
    verb: Optional[str] = None
    span: Optional[CharSpan] = None
    kb_id: Optional[str] = None


class Event(Contract):
    id: str
    event_type: str
    sub_event_type: str
    plover: Optional[str] = None
    actor1: Optional[Actor] = None
    assoc_actor1: list[Actor] = []
    actor2: Optional[Actor] = None
    assoc_actor2: list[Actor] = []
    location: Optional[Location] = None
    date: When = When()
    fatalities: Optional[int] = None
    claimed_by: Optional[Actor] = None
    attribution: list[Source] = []
    trigger: Span
    evidence: Span
    confidence: float = Field(0.5, ge=0, le=1)


class Tally(Contract):
    count: int
    what: str
    where: list[Location] = []
    since: Optional[When] = None
    as_of: Optional[When] = None
    attribution: list[Source] = []
    evidence: Span


class Statement(Contract):
    kind: StatementKind
    speaker: Optional[Union[Actor, Source]] = None
    text: str
    date: When = When()
    attribution: list[Source] = []
    evidence: Span


class Relation(Contract):
    subject: Actor
    predicate: RelationPredicate
    object: Actor
    date: Optional[When] = None
    evidence: Span


class Flag(Contract):
    kind: str
    message: str
    evidence: Span


class Mention(Contract):
    kind: MentionKind
    text: str
    span: CharSpan
    kb_id: Optional[str] = None
    location: Optional[Location] = None
    when: Optional[When] = None


class DocumentInfo(Contract):
    id: str
    url: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[dt.date] = None
    language: Optional[str] = "en"


class Extraction(Contract):
    """Everything extracted from one document: one JSON line of `extract --format json`."""

    document: DocumentInfo
    events: list[Event] = []
    tallies: list[Tally] = []
    statements: list[Statement] = []
    relations: list[Relation] = []
    flags: list[Flag] = []
    mentions: list[Mention] = []


class Document(BaseModel):
    """An article as the readers deliver it: text plus metadata (input side, not the contract)."""

    id: str
    text: str
    url: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    published: Optional[dt.date] = None
    language: Optional[str] = "en"
    origin: Optional[str] = Field(None, description="file (and line or entry) the document came from")

    def info(self) -> DocumentInfo:
        return DocumentInfo(id=self.id, url=self.url, title=self.title, outlet=self.outlet,
                            published=self.published, language=self.language)
