"""The data of one reading of a Doc by the events component: event mentions and what is known of the Doc.

Kept apart from the component so that its helpers (filters, merging) share the types without
importing the component.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc

from ..model import Actor, Location, When
from ..taxonomy import SUB_EVENT_TYPES
from .event_context import DocPlaces
from .extensions import Marked
from .rulekit import Sentence
from .roles import Role, clause_marks
from .tokentable import TokenTable
from .triggers import TriggerHit

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"})
GENERIC_KINDS = frozenset({"civilians", "unidentified"})


@dataclass(slots=True)
class Mention:
    """One event mention while the Doc is read (becomes an Event, or is merged into one)."""

    hit: TriggerHit
    sent: Sentence
    sub: str
    actor1: Optional[Role] = None
    actor2: Optional[Role] = None
    location: Optional[Location] = None
    location_how: str = "none"
    when: Optional[When] = None  # set by the component once the place and roles are read
    when_how: str = "none"
    fatalities: Optional[int] = None
    claimed_by: Optional[Actor] = None
    anaphoric: bool = False
    own_place: bool = False
    own_time: bool = False
    reported_on: bool = False  # the sentence dates only its report ("said on Thursday")
    merged: list["Mention"] = field(default_factory=list)
    crowd: list[Actor] = field(default_factory=list)  # who protested or rioted: "students", "supporters of X"

    @property
    def event_type(self) -> str:
        return SUB_EVENT_TYPES[self.sub]


@dataclass(slots=True)
class Reading:
    """What the component knows of one Doc while reading it: built per Doc, so that the component
    itself holds no document's state."""

    doc: Doc
    table: TokenTable  # the Doc's words, offsets and sentences as lists
    ctx: DocPlaces
    hits: list[TriggerHit]
    actor_at: dict[int, Marked]  # token -> actor span (not a source's)
    speaker_actor: dict[int, Marked]  # token -> actor span inside a source ("Hezbollah said")
    place_tokens: set[int]
    source_tokens: set[int]
    actor_tokens: set[int]
    floor: int  # first token after the dateline
    text: str = ""  # doc.text, read once (spaCy joins every token anew at each read)
    last_location: Optional[Location] = None  # of the last event placed from its own sentence
    last_when: Optional[tuple[int, When]] = None  # (sentence end, When) of the last dated event
    times: list[tuple[int, int, Optional[When], str]] = field(default_factory=list)  # (start, end, when, text) of each time span
    sentences: dict[int, Sentence] = field(default_factory=dict)  # by sentence number, made once
    views: dict = field(default_factory=dict)  # (sentence start, country) -> SentenceView, made once
    published: Optional[dt.date] = None  # doc._.published, read once
    hit_sentences: set[int] = field(default_factory=set)  # the sentence numbers that hold a trigger
    deaths: dict[int, Optional[int]] = field(default_factory=dict)  # sentence start -> fatalities() of it
    clause_times: dict[tuple[int, int], list[When]] = field(default_factory=dict)  # EventFilter._clause_times by bounds
    filter_marks: dict[int, tuple[list[int], list]] = field(default_factory=dict)  # EventFilter._sentence_marks by sentence
    places: dict[tuple[int, int], Location] = field(default_factory=dict)  # location_of each place span, by its bounds
    actor_copies: dict[tuple[int, int], Actor] = field(default_factory=dict)  # roles._from_span of each actor span
    made_actors: dict[tuple, Optional[Actor]] = field(default_factory=dict)  # default and generic actors by (role, sub, country)
    _spaced: dict[int, str] = field(default_factory=dict)
    _marks: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)

    def sentence(self, i: int) -> Sentence:
        """The sentence holding token i."""
        k = self.table.sent_of[i]
        sent = self.sentences.get(k)
        if sent is None:
            start, end = self.table.sentences[k]
            sent = self.sentences[k] = Sentence(self.doc, self.table, start, end)
        return sent

    def spaced_words(self, sent: Sentence) -> str:
        """The sentence's lower-case words joined by spaces, with a space at each end (" w1 w2 "): cue
        phrases are looked up as " phrase " in it."""
        text = self._spaced.get(sent.start)
        if text is None:
            text = self._spaced[sent.start] = " " + " ".join(self.table.lower[sent.start:sent.end]) + " "
        return text

    def clause_marks(self, sent: Sentence, report_verbs: frozenset[str]) -> tuple[list[int], list[int]]:
        """roles.clause_marks of the sentence, found once."""
        marks = self._marks.get(sent.start)
        if marks is None:
            marks = self._marks[sent.start] = clause_marks(self.table, sent.start, sent.end, report_verbs)
        return marks
