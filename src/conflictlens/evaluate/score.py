"""Precision, recall and F1 per field, summed over articles (micro-averaged).

For every event field (see docs/evaluation.md):
  predicted = predicted events (all of them, aligned or not) that give the field a value,
  gold      = gold events that give it a value,
  correct   = aligned pairs where both give a value and the values are equal,
  precision = correct / predicted, recall = correct / gold, F1 their harmonic mean.
So a field is scored end to end: a missed event costs recall in every field it has.
`agree / aligned` is the share of aligned pairs that agree on the field (both empty counts),
the field's accuracy given that the event was found.
List fields (attribution, associated actors) count items instead of events.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from ..model import Event, Extraction
from .align import align_events, assign, overlaps, predicted_country, event_country
from .compare import (NEAR_KM, REGION_KM, ActorMatcher, gold_range, km, predicted_range, ranges_overlap, same_day,
                      same_location)
from .gold import GoldArticle, GoldEvent

MENTION_KINDS = ("actor", "person", "place", "time", "source")
COMPATIBLE_KINDS = {"actor": ("actor", "person"), "person": ("person", "actor")}


@dataclass
class Counts:
    """Tallies of one field: correct, predicted, gold; and, over aligned pairs, agree of aligned."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0
    agree: int = 0
    aligned: int = 0

    @property
    def precision(self) -> Optional[float]:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> Optional[float]:
        return self.correct / self.gold if self.gold else None

    @property
    def f1(self) -> Optional[float]:
        if not self.predicted and not self.gold:
            return None
        total = self.predicted + self.gold
        return 2 * self.correct / total if total else None

    @property
    def accuracy(self) -> Optional[float]:
        return self.agree / self.aligned if self.aligned else None

    def add(self, other: "Counts") -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dataclasses.asdict(self)
        for name in ("precision", "recall", "f1", "accuracy"):
            value = getattr(self, name)
            out[name] = round(value, 4) if value is not None else None
        return out


# --- event fields ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One scored event field: how to read it on each side and when two values are equal."""

    name: str
    label: str
    gold: Callable[[GoldEvent], Any]
    predicted: Callable[[Event], Any]
    equal: Callable[[GoldEvent, Event, ActorMatcher], bool]
    show: Callable[[Any], str] = str
    items: bool = False          # a list field: count items, match them one to one


def _actor_field(name: str, label: str) -> Field:
    def equal(g: GoldEvent, p: Event, actors: ActorMatcher) -> bool:
        return actors.same_actor(getattr(g, name), getattr(p, name), event_country(g), predicted_country(p))
    return Field(name, label, lambda g: getattr(g, name), lambda p: getattr(p, name), equal,
                 show=lambda v: v if isinstance(v, str) else f"{v.name} [{v.kb_id}]")


def _show_location(value) -> str:
    return f"{value.name} ({value.country}, {value.lat:.2f}, {value.lon:.2f})"


def _show_date(value) -> str:
    if hasattr(value, "earliest") and hasattr(value, "end"):
        start, end = value.earliest, value.end
    else:
        start, end = predicted_range(value)
    return str(start) if start == end else f"{start}..{end}"


def _predicted_when(event: Event):
    return event.date if predicted_range(event.date) else None


