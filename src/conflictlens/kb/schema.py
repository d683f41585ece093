"""The shape of knowledge-base entries (YAML under kb/data), validated on load.

Files:
  data/actors/*.yaml   `actors:`  states, state forces, armed groups, parties, persons, generic actors
  data/outlets.yaml    `outlets:` news outlets quoted as sources
  data/places.yaml     `places:`  curated sites gazetteers lack (bases, airfields, crossings, disputed regions)
  data/offices.yaml    `offices:` offices whose holders the checks know (prime minister, president, ...)
A file may carry a top-level `source:` note that entries without their own inherit.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model import ActorKind


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Link(Entry):
    """A dated pointer to another actor: membership, backing, alliance, leadership."""

    id: str
    valid_from: Optional[dt.date] = None
    valid_to: Optional[dt.date] = None
    note: Optional[str] = None

    def active_on(self, day: Optional[dt.date]) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Term(Entry):
    """One person's term in an office of a country."""

    office: str
    country: str = Field(..., min_length=2, max_length=2)
    valid_from: dt.date
    valid_to: Optional[dt.date] = None
    acting: bool = False

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ActorEntry(Entry):
    id: str = Field(..., pattern=r"^[a-z0-9_]+$")
    name: str
    aliases: list[str] = []
    kind: ActorKind
    country: Optional[str] = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 of its home")
    demonyms: list[str] = Field([], description="states only: adjectives/nouns naming the state ('Iraqi')")
    forces_of: Optional[str] = Field(None, description="state forces only: id of the state they serve")
    member_of: list[Link] = []
    backed_by: list[Link] = []
    allied_with: list[Link] = []
    leads: list[Link] = Field([], description="persons only: groups they lead")
    offices: list[Term] = Field([], description="persons only: terms in office")
    valid_from: Optional[dt.date] = Field(None, description="founded / came into being")
    valid_to: Optional[dt.date] = Field(None, description="dissolved / ceased")
    match_case: bool = Field(False, description="aliases match only in this exact case (acronyms such as IS, KH)")
    description: Optional[str] = None
    source: str = Field(..., min_length=3)

    @field_validator("country")
    @classmethod
    def upper_country(cls, value: Optional[str]) -> Optional[str]:
        return value.upper() if value else value

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class OutletEntry(Entry):
    id: str = Field(..., pattern=r"^[a-z0-9_]+$")
    name: str
    aliases: list[str] = []
    kind: Literal["newspaper", "network", "broadcaster", "agency", "website", "magazine", "radio", "other"] = "other"
    country: Optional[str] = Field(None, min_length=2, max_length=2)
    affiliation: Optional[str] = Field(None, description="owner or aligned actor id, where notable")
    source: str = Field(..., min_length=3)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class PlaceEntry(Entry):
    id: str = Field(..., pattern=r"^[a-z0-9_]+$")
    name: str
    aliases: list[str] = []
    feature: Literal["base", "airfield", "airport", "crossing", "region", "site", "settlement", "camp", "port", "other"]
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    country: str = Field(..., min_length=2, max_length=2)
    admin1: Optional[str] = None
    precision: Literal[1, 2, 3] = 1
    near: Optional[str] = Field(None, description="the settlement it lies next to, if any")
    source: str = Field(..., min_length=3)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class OfficeEntry(Entry):
    id: str = Field(..., pattern=r"^[a-z0-9_]+$")
    name: str
    titles: list[str] = Field(..., min_length=1, description="how texts name it: 'prime minister', 'premier'")
    source: str = Field(..., min_length=3)
