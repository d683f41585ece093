"""Pipeline component 'forces': bare state-force phrases linked to the forces of the event's country.

"Troops stormed the village", "riot police fired tear gas": the text names no country, and ACLED
codes them as the forces of the country where it happened. This component runs after places and adds
such phrases to doc.spans["actors"], linked to military_<cc> / police_<cc>: of the state whose
forces of that branch were named shortly before ("Israeli forces raided Jenin ... soldiers fired"),
else of the nearest place named before them in the sentence, else after them in it, else the country
most named in the document. With no place of any country, nothing is linked: no guess. Phrases live in
kb/data/lexicon/forces_contextual.yaml.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..kb import get_kb
from ..kb.schema import ActorEntry
from ..model import Actor
from .actors import SPAN_GROUP, _load_lexicon
from .timegrammar import load_lexicon as load_time_lexicon
from . import extensions  # noqa: F401
from .rulekit import longest_ranges
from .tokentable import TokenTable, token_table

LEXICON_FILE = "forces_contextual.yaml"
BRANCHES = ("military", "police")
REFER_BACK_CHARS = 1200  # about two paragraphs of news text


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return _load_lexicon(LEXICON_FILE)


class _Mentions:
    """What the rules ask of a Doc's earlier spans: the places' countries and the actors' knowledge-base
    entries, each read when first asked and only once (span._ reads go through spaCy's slow Underscore)."""

    def __init__(self, doc: Doc, actors: list[Span]):
        self.places: list[Span] = list(doc.spans.get("places", []))
        self._countries: dict[int, Optional[str]] = {}  # by index in `places`
        self.actors = actors
        self._entries: dict[int, Optional[ActorEntry]] = {}  # by index in `actors`

    def _country(self, k: int) -> Optional[str]:
        if k not in self._countries:
            location = self.places[k]._.location
            self._countries[k] = location.country if location and location.country else None
        return self._countries[k]

    def _entry(self, k: int) -> Optional[ActorEntry]:
        if k not in self._entries:
            actor = self.actors[k]._.actor
            self._entries[k] = get_kb().actors.get(actor.kb_id) if actor and actor.kb_id else None
        return self._entries[k]

    def dominant_country(self) -> Optional[str]:
        counts = Counter(country for k in range(len(self.places)) for country in [self._country(k)] if country)
        return counts.most_common(1)[0][0] if counts else None

    def force_named_before(self, start: int, start_char: int, branch: str) -> Optional[str]:
        """Country of the forces of this branch last named with their state shortly before ("Israeli forces
        raided the camp ... soldiers fired"): bare "soldiers" refer back to them, not to the place's state."""
        prefix = f"{branch}_"
        for k in range(len(self.actors) - 1, -1, -1):
            other = self.actors[k]
            if other.end > start:
                continue
            if start_char - other.end_char > REFER_BACK_CHARS:
                break
            entry = self._entry(k)
            if entry is not None and entry.kind == "state_forces" and entry.id.startswith(prefix) and entry.country:
                return entry.country
        return None

    def country_near(self, start: int, end: int, sent_start: int, sent_end: int) -> Optional[str]:
        """Country of the nearest place before the phrase in its sentence, else after it in the sentence."""
        inside = [k for k, place in enumerate(self.places) if sent_start <= place.start < sent_end]
        before = [k for k in inside if self.places[k].end <= start and self._country(k)]
        if before:
            return self._country(before[-1])
        after = [k for k in inside if self.places[k].start >= end and self._country(k)]
        return self._country(after[0]) if after else None


class ForcesLinker:
    def __init__(self, nlp: Language):
        lexicon = _lexicon()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for branch in BRANCHES:
            self.matcher.add(branch, list(nlp.tokenizer.pipe(str(p) for p in lexicon.get(branch) or [])))
        self.not_after = frozenset(str(w).lower() for w in lexicon.get("not_after") or [])
        times = load_time_lexicon()
        self.time_words = frozenset([*times.weekdays, *times.months])

    def _owned_by_someone_else(self, table: TokenTable, start: int, taken: set[int]) -> bool:
        if start == 0:
            return False
        prev = start - 1
        text, lower = table.text[prev], table.lower[prev]
        if prev in taken or lower in self.not_after or text in ("'s", "’s", "'", "’"):
            return True
        # a capitalised word just before that is no time word names the owner ("Wagner troops", "Kuki soldiers")
        return (text[:1].isupper() and not table.sent_start[prev] and lower not in self.time_words
                and lower not in ("the", "a", "an"))

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        if not matches:
            return doc
        table = token_table(doc)
        existing = list(doc.spans.get(SPAN_GROUP, []))
        taken = {i for s in existing for i in range(s.start, s.end)}
        found = []
        dominant = None
        mentions = None
        for match_id, start, end in longest_ranges(matches, lambda m: (m[1], m[2])):
            if any(i in taken for i in range(start, end)) or self._owned_by_someone_else(table, start, taken):
                continue
            if end < len(table) and table.lower[end] in ("spokesman", "spokesperson", "official", "officials",
                                                         "source", "sources", "chief", "commander", "station"):
                continue
            if mentions is None:
                mentions = _Mentions(doc, existing)
            branch = doc.vocab.strings[match_id]
            start_char, end_char = table.idx[start], table.char_end(end - 1)
            sent_start, sent_end = table.sentence_of(start)  # the sentence of its first token, as Span.sent
            country = (mentions.force_named_before(start, start_char, branch)
                       or mentions.country_near(start, end, sent_start, sent_end))
            if not country:
                if dominant is None:
                    dominant = mentions.dominant_country() or ""
                country = dominant
            entry = get_kb().actors.get(f"{branch}_{country.lower()}") if country else None
            if entry is None:
                continue
            span = Span(doc, start, end, label=branch)
            span._.actor = Actor(kb_id=entry.id, name=entry.name, text=table.doc_text[start_char:end_char],
                                 span=(start_char, end_char), kind=entry.kind)
            found.append(span)
        if found:
            doc.spans[SPAN_GROUP] = sorted([*existing, *found], key=lambda s: (s.start, s.end))
        return doc


@Language.factory("conflictlens_forces")
def make_forces(nlp: Language, name: str) -> ForcesLinker:
    return ForcesLinker(nlp)
