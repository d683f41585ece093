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
from spacy.util import filter_spans

from ..kb import get_kb
from ..model import Actor
from .actors import SPAN_GROUP, _load_lexicon
from .timegrammar import load_lexicon as load_time_lexicon
from . import extensions  # noqa: F401

LEXICON_FILE = "forces_contextual.yaml"
BRANCHES = ("military", "police")
REFER_BACK_CHARS = 1200  # about two paragraphs of news text


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return _load_lexicon(LEXICON_FILE)


def _dominant_country(doc: Doc) -> Optional[str]:
    counts = Counter(s._.location.country for s in doc.spans.get("places", []) if s._.location and s._.location.country)
    return counts.most_common(1)[0][0] if counts else None


def _force_named_before(doc: Doc, span: Span, branch: str) -> Optional[str]:
    """Country of the forces of this branch last named with their state shortly before ("Israeli forces
    raided the camp ... soldiers fired"): bare "soldiers" refer back to them, not to the place's state."""
    kb = get_kb()
    for other in reversed(doc.spans.get(SPAN_GROUP, [])):
        if other.end > span.start:
            continue
        if span.start_char - other.end_char > REFER_BACK_CHARS:
            break
        entry = kb.actors.get(other._.actor.kb_id) if other._.actor and other._.actor.kb_id else None
        if entry is not None and entry.kind == "state_forces" and entry.id.startswith(f"{branch}_") and entry.country:
            return entry.country
    return None


def _country_near(doc: Doc, span: Span) -> Optional[str]:
    """Country of the nearest place before the phrase in its sentence, else after it in the sentence."""
    sent = span.sent
    places = [s for s in doc.spans.get("places", []) if s._.location and s._.location.country
              and sent.start <= s.start < sent.end]
    before = [s for s in places if s.end <= span.start]
    if before:
        return before[-1]._.location.country
    after = [s for s in places if s.start >= span.end]
    return after[0]._.location.country if after else None


class ForcesLinker:
    def __init__(self, nlp: Language):
        lexicon = _lexicon()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for branch in BRANCHES:
            self.matcher.add(branch, list(nlp.tokenizer.pipe(str(p) for p in lexicon.get(branch) or [])))
        self.not_after = frozenset(str(w).lower() for w in lexicon.get("not_after") or [])
        times = load_time_lexicon()
        self.time_words = frozenset([*times.weekdays, *times.months])

    def _owned_by_someone_else(self, doc: Doc, start: int, taken: set[int]) -> bool:
        if start == 0:
            return False
        prev = doc[start - 1]
        if prev.i in taken or prev.lower_ in self.not_after or prev.text in ("'s", "’s", "'", "’"):
            return True
        # a capitalised word just before that is no time word names the owner ("Wagner troops", "Kuki soldiers")
        return (prev.text[:1].isupper() and not prev.is_sent_start and prev.lower_ not in self.time_words
                and prev.lower_ not in ("the", "a", "an"))

    def __call__(self, doc: Doc) -> Doc:
        existing = list(doc.spans.get(SPAN_GROUP, []))
        taken = {i for s in existing for i in range(s.start, s.end)}
        matches = [Span(doc, start, end, label=doc.vocab.strings[match_id])
                   for match_id, start, end in self.matcher(doc)]
        found = []
        dominant = None
        for span in filter_spans(matches):
            if any(i in taken for i in range(span.start, span.end)) or self._owned_by_someone_else(doc, span.start, taken):
                continue
            if span.end < len(doc) and doc[span.end].lower_ in ("spokesman", "spokesperson", "official", "officials",
                                                                 "source", "sources", "chief", "commander", "station"):
                continue
            dominant = dominant or _dominant_country(doc) or ""
            country = _force_named_before(doc, span, span.label_) or _country_near(doc, span) or dominant
            entry = get_kb().actors.get(f"{span.label_}_{country.lower()}") if country else None
            if entry is None:
                continue
            span._.actor = Actor(kb_id=entry.id, name=entry.name, text=span.text,
                                 span=(span.start_char, span.end_char), kind=entry.kind)
            found.append(span)
        if found:
            doc.spans[SPAN_GROUP] = sorted([*existing, *found], key=lambda s: (s.start, s.end))
        return doc


@Language.factory("conflictlens_forces")
def make_forces(nlp: Language, name: str) -> ForcesLinker:
    return ForcesLinker(nlp)