EVENT_FIELDS: tuple[Field, ...] = (
    Field("event_type", "event_type", lambda g: g.event_type, lambda p: p.event_type,
          lambda g, p, a: g.event_type == p.event_type),
    Field("sub_event_type", "sub_event_type", lambda g: g.sub_event_type, lambda p: p.sub_event_type,
          lambda g, p, a: g.event_type == p.event_type and g.sub_event_type == p.sub_event_type),
    _actor_field("actor1", "actor1"),
    _actor_field("actor2", "actor2"),
    Field("location_25km", "location (≤ 25 km)", lambda g: g.location, lambda p: p.location,
          lambda g, p, a: same_location(g.location, p.location, NEAR_KM), show=_show_location),
    Field("location_161km", "location (≤ 161 km)", lambda g: g.location, lambda p: p.location,
          lambda g, p, a: same_location(g.location, p.location, REGION_KM), show=_show_location),
    Field("date_exact", "date (exact)", lambda g: g.date, _predicted_when,
          lambda g, p, a: same_day(gold_range(g.date), predicted_range(p.date)), show=_show_date),
    Field("date_overlap", "date (range overlap)", lambda g: g.date, _predicted_when,
          lambda g, p, a: ranges_overlap(gold_range(g.date), predicted_range(p.date)), show=_show_date),
    Field("fatalities", "fatalities", lambda g: g.fatalities, lambda p: p.fatalities,
          lambda g, p, a: g.fatalities == p.fatalities),
    _actor_field("claimed_by", "claimed_by"),
    Field("attribution", "attribution (sources)", lambda g: g.attribution, lambda p: p.attribution,
          lambda g, p, a: True, show=lambda v: ", ".join(s if isinstance(s, str) else s.name for s in v), items=True),
    Field("assoc_actors", "associated actors", lambda g: [*g.assoc_actor1, *g.assoc_actor2],
          lambda p: [*p.assoc_actor1, *p.assoc_actor2], lambda g, p, a: True,
          show=lambda v: ", ".join(s if isinstance(s, str) else s.name for s in v), items=True),
)


def _item_matches(f: Field, g: GoldEvent, p: Event, actors: ActorMatcher) -> int:
    """One-to-one matches between the gold and predicted items of a list field."""
    gold_items, got = f.gold(g), f.predicted(p)
    if f.name == "attribution":
        same = actors.same_source
    else:
        def same(name, actor):
            return actors.same_actor(name, actor, event_country(g), predicted_country(p))
    return len(assign(gold_items, got, lambda a, b: 1.0 if same(a, b) else None))


# --- results ---------------------------------------------------------------------------------------------

@dataclass
class ArticleResult:
    """The scores of one article and its mistakes, for error analysis."""

    id: str
    origin: str
    gold_events: int
    predicted_events: int
    matched: int
    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[str] = field(default_factory=list)
    failed: Optional[str] = None

    @property
    def mistakes(self) -> int:
        return len(self.errors)


