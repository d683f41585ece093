"""Pipeline component `conflictlens_events`: event mentions typed in ACLED's taxonomy, with roles,
place, date, fatalities, claims and attribution (docs/events.md).

Runs after actors, places, times and attribution and reads their spans. Steps per Doc:
triggers (nlp/triggers.py, words from kb/data/lexicon/events.yaml) -> filters (nlp/event_filters.py:
negated, hypothetical, aggregate mentions are no events) -> type -> roles (nlp/roles.py) -> place
and date (nlp/event_context.py) -> fatalities (nlp/fatalities.py) -> claims (here) -> merging of
mentions of one incident (nlp/merging.py) -> doc._.events (model.Event).
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from ..kb import get_kb
from ..model import Actor, Event, Span as TextSpan
from ..taxonomy import SUB_EVENT_TYPES, plover_for
from . import extensions  # noqa: F401
from .attribution import attribution_at
from .event_context import DocPlaces, date_for, location_of
from .event_filters import EventFilter
from .fatalities import fatalities
from .mentions import GENERIC_KINDS, VIOLENT_TYPES, Mention, Reading
from .merging import ANAPHORA, MentionMerger
from .roles import (Role, SentenceView, between_pair, by_phrase, civilian_subject, first_target, is_passive, modifier,
                    subject)
from .triggers import TriggerHit, get_finder, lexicon, phrase_pattern

log = logging.getLogger(__name__)

PROTEST_SUBS = frozenset({"Peaceful protest", "Protest with intervention", "Excessive force against protesters"})
ARMED_KINDS = frozenset({"state", "state_forces", "militia", "umbrella", "rebel", "terrorist", "unidentified"})
LIGHT_VERBS = frozenset({"carried", "carry", "launched", "conducted", "staged", "mounted", "executed", "waged", "led", "claimed",
                         "perpetrated", "made", "out"})


@lru_cache(maxsize=1)
def _kb_tables():
    """State forces by (state id, kind) and generic actor ids, from the knowledge base."""
    kb = get_kb()
    forces: dict[tuple[str, str], object] = {}
    for entry in kb.actors.values():
        if entry.kind == "state_forces" and entry.forces_of:
            kind = "police" if entry.name.startswith("Police") else "military" if entry.name.startswith("Military") else None
            if kind:
                forces[(entry.forces_of, kind)] = entry
    generic = {e.id for e in kb.actors.values() if e.kind in GENERIC_KINDS} | set(lexicon()["generic_actors"].values())
    return forces, generic


def _words(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items)


class EventExtractor:
    """The component: lexicon and matchers built once, then one pass per Doc."""

    def __init__(self, nlp: Language):
        self.lex = lexicon()
        self.vocab = nlp.vocab
        self.report_verbs = _words(self.lex["report_verbs"])
        self.civilian_nouns = _words(self.lex["civilian_nouns"])
        self.force_nouns = {k: tuple(str(n).lower() for n in v) for k, v in self.lex["force_nouns"].items()}
        self.pronouns = _words(self.lex["pronouns"])
        self.member_nouns = _words(self.lex.get("member_nouns", []))
        self.weapon_nouns = _words(self.lex.get("weapon_nouns", []))
        self.territory_types = frozenset(self.lex.get("territory_types", []))
        self.generic_ids: dict[str, str] = self.lex["generic_actors"]
        kb = get_kb()
        civilians = kb.actors[self.generic_ids["civilians"]]
        self.civilian_actor = Actor(kb_id=civilians.id, name=civilians.name, text="", kind=civilians.kind)
        self.filter = EventFilter(self.lex)
        self.merger = MentionMerger(self.report_verbs, self.pronouns)
        self.claims = Matcher(nlp.vocab)
        for n, phrase in enumerate(self.lex["claim_patterns"] + ["claimed by"]):
            self.claims.add(f"C{n}", [phrase_pattern(phrase)])

    # ---- knowledge-base helpers
    def forces(self, state_or_country, kind: str) -> Optional[Actor]:
        forces, _ = _kb_tables()
        kb = get_kb()
        if state_or_country is None:
            return None
        state = state_or_country if not isinstance(state_or_country, str) else kb.state_of(state_or_country)
        if state is None:
            return None
        entry = forces.get((state.id, kind))
        if entry is None:
            return None
        return Actor(kb_id=entry.id, name=entry.name, text=entry.name, kind="state_forces")

    def demonym(self, text: str):
        from .actors import lookup_demonym
        return lookup_demonym(text) if text[:1].isupper() else None

    def country_name(self, code: Optional[str]) -> Optional[str]:
        if not code:
            return None
        state = get_kb().state_of(code)
        return state.name if state else None

    # ---- the pass over a Doc
    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.events = self.events(doc)
        except Exception:  # one odd sentence must not cost the document its other results
            log.exception("events component failed on a document")
            doc._.events = []
        return doc

    def events(self, doc: Doc) -> list[Event]:
        hits = get_finder(doc.vocab)(doc)
        if not hits:
            return []
        ctx = DocPlaces.of(doc, self.report_verbs)
        source_tokens = {t.i for s in doc.spans.get("sources", []) for t in s}
        place_tokens = {t.i for s in doc.spans.get("places", []) for t in s}
        actor_at: dict[int, Span] = {}
        speaker_actor: dict[int, Span] = {}
        for span in doc.spans.get("actors", []):
            if span._.actor is None or span._.actor.kind == "person":
                continue
            target = speaker_actor if any(t.i in source_tokens for t in span) else actor_at
            for t in span:
                target[t.i] = span
        floor = 0
        if ctx.dateline_end:
            floor = next((t.i + 1 for t in doc[:15] if t.idx + len(t) >= ctx.dateline_end), 0)
        rd = Reading(doc=doc, ctx=ctx, hits=hits, actor_at=actor_at, speaker_actor=speaker_actor, place_tokens=place_tokens,
                     source_tokens=source_tokens, actor_tokens={t.i for s in doc.spans.get("actors", []) for t in s},
                     floor=floor)
        mentions: list[Mention] = []
        by_sentence: dict[int, list[TriggerHit]] = {}
        for hit in hits:
            by_sentence.setdefault(doc[hit.start].sent.start, []).append(hit)
        for sent_start, sent_hits in by_sentence.items():
            sent = doc[sent_start].sent
            kept = [h for h in sent_hits if self.filter.is_event(rd, sent, h)]
            strong = [h for h in kept if not h.entry.weak]
            if strong:
                kept = strong
            else:
                kept = kept[:1]
            seen_subs: set[str] = set()
            crowd: Optional[Mention] = None  # the protest or riot of this sentence
            for hit in kept:
                mention = self._mention(rd, sent, hit)
                if mention.sub in seen_subs or self.filter.background(doc, mention):
                    continue
                if mention.event_type in ("Protests", "Riots"):
                    if crowd is not None:
                        # "protesters threw stones and police responded with water cannon": one riot
                        if crowd.sub == "Peaceful protest":
                            crowd.sub = mention.sub
                        if crowd.actor2 is None:
                            crowd.actor2 = mention.actor2
                        continue
                    crowd = mention
                seen_subs.add(mention.sub)
                mentions.append(mention)
        self._claims(rd, mentions)
        merged = self.merger.merge(doc, mentions)
        return [self._event(doc, m, ctx) for m in merged]

    # ---- one mention
    def _view(self, rd: Reading, sent: Span, country: Optional[str]) -> SentenceView:
        return SentenceView(doc=rd.doc, sent=sent, actor_at=rd.actor_at, place_tokens=rd.place_tokens,
                            source_tokens=rd.source_tokens,
                            report_verbs=self.report_verbs, force_nouns=self.force_nouns, civilian_nouns=self.civilian_nouns,
                            demonym=self.demonym, forces=self.forces, country=country, floor=rd.floor,
                            member_nouns=self.member_nouns, weapon_nouns=self.weapon_nouns,
                            civilian_actor=self.civilian_actor)

    def _mention(self, rd: Reading, sent: Span, hit: TriggerHit) -> Mention:
        doc, ctx = rd.doc, rd.ctx
        mention = Mention(hit=hit, sent=sent, sub=hit.entry.sub)
        # place first: the country of the event names the forces and generic actors
        trig_char = doc[hit.start].idx
        view0 = self._view(rd, sent, ctx.country)
        c_left, c_right = view0.clause_left(hit.start), view0.clause_right(hit.end, stop_at_comma=False)
        for (lo, hi, how) in ((doc[c_left].idx if c_left < len(doc) else sent.start_char,
                               doc[c_right - 1].idx + len(doc[c_right - 1]) if c_right > c_left else sent.end_char, "clause"),
                              (sent.start_char, sent.end_char, "sentence")):
            place = ctx.best_place(lo, hi, trig_char)
            if place is not None:
                mention.location, mention.location_how = location_of(place), how
                mention.own_place = place._.location.precision < 3  # a region does not set incidents apart
                break
        if mention.location is None:
            para_start = doc.text.rfind("\n\n", 0, sent.start_char)
            place = ctx.best_place(max(para_start, 0), sent.start_char, sent.start_char)
            if place is not None:
                mention.location, mention.location_how = location_of(place), "paragraph"
            elif rd.last_location is not None:
                mention.location, mention.location_how = rd.last_location, "context"
            elif ctx.dateline_place is not None:
                mention.location, mention.location_how = ctx.dateline_place, "dateline"
        country = (mention.location.country if mention.location and mention.location.country else ctx.country)
        view = self._view(rd, sent, country)
        # anaphora: "the attack", "both the drone attack"
        j = hit.start - 1
        while j >= sent.start and (doc[j].is_alpha and doc[j].lower_ not in ANAPHORA) and hit.start - j < 3 and hit.entry.form == "noun":
            if doc[j].lower_ in ("a", "an"):
                break
            j -= 1
        mention.anaphoric = hit.entry.form == "noun" and j >= sent.start and doc[j].lower_ in ANAPHORA
        self._roles(doc, sent, hit, mention, view, rd.speaker_actor)
        self._retype(doc, sent, hit, mention)
        # date
        event_when, report_when = ctx.event_time(doc, sent.start_char, sent.end_char, trig_char)
        mention.own_time = event_when is not None
        mention.when, mention.when_how = date_for(event_when, report_when, doc._.published)
        if event_when is None and rd.last_when is not None and sent.start - rd.last_when[0] < 120:
            # narrative continues ("Hours later", "On the same day"): the last dated event's day
            mention.when, mention.when_how = rd.last_when[1], "context"
        mention.fatalities = fatalities(sent, self.lex)
        if mention.fatalities is None and sent.end < len(doc):
            following = doc[sent.end].sent
            if not any(following.start <= h.start < following.end for h in rd.hits) \
                    and fatalities(following, self.lex) == 0:
                mention.fatalities = 0  # "No casualties were reported." after the event
        if mention.location is not None and mention.location_how in ("clause", "sentence"):
            rd.last_location = mention.location
        if mention.when_how == "sentence" and not mention.anaphoric:
            rd.last_when = (sent.end, mention.when)
        return mention

    def _roles(self, doc, sent, hit, mention: Mention, view: SentenceView, speaker_actor) -> None:
        right = view.clause_right(hit.end)
        if hit.entry.form == "noun":
            mention.actor1 = modifier(view, hit.start) or by_phrase(view, hit.end, view.clause_right(hit.end, False))
            if mention.actor1 is None and any(doc[j].lower_ in LIGHT_VERBS for j in range(max(sent.start, hit.start - 5), hit.start)):
                # "X carried out / launched <trigger>": the subject of the light verb
                mention.actor1 = subject(view, hit.start)
            target = None
            for j in range(hit.end, right):
                if doc[j].lower_ in ("on", "against", "targeting", "at"):
                    target = first_target(view, j + 1, view.clause_right(j + 1))
                    break
            if target is None:
                # the nominal is the subject of a verb: "a missile strike hit an apartment block"
                target = first_target(view, hit.end, view.clause_right(hit.end))
            mention.actor2 = target
            pair = between_pair(view, hit.end, view.clause_right(hit.end, False))
            if pair and mention.actor1 is None:
                mention.actor1, mention.actor2 = pair
        else:
            pair = between_pair(view, hit.end, view.clause_right(hit.end, False))
            if pair:
                mention.actor1, mention.actor2 = pair
            elif is_passive(view, hit.start):
                mention.actor2 = subject(view, hit.start)
                mention.actor1 = by_phrase(view, hit.end, view.clause_right(hit.end, False))
            else:
                mention.actor1 = subject(view, hit.start) or modifier(view, hit.start)
                inside = first_target(view, hit.start + 1, hit.end) if hit.end - hit.start > 2 else None
                if mention.actor1 is None and civilian_subject(view, hit.start) and mention.sub in ("Attack", "Armed clash"):
                    mention.sub = "Mob violence"  # "residents armed with sticks attacked migrants"
                mention.actor2 = inside or first_target(view, hit.end, right)  # "killed six villagers", "shot dead X"
        if mention.actor2 is None:
            mention.actor2 = self._participle_target(doc, sent, hit, view)
        if mention.actor1 is None or mention.actor1.how == "noun":
            speaker = self._pronoun_speaker(doc, sent, hit, view, speaker_actor)
            if speaker is not None:
                mention.actor1 = speaker
        if hit.entry.defends and mention.actor2 is not None and mention.actor1 is not None:
            mention.actor1, mention.actor2 = mention.actor2, mention.actor1  # "X repelled Y's assault": Y attacked
        if mention.actor1 and mention.actor2 and mention.actor1.actor.name == mention.actor2.actor.name:
            mention.actor2 = None

    def _participle_target(self, doc, sent, hit, view: SentenceView) -> Optional[Role]:
        """', killing five police officers': the people killed tell the target when no object does."""
        for j in range(hit.end, sent.end):
            if doc[j].lower_ in ("killing", "killed", "wounding", "injuring"):
                return first_target(view, j + 1, view.clause_right(j + 1))
        return None

    def _pronoun_speaker(self, doc, sent, hit, view: SentenceView, speaker_actor) -> Optional[Role]:
        """'X said its fighters had attacked ...': X acted (and, being the speaker, claims it)."""
        left = view.clause_left(hit.start)
        words = {doc[j].lower_ for j in range(left, hit.start)}
        if not words & {"it", "its", "they", "their"}:
            return None
        chain = attribution_at(doc, doc[hit.start].idx)
        if not chain:
            return self._last_armed_actor(doc, sent, speaker_actor, view)
        for source in reversed(chain):
            if source.span is None:
                continue
            for i in range(sent.start, sent.end):
                span = speaker_actor.get(i) or view.actor_at.get(i)
                if span is not None and span.start_char < source.span[1] and source.span[0] < span.end_char:
                    actor = span._.actor
                    if actor.kind in GENERIC_KINDS or actor.kind == "person":
                        continue
                    actor = actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)})
                    return Role(actor, span.start, "speaker")
            entry = get_kb().actors.get(source.kb_id or "")
            if entry is not None and entry.kind not in GENERIC_KINDS and entry.kind != "person":
                text = doc.char_span(*source.span, alignment_mode="expand").text
                return Role(Actor(kb_id=entry.id, name=entry.name, text=text, span=source.span, kind=entry.kind),
                            hit.start, "speaker")
        return None

    def _last_armed_actor(self, doc, sent, speaker_actor, view: SentenceView) -> Optional[Role]:
        """'they', 'the group' with no speaker: the last named armed non-state actor of the three sentences before."""
        first = sent.start
        for _ in range(3):
            if first == 0:
                break
            first = doc[first - 1].sent.start
        for i in range(sent.start - 1, first - 1, -1):
            span = view.actor_at.get(i) or speaker_actor.get(i)
            if span is not None and span._.actor.kind in ("militia", "umbrella", "rebel", "terrorist"):
                actor = span._.actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)})
                return Role(actor, span.start, "pronoun")
        return None

    def _retype(self, doc, sent, hit, mention: Mention) -> None:
        entry = hit.entry
        words = " " + " ".join(t.lower_ for t in sent) + " "
        by_context = mention.sub != entry.sub  # the roles already told ("residents attacked": mob violence)
        for context_words, sub in entry.context:
            if any(f" {w.lower()} " in words for w in context_words):
                mention.sub, by_context = sub, True
                break
        target = mention.actor2.actor if mention.actor2 else None
        if target is not None and not by_context:
            if target.kind == "civilians" and entry.civilian_target:
                mention.sub = entry.civilian_target
            elif target.kind in ARMED_KINDS and target.kind != "unidentified" and entry.armed_target:
                mention.sub = entry.armed_target
        if mention.sub in PROTEST_SUBS:
            # protesters are actor1; the force that intervened is actor2
            if mention.actor1 and mention.actor1.actor.kind == "state_forces":
                mention.actor2, mention.actor1 = mention.actor1, None
            if mention.actor2 and mention.actor2.actor.kind not in ("state_forces", "state"):
                mention.actor2 = None

    # ---- claims
    def _claims(self, rd: Reading, mentions: list[Mention]) -> None:
        doc, speaker_actor = rd.doc, rd.speaker_actor
        matches = sorted(self.claims(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        taken: set[int] = set()
        for match_id, start, end in matches:
            if start in taken:
                continue  # the longest claim phrase at a position speaks ("claimed by X", not "claimed")
            taken.update(range(start, end))
            sent = doc[start].sent
            before = [t.lower_ for t in doc[max(sent.start, start - 4):start]]
            if set(before) & _words(self.lex["claim_negation"]):
                continue
            if any(t.like_num or t.lower_ in ("more", "dozens", "hundreds", "several") for t in doc[start:end]):
                continue  # "has claimed more than 900 attacks": a tally, not a claim of one event
            view = self._view(rd, sent, rd.ctx.country)
            claimer = None
            if doc[start:end].text.lower() == "claimed by":
                claimer = by_phrase(view, start, view.clause_right(end, False))
            if claimer is None:
                claimer = subject(view, start)
                if claimer is not None and view.clause_left(start) > sent.start:
                    claimer = subject(view, start, left=sent.start) or claimer
                if claimer is None:
                    for j in range(start - 1, sent.start - 1, -1):
                        span = speaker_actor.get(j)  # the group speaking: "X said in a statement it claimed"
                        if span is not None:
                            claimer = Role(span._.actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)}),
                                           span.start, "subject")
                            break
            if claimer is None and any(t.lower_ in ("they", "it", "group") for t in doc[max(sent.start, start - 3):start]):
                claimer = self._last_armed_actor(doc, sent, speaker_actor, view)
            if claimer is None or claimer.actor.kind in GENERIC_KINDS or claimer.actor.kind == "person" or claimer.how == "noun":
                continue
            target = self._claimed_mention(doc, mentions, sent, start)
            if target is None:
                continue
            target.claimed_by = claimer.actor
            if target.actor1 is None or target.actor1.actor.kind in GENERIC_KINDS or target.actor1.how in ("noun", "default"):
                target.actor1 = Role(claimer.actor, claimer.token, "claim")

    def _claimed_mention(self, doc, mentions: list[Mention], sent: Span, at: int) -> Optional[Mention]:
        """The event a claim at token `at` is about: one in its sentence, else the last violent one before it."""
        same = [m for m in mentions if m.sent.start == sent.start and m.event_type in VIOLENT_TYPES]
        if same:
            return same[0]
        earlier = [m for m in mentions if m.hit.start < at and m.event_type in VIOLENT_TYPES and not m.anaphoric]
        if earlier and sent.start - earlier[-1].sent.end < 120:
            return earlier[-1]
        return None

    # ---- the contract object
    def _name(self, actor: Optional[Actor], country: Optional[str], sub: str) -> Optional[Actor]:
        if actor is None:
            return None
        _, generic = _kb_tables()
        if actor.kind == "state" and SUB_EVENT_TYPES[sub] in VIOLENT_TYPES | {"Strategic developments"}:
            # ACLED codes a state acting with force as its military
            entry = get_kb().actors.get(actor.kb_id or "")
            forces = self.forces(entry, "military") if entry is not None else None
            if forces is not None:
                return forces.model_copy(update={"text": actor.text, "span": actor.span})
        if (actor.kb_id in generic or actor.kind in GENERIC_KINDS) and "(" not in actor.name:
            name = self.country_name(country)
            if name:
                return actor.model_copy(update={"name": f"{actor.name} ({name})"})
        return actor

    def _default_actor(self, defaults: dict, sub: str, country: Optional[str]) -> Optional[Actor]:
        """The lexicon's default actor of a sub-type: a generic actor id, or "police"/"military" (the
        forces of the event's country)."""
        default_id = defaults.get(sub)
        if default_id in ("police", "military"):
            return self.forces(country, default_id)
        entry = get_kb().actors.get(default_id or "")
        if entry is not None:
            return self._name(Actor(kb_id=entry.id, name=entry.name, text="", kind=entry.kind), country, sub)
        return None

    def _generic(self, role: str, country: Optional[str], sub: str) -> Actor:
        """The generic actor of a role (lexicon `generic_actors`), named with the country."""
        entry = get_kb().actors[self.generic_ids[role]]
        return self._name(Actor(kb_id=entry.id, name=entry.name, text="", kind=entry.kind), country, sub)

    def _default_actor1(self, sub: str, country: Optional[str]) -> Optional[Actor]:
        actor = self._default_actor(self.lex.get("default_actor1") or {}, sub, country)
        if actor is not None:
            return actor
        if SUB_EVENT_TYPES[sub] in VIOLENT_TYPES:
            return self._generic("unidentified", country, sub)
        return None

    def _event(self, doc: Doc, m: Mention, ctx: DocPlaces) -> Event:
        country = (m.location.country if m.location else None) or ctx.country
        actor1 = self._name(m.actor1.actor, country, m.sub) if m.actor1 else None
        assoc1 = [self._name(a, country, m.sub) for a in (m.actor1.assoc if m.actor1 else [])]
        if actor1 is not None and m.sub in PROTEST_SUBS and actor1.kind in ("civilians", "state", "state_forces"):
            actor1 = None  # ACLED: the protesters are actor1 of a protest
        if actor1 is not None and m.event_type == "Riots" and (actor1.kind in ("civilians", "state", "state_forces")
                                                                or actor1.kb_id == self.generic_ids["protesters"]):
            actor1 = None  # and rioters of a riot
        if actor1 is None:
            actor1 = self._default_actor1(m.sub, country)
        actor2 = self._name(m.actor2.actor, country, m.sub) if m.actor2 else None
        if actor2 is not None and actor2.kind == "civilians" and m.sub in self.territory_types:
            actor2 = None  # "recaptured two villages": the villages are the territory, not a target
        if actor2 is None:
            actor2 = self._default_actor(self.lex.get("default_actor2") or {}, m.sub, country)
        assoc2: list[Actor] = []
        if actor2 is not None and actor2.kind == "civilians" and actor2.kb_id not in (None, self.generic_ids["civilians"]):
            # ACLED: "Civilians (Nigeria)" is the actor, "Farmers (Nigeria)" its associated actor
            assoc2 = [actor2]
            actor2 = self._generic("civilians", country, m.sub).model_copy(update={"text": actor2.text, "span": actor2.span})
        claimed = self._name(m.claimed_by, country, m.sub) if m.claimed_by else None
        if actor2 is not None and actor1 is not None and actor2.name == actor1.name:
            actor2 = None
        fatal = m.fatalities
        if fatal is None and m.sub in self.lex.get("zero_fatality_types", []):
            fatal = 0
        trig = doc[m.hit.start:m.hit.end]
        sent_text = m.sent.text.rstrip()
        confidence = 0.45
        if m.actor1 is not None and m.actor1.how in ("subject", "by", "modifier", "speaker", "claim"):
            confidence += 0.2
        if m.location_how in ("clause", "sentence"):
            confidence += 0.15
        elif m.location_how == "none":
            confidence -= 0.1
        if m.when_how == "sentence":
            confidence += 0.1
        if m.hit.entry.weak:
            confidence -= 0.1
        confidence += 0.05 * min(len(m.merged), 2)
        digest = hashlib.sha1(doc.text.encode("utf-8")).hexdigest()[:12]
        return Event(
            id=f"{digest}-{trig.start_char}",
            event_type=m.event_type, sub_event_type=m.sub, plover=plover_for(m.sub),
            actor1=actor1, assoc_actor1=[a for a in assoc1 if actor1 is None or a.name != actor1.name],
            actor2=actor2, assoc_actor2=assoc2, location=m.location, date=m.when, fatalities=fatal, claimed_by=claimed,
            attribution=attribution_at(doc, trig.start_char),
            trigger=TextSpan(text=trig.text, start=trig.start_char, end=trig.end_char),
            evidence=TextSpan(text=sent_text, start=m.sent.start_char, end=m.sent.start_char + len(sent_text)),
            confidence=round(max(0.05, min(0.95, confidence)), 2),
        )


@Language.factory("conflictlens_events")
def make_events(nlp: Language, name: str) -> EventExtractor:
    return EventExtractor(nlp)