@dataclass
class Report:
    """Scores over a gold set: per field, per section, per event type, per article."""

    articles: list[ArticleResult]
    fields: dict[str, Counts]
    by_type: dict[str, Counts]
    labels: dict[str, str]

    @property
    def gold_events(self) -> int:
        return sum(a.gold_events for a in self.articles)

    @property
    def predicted_events(self) -> int:
        return sum(a.predicted_events for a in self.articles)

    def worst(self, n: int = 8) -> list[ArticleResult]:
        """Articles with the most mistakes (ties: the lower event F1 first)."""
        def key(a: ArticleResult):
            f1 = a.fields["detection"].f1
            return (-a.mistakes, f1 if f1 is not None else 1.0, a.id)
        return [a for a in sorted(self.articles, key=key) if a.mistakes][:n]

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": len(self.articles),
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "fields": {name: {"label": self.labels.get(name, name), **c.as_dict()} for name, c in self.fields.items()},
            "by_event_type": {name: c.as_dict() for name, c in sorted(self.by_type.items())},
            "per_article": [{"id": a.id, "origin": a.origin, "gold_events": a.gold_events,
                             "predicted_events": a.predicted_events, "matched": a.matched,
                             "detection": a.fields["detection"].as_dict(), "failed": a.failed,
                             "errors": a.errors} for a in self.articles],
        }


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def score_events(article: GoldArticle, extraction: Extraction, actors: ActorMatcher, result: ArticleResult) -> None:
    gold, predicted = article.events, extraction.events
    pairs = align_events(gold, predicted, actors)
    result.matched = len(pairs)
    result.fields["detection"].add(Counts(correct=len(pairs), predicted=len(predicted), gold=len(gold)))
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    for i, g in enumerate(gold):
        result.by_type[g.event_type].gold += 1
        if i not in matched_gold:
            result.errors.append(f"missed {g.event_type} / {g.sub_event_type}: {_excerpt(g.trigger_quote.text)!r}")
    for j, p in enumerate(predicted):
        result.by_type[p.event_type].predicted += 1
        if j not in matched_pred:
            result.errors.append(f"spurious {p.event_type} / {p.sub_event_type}: {_excerpt(p.trigger.text)!r}")
    for f in EVENT_FIELDS:
        counts = result.fields[f.name]
        for g in gold:
            value = f.gold(g)
            counts.gold += len(value) if f.items else int(value is not None)
        for p in predicted:
            value = f.predicted(p)
            counts.predicted += len(value) if f.items else int(value is not None)
    for i, j in pairs:
        g, p = gold[i], predicted[j]
        typed = result.by_type[g.event_type]      # per type: correct = found and given this type
        typed.correct += int(g.event_type == p.event_type)
        typed.aligned += 1
        typed.agree += int(g.event_type == p.event_type)
        for f in EVENT_FIELDS:
            counts = result.fields[f.name]
            want, got = f.gold(g), f.predicted(p)
            counts.aligned += 1
            if f.items:
                hits = _item_matches(f, g, p, actors)
                counts.correct += hits
                agree = hits == len(want) == len(got)
            elif want is None or got is None:
                agree = want is None and got is None
            else:
                agree = f.equal(g, p, actors)
                counts.correct += int(agree)
            counts.agree += int(agree)
            if not agree:
                shown_want = f.show(want) if want not in (None, []) else "—"
                shown_got = f.show(got) if got not in (None, []) else "—"
                result.errors.append(f"{f.label} of {_excerpt(g.trigger_quote.text, 40)!r}: "
                                     f"want {shown_want}, got {shown_got}")


def _score_pairs(name: str, gold: Sequence, predicted: Sequence, same: Callable[[Any, Any], bool],
                 result: ArticleResult, describe: Callable[[Any], str]) -> None:
    pairs = assign(gold, predicted, lambda g, p: 1.0 if same(g, p) else None)
    counts = result.fields[name]
    counts.add(Counts(correct=len(pairs), predicted=len(predicted), gold=len(gold)))
    found = {i for i, _ in pairs}
    for i, g in enumerate(gold):
        if i not in found:
            result.errors.append(f"{name}: missed {describe(g)}")
    extra = len(predicted) - len(pairs)
    if extra:
        result.errors.append(f"{name}: {extra} spurious")


def _span_of(evidence) -> tuple[int, int]:
    return (evidence.start, evidence.end)


def score_others(article: GoldArticle, extraction: Extraction, actors: ActorMatcher, result: ArticleResult) -> None:
    """Tallies, statements, relations, flags and mentions: one-to-one matches, then P/R/F1."""
    _score_pairs("tallies", article.tallies, extraction.tallies,
                 lambda g, p: p.count == g.count and overlaps(g.span, _span_of(p.evidence)), result,
                 lambda g: f"{g.count} {g.what}")
    _score_pairs("statements", article.statements, extraction.statements,
                 lambda g, p: p.kind == g.kind and overlaps(g.span, _span_of(p.evidence)), result,
                 lambda g: f"{g.kind} {_excerpt(g.text, 40)!r}")

    def same_relation(g, p) -> bool:
        return (g.predicate == p.predicate and actors.same_actor(g.subject, p.subject)
                and actors.same_actor(g.object, p.object))
    _score_pairs("relations", article.relations, extraction.relations, same_relation, result,
                 lambda g: f"{g.subject} {g.predicate} {g.object}")
    _score_pairs("flags", article.flags, extraction.flags,
                 lambda g, p: p.kind == g.kind and overlaps(g.span, _span_of(p.evidence)), result,
                 lambda g: f"{g.kind} at {g.text!r}")
    for kind in MENTION_KINDS:
        gold = [m for m in article.mentions if m.kind == kind]
        predicted = [m for m in extraction.mentions if m.kind == kind]
        others = [m for m in extraction.mentions if m.kind in COMPATIBLE_KINDS.get(kind, ()) and m.kind != kind]
        pairs = assign(gold, predicted + others, lambda g, p: 1.0 if mention_found(g, p, actors) else None)
        counts = result.fields[f"mentions_{kind}"]
        counts.add(Counts(correct=len(pairs), predicted=len(predicted), gold=len(gold)))
        found = {i for i, _ in pairs}
        missed = [g for i, g in enumerate(gold) if i not in found]
        if missed:
            result.errors.append(f"{kind} mentions missed or misresolved: "
                                 + ", ".join(repr(g.text) for g in missed[:6]) + (" …" if len(missed) > 6 else ""))


def mention_found(gold, predicted, actors: ActorMatcher) -> bool:
    """The predicted mention covers the gold words and resolves as the gold says."""
    if not overlaps(gold.span, tuple(predicted.span)):
        return False
    if gold.kind == "place":
        loc = predicted.location
        if loc is None or gold.country is None or (loc.country or "").upper() != gold.country.upper():
            return False
        return str(gold.precision) == "3" or gold.lat is None or km(loc.lat, loc.lon, gold.lat, gold.lon) <= NEAR_KM
    if gold.kind == "time":
        want = (gold.earliest, gold.latest or gold.earliest)
        return predicted_range(predicted.when) == want
    if gold.kind in ("actor", "person") and gold.name:
        ids = actors.gold_key(gold.name).ids
        return not ids or predicted.kb_id in ids
    return True


def score_article(article: GoldArticle, extraction: Optional[Extraction], actors: ActorMatcher,
                  failed: Optional[str] = None) -> ArticleResult:
    """Score one article; no extraction (a failed one) scores as nothing predicted."""
    extraction = extraction or Extraction(document=article.document().info())
    result = ArticleResult(id=article.id, origin=article.origin, gold_events=len(article.events),
                           predicted_events=len(extraction.events), matched=0, failed=failed)
    if failed:
        result.errors.append(f"extraction failed: {failed}")
    score_events(article, extraction, actors, result)
    score_others(article, extraction, actors, result)
    return result


FIELD_ORDER = ("detection", *(f.name for f in EVENT_FIELDS), "tallies", "statements", "relations", "flags",
               *(f"mentions_{k}" for k in MENTION_KINDS))
LABELS = {"detection": "event detection", **{f.name: f.label for f in EVENT_FIELDS},
          **{f"mentions_{k}": f"mentions: {k}" for k in MENTION_KINDS}}


def summarise(results: Iterable[ArticleResult]) -> Report:
    """Sum per-article counts into the report (micro-averages)."""
    results = list(results)
    fields = {name: Counts() for name in FIELD_ORDER}
    by_type: dict[str, Counts] = defaultdict(Counts)
    for r in results:
        for name, counts in r.fields.items():
            fields.setdefault(name, Counts()).add(counts)
        for name, counts in r.by_type.items():
            by_type[name].add(counts)
    return Report(articles=results, fields=fields, by_type=dict(by_type), labels=LABELS)


def score(gold: Iterable[GoldArticle], extractions: dict[str, Extraction], actors: Optional[ActorMatcher] = None,
          failures: Optional[dict[str, str]] = None) -> Report:
    """Score extractions (by document id) against gold articles; a missing extraction predicts nothing."""
    from .compare import get_matcher

    actors = actors or get_matcher()
    failures = failures or {}
    return summarise(score_article(a, extractions.get(a.id), actors, failures.get(a.id)) for a in gold)
