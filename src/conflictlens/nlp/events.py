"""Pipeline component `conflictlens_events`: event mentions typed in ACLED's taxonomy, with roles,
place, date, fatalities, claims and attribution (docs/events.md).

Runs after actors, places, times and attribution and reads their spans. Steps per Doc:
triggers (nlp/triggers.py, words from kb/data/lexicon/events.yaml) -> filters (nlp/event_filters.py:
negated, hypothetical, aggregate mentions are no events) -> type -> roles (nlp/roles.py) -> place
and date (nlp/event_context.py) -> fatalities (nlp/fatalities.py) -> claims (here) -> merging of
mentions of one incident (nlp/merging.py) -> doc._.events (model.Event).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..kb import get_kb
from ..model import Actor, Event, Location, Span as TextSpan, When
from ..taxonomy import SUB_EVENT_TYPES, plover_for
from . import extensions  # noqa: F401
from .attribution import attribution_at
from .event_context import DocPlaces, date_for, location_of
from .extensions import Marked, marked
from .event_filters import EventFilter
from .fatalities import fatalities
from .mentions import GENERIC_KINDS, VIOLENT_TYPES, Mention, Reading
from .merging import ANAPHORA, MentionMerger
from .roles import (PASSIVE_AUX, Role, SentenceView, between_pair, by_phrase, civilian_subject, first_target, is_passive,
                    lex_flags, modifier, noun_actor, partners_after as _partners_after, subject)
from .rulekit import Sentence
from .tokentable import token_table
from .triggers import FirstWordMatcher, TriggerHit, get_finder, lexicon, phrase_pattern

log = logging.getLogger(__name__)

PROTEST_SUBS = frozenset({"Peaceful protest", "Protest with intervention", "Excessive force against protesters"})
ARMED_KINDS = frozenset({"state", "state_forces", "militia", "umbrella", "rebel", "terrorist", "unidentified"})
FORCE_TYPES = VIOLENT_TYPES | {"Strategic developments"}  # event types in which a state acts through its military
CLAIMING_KINDS = frozenset({"militia", "umbrella", "rebel", "terrorist"})  # who claims attacks (states announce)
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
        self._demonyms: dict[str, object] = {}  # word -> state entry or None
        self._country_names: dict[str, Optional[str]] = {}  # country code -> its state's name
        self.hours_later = tuple(f" {w} " for w in self.lex.get("hours_later", []))  # as found in Reading.spaced_words
        self.overnight_words = tuple(f" {w} " for w in self.lex.get("overnight_words", []))
        self.report_verbs = _words(self.lex["report_verbs"])
        self.civilian_nouns = _words(self.lex["civilian_nouns"])
        self.force_nouns = {k: tuple(str(n).lower() for n in v) for k, v in self.lex["force_nouns"].items()}
        self.pronouns = _words(self.lex["pronouns"])
        self.phrase_pronouns = tuple(f" {p} " for p in self.pronouns if " " in p)  # "the group", as in spaced words
        self.member_nouns = _words(self.lex.get("member_nouns", []))
        self.weapon_nouns = _words(self.lex.get("weapon_nouns", []))
        self.territory_types = frozenset(self.lex.get("territory_types", []))
        self.former_words = _words(self.lex.get("former_words", []))
        self.no_actor2_types = frozenset(self.lex.get("no_actor2_types", []))
        self.protest_participles = _words(self.lex.get("protest_participles", []))
        self.quantity_nouns = _words(self.lex.get("quantity_nouns", []))
        self.territory_from_cues = tuple(tuple(str(c).lower().split()) for c in self.lex.get("territory_from_cues", []))
        self.territory_leave_verbs = tuple(tuple(str(c).lower().split()) for c in self.lex.get("territory_leave_verbs", []))
        self.partner_cues = tuple(tuple(str(c).lower().split()) for c in self.lex.get("partner_cues", []))
        self.generic_ids: dict[str, str] = self.lex["generic_actors"]
        kb = get_kb()
        civilians = kb.actors[self.generic_ids["civilians"]]
        self.civilian_actor = Actor(kb_id=civilians.id, name=civilians.name, text="", kind=civilians.kind)
        self.filter = EventFilter(self.lex)
        self.merger = MentionMerger(self.report_verbs, self.pronouns)
        self.number_words = {str(k).lower(): int(v) for k, v in self.lex.get("number_words", {}).items()}
        self.claims = FirstWordMatcher(nlp.vocab)
        for n, phrase in enumerate(self.lex["claim_patterns"] + ["claimed by"]):
            self.claims.add(f"C{n}", [phrase_pattern(phrase)])
        cues = (self.lex.get("remote_fire") or {}).get("cues", [])
        self.remote_cues = FirstWordMatcher(nlp.vocab) if cues else None
        for n, phrase in enumerate(cues):
            self.remote_cues.add(f"R{n}", [phrase_pattern(phrase)])

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
        """The state a demonym names ("Iraqi"), or None; looked up once per word (the rules ask at every word)."""
        if not text[:1].isupper():
            return None
        if text not in self._demonyms:
            from .actors import lookup_demonym
            if len(self._demonyms) > 50_000:
                self._demonyms.clear()  # a long batch: capitalised words without end
            self._demonyms[text] = lookup_demonym(text)
        return self._demonyms[text]

    def country_name(self, code: Optional[str]) -> Optional[str]:
        if not code:
            return None
        if code not in self._country_names:
            state = get_kb().state_of(code)
            self._country_names[code] = state.name if state else None
        return self._country_names[code]

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
        table = token_table(doc)
        actors, places, times, sources = (marked(doc, group) for group in ("actors", "places", "times", "sources"))
        ctx = DocPlaces.of(table, actors, places, times, sources, self.report_verbs)
        source_tokens = {i for s in sources for i in range(s.start, s.end)}
        place_tokens = {i for s in places for i in range(s.start, s.end)}
        actor_at: dict[int, Marked] = {}
        speaker_actor: dict[int, Marked] = {}
        for span in actors:
            if span.actor is None or span.actor.kind == "person":
                continue
            target = speaker_actor if any(i in source_tokens for i in range(span.start, span.end)) else actor_at
            for i in range(span.start, span.end):
                target[i] = span
        floor = 0
        if ctx.dateline_end:
            floor = next((i + 1 for i in range(min(15, len(table))) if table.char_end(i) >= ctx.dateline_end), 0)
        rd = Reading(doc=doc, table=table, ctx=ctx, hits=hits, actor_at=actor_at, speaker_actor=speaker_actor,
                     place_tokens=place_tokens, source_tokens=source_tokens,
                     actor_tokens={i for s in actors for i in range(s.start, s.end)},
                     floor=floor, text=table.doc_text, times=[(s.start, s.end, s.when, s.text) for s in times],
                     published=doc._.published, hit_sentences={table.sent_of[h.start] for h in hits})
        lowers = table.lower
        mentions: list[Mention] = []
        by_sentence: dict[int, list[TriggerHit]] = {}
        for hit in hits:
            by_sentence.setdefault(table.sent_of[hit.start], []).append(hit)
        for sent_hits in by_sentence.values():
            sent = rd.sentence(sent_hits[0].start)
            kept = [h for h in sent_hits if self.filter.is_event(rd, sent, h)]
            strong = [h for h in kept if not h.entry.weak]
            if strong:
                kept = strong
            else:
                # "A soldier was killed when troops opened fire": the passive death is the outcome, the active verb the event
                active = [h for h in kept if h.start == sent.start or lowers[h.start - 1] not in PASSIVE_AUX]
                kept = (active or kept)[:1]
            seen_subs: set[str] = set()
            crowd: Optional[Mention] = None  # the protest or riot of this sentence
            for hit in kept:
                mention = self._mention(rd, sent, hit)
                if mention.sub in seen_subs or self.filter.background(rd, mention):
                    continue
                if mention.event_type in ("Protests", "Riots"):
                    if crowd is not None:
                        # "protesters threw stones and police responded with water cannon": one riot
                        if crowd.sub == "Peaceful protest":
                            crowd.sub = mention.sub
                        if crowd.actor2 is None:
                            crowd.actor2 = mention.actor2
                        crowd.crowd = crowd.crowd or mention.crowd
                        continue
                    crowd = mention
                seen_subs.add(mention.sub)
                mentions.append(mention)
        for mention in mentions:  # the speaker's own account of its attack is its claim
            if mention.claimed_by is None and mention.actor1 is not None and mention.actor1.how == "speaker" \
                    and mention.event_type in VIOLENT_TYPES and mention.actor1.actor.kind in CLAIMING_KINDS \
                    and self._own_report(rd, mention.sent, mention.hit):
                mention.claimed_by = mention.actor1.actor  # "Hezbollah said it had fired rockets": its own claim
        self._remote_attacks(rd, mentions)
        self._claims(rd, mentions)
        merged = self.merger.merge(table, mentions)
        self._context_targets(merged)
        digest = hashlib.sha1(rd.text.encode("utf-8")).hexdigest()[:12]  # of the text: stable event ids
        return [self._event(rd, m, ctx, digest) for m in merged]

    def _context_targets(self, merged: list[Mention]) -> None:
        """Targets the sentence leaves unnamed but the article tells: arrests after a protest or riot hold
        protesters or rioters; a drone or missile brought down belonged to whoever launched the last strike."""
        last_crowd: Optional[Mention] = None
        last_remote: Optional[Mention] = None
        kb = get_kb()
        for m in merged:
            unnamed = m.actor2 is None or m.actor2.actor.kb_id == self.generic_ids["civilians"]
            if m.sub == "Arrests" and unnamed and last_crowd is not None \
                    and (not m.own_time or m.when.latest == last_crowd.when.latest):  # a raid days later is no crowd's arrest
                entry = kb.actors[self.generic_ids["protesters" if last_crowd.event_type == "Protests" else "rioters"]]
                m.actor2 = Role(Actor(kb_id=entry.id, name=entry.name, text="", kind=entry.kind), m.hit.start, "context")
            elif m.sub == "Disrupted weapons use" and m.actor2 is None and last_remote is not None \
                    and last_remote.actor1 is not None and last_remote.actor1.actor.kind not in GENERIC_KINDS \
                    and (m.actor1 is None or m.actor1.actor.name != last_remote.actor1.actor.name):
                m.actor2 = Role(last_remote.actor1.actor, last_remote.actor1.token, "context")
            if m.event_type in ("Protests", "Riots"):
                last_crowd = m
            elif m.event_type == "Explosions/Remote violence":
                last_remote = m

    # ---- one mention
    def _view(self, rd: Reading, sent: Sentence, country: Optional[str]) -> SentenceView:
        """The role rules' view of a sentence (one per sentence and country: the rules only read it)."""
        view = rd.views.get((sent.start, country))
        if view is None:
            view = rd.views[(sent.start, country)] = SentenceView(
                doc=rd.doc, sent=sent, actor_at=rd.actor_at, place_tokens=rd.place_tokens, source_tokens=rd.source_tokens,
                report_verbs=self.report_verbs, force_nouns=self.force_nouns, civilian_nouns=self.civilian_nouns,
                demonym=self.demonym, forces=self.forces, country=country, floor=rd.floor,
                member_nouns=self.member_nouns, weapon_nouns=self.weapon_nouns,
                civilian_actor=self.civilian_actor, quantity_nouns=self.quantity_nouns,
                partner_cues=self.partner_cues, former_words=self.former_words, table=rd.table,
                marks=rd.clause_marks(sent, self.report_verbs), copies=rd.actor_copies)
        return view

    def _mention(self, rd: Reading, sent: Sentence, hit: TriggerHit) -> Mention:
        doc, ctx, table = rd.doc, rd.ctx, rd.table
        lowers = table.lower
        mention = Mention(hit=hit, sent=sent, sub=hit.entry.sub)
        # place first: the country of the event names the forces and generic actors
        trig_char = table.idx[hit.start]
        view0 = self._view(rd, sent, ctx.country)
        c_left, c_right = view0.clause_left(hit.start), view0.clause_right(hit.end, stop_at_comma=False)
        for (lo, hi, how) in ((table.idx[c_left] if c_left < len(table) else sent.start_char,
                               table.char_end(c_right - 1) if c_right > c_left else sent.end_char, "clause"),
                              (sent.start_char, sent.end_char, "sentence")):
            place = ctx.best_place(lo, hi, trig_char)
            if place is not None:
                mention.location, mention.location_how = self._location(rd, place), how
                mention.own_place = place.location.precision < 3  # a region does not set incidents apart
                break
        if mention.location is None:
            para_start = rd.text.rfind("\n\n", 0, sent.start_char)
            place = ctx.best_place(max(para_start, 0), sent.start_char, sent.start_char)
            if place is not None:
                mention.location, mention.location_how = self._location(rd, place), "paragraph"
            elif rd.last_location is not None:
                mention.location, mention.location_how = rd.last_location, "context"
            elif ctx.dateline_place is not None:
                mention.location, mention.location_how = ctx.dateline_place, "dateline"
        country = (mention.location.country if mention.location and mention.location.country else ctx.country)
        view = self._view(rd, sent, country)
        # anaphora: "the attack", "both the drone attack"
        j = hit.start - 1
        while j >= sent.start and (table.alpha[j] and lowers[j] not in ANAPHORA) and hit.start - j < 3 and hit.entry.form == "noun":
            if lowers[j] in ("a", "an"):
                break
            j -= 1
        mention.anaphoric = hit.entry.form == "noun" and j >= sent.start and lowers[j] in ANAPHORA
        self._roles(rd, sent, hit, mention, view)
        self._retype(rd, sent, hit, mention)
        if mention.event_type in ("Protests", "Riots"):
            mention.crowd = self._crowd(view, hit)
        target = mention.actor2
        if mention.event_type == "Riots" and target is not None and target.actor.kind == "civilians":
            span = rd.actor_at.get(target.token)
            after = span.end if span is not None else target.token + 1
            if after < sent.end and lowers[after] in self.protest_participles:
                # "attacked students protesting against quotas": the protesters are the target, the students their group
                protesters = get_kb().actors[self.generic_ids["protesters"]]
                mention.crowd = [target.actor] if target.actor.kb_id != self.generic_ids["civilians"] else []
                mention.actor2 = Role(Actor(kb_id=protesters.id, name=protesters.name, text=target.actor.text,
                                            span=target.actor.span, kind=protesters.kind), target.token, target.how)
        # date
        event_when, report_when = ctx.event_time(sent.start_char, sent.end_char, trig_char)
        mention.own_time = event_when is not None
        mention.reported_on = report_when is not None
        published = rd.published
        mention.when, mention.when_how = date_for(event_when, report_when, published)
        if event_when is None and rd.last_when is not None and sent.start - rd.last_when[0] < 120:
            # narrative continues ("Hours later", "On the same day"): the last dated event's day
            mention.when, mention.when_how = rd.last_when[1], "context"
            last = rd.last_when[1]
            if report_when is not None and report_when.latest and last.latest and last.latest < report_when.latest \
                    and (report_when.latest - last.latest).days <= 7:
                # "Troops later detained four men, the army said on Wednesday": after the narrative's day, by the report's
                mention.when = When(earliest=last.earliest or last.latest, latest=report_when.latest, precision="range")
        mention.fatalities = self._fatalities(rd, sent)
        if mention.fatalities is None and sent.end < len(table):
            following = rd.sentence(sent.end)
            if table.sent_of[following.start] not in rd.hit_sentences and self._fatalities(rd, following) == 0:
                mention.fatalities = 0  # "No casualties were reported." after the event
        if mention.location is not None and mention.location_how in ("clause", "sentence"):
            rd.last_location = mention.location
        words = rd.spaced_words(sent)
        if event_when is None and mention.when_how == "context" and mention.when.latest \
                and any(w in words for w in self.hours_later):
            # "Hours later, ...": the night may have turned; the last day or the next
            mention.when = When(earliest=mention.when.earliest or mention.when.latest,
                                latest=mention.when.latest + dt.timedelta(days=1), precision="range")
        if event_when is None and any(w in words for w in self.overnight_words):
            # "destroyed 12 drones overnight, the ministry said": the night before the report (or publication)
            day = report_when.latest if report_when is not None and report_when.latest else published
            if day is not None:
                mention.when = When(earliest=day - dt.timedelta(days=1), latest=day, precision="range")
        later = self._days_later(table, sent)
        if event_when is None and later is not None and mention.when_how == "context" and mention.when.latest:
            # "Two days later, troops raided a house": counted from the narrative's day
            day = mention.when.latest + dt.timedelta(days=later)
            mention.when = When(earliest=day, latest=day, precision="day")
        if event_when is None and report_when is not None and report_when.latest and self._own_report(rd, sent, hit):
            # "Police said on Thursday they had arrested a man": an actor announcing its own act dates it by the announcement
            mention.when = When(text=report_when.text, span=report_when.span, earliest=report_when.latest,
                                latest=report_when.latest, precision="day")
        if mention.when_how == "sentence" and not mention.anaphoric:
            rd.last_when = (sent.end, mention.when)
        return mention

    @staticmethod
    def _location(rd: Reading, place: Marked) -> Location:
        """location_of a place span, made once per place: the mentions of a place share it, as those
        placed from context or the dateline share theirs."""
        loc = rd.places.get((place.start, place.end))
        if loc is None:
            loc = rd.places[(place.start, place.end)] = location_of(place)
        return loc

    def _fatalities(self, rd: Reading, sent: Sentence) -> Optional[int]:
        """fatalities() of a sentence, counted once per sentence (each of its mentions asks)."""
        if sent.start not in rd.deaths:
            rd.deaths[sent.start] = fatalities(sent, self.lex)
        return rd.deaths[sent.start]

    def _crowd(self, view: SentenceView, hit: TriggerHit) -> list[Actor]:
        """The groups a protest or riot names in its clause: civilian groups ("students", "displaced families")
        and named organisations ("supporters of the X Committee"); ACLED makes them associated actors."""
        left, right = view.clause_left(hit.start), view.clause_right(hit.end, stop_at_comma=False)
        found: list[Actor] = []
        crowd_ids = {self.generic_ids["civilians"], self.generic_ids["protesters"], self.generic_ids["rioters"]}
        seen: set[int] = set()
        for j in range(left, right):
            span = view.actor_at.get(j)
            if span is None or span.start in seen:
                continue
            seen.add(span.start)
            actor: Actor = span.actor
            if actor.kb_id in crowd_ids or actor.kind not in ("civilians", "political", "other") \
                    or actor.kind != "civilians" and span.start >= hit.start:
                continue  # organisations count as the crowd only as its subject ("supporters of X marched")
            if all(a.kb_id != actor.kb_id for a in found):
                found.append(actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)}))
        return found

    def _days_later(self, table, sent: Sentence) -> Optional[int]:
        """"Two days later", "a day later", "the next day" at the start of a sentence: how many days on."""
        words = []
        for w in table.lower[sent.start:sent.end]:
            if not w.isspace():
                words.append(w)
                if len(words) == 5:
                    break
        numbers = self.number_words
        for i in range(len(words) - 2):
            if words[i + 1] in ("day", "days") and words[i + 2] == "later":
                value = numbers.get(words[i]) if not words[i].isdigit() else int(words[i])
                if value:
                    return value
        if words[:3] in (["the", "next", "day"], ["the", "following", "day"]):
            return 1
        return None

    def _own_report(self, rd: Reading, sent: Sentence, hit: TriggerHit) -> bool:
        """A reporting verb, then "they/it/we had" right before the trigger: the speaker tells of its own act."""
        words = rd.table.lower[sent.start:hit.start]
        said = next((i for i, w in enumerate(words) if w in self.report_verbs), None)
        if said is None:
            return False
        tail = [w for w in words[said + 1:] if w != "that"]
        return len(tail) <= 8 and bool(tail) and tail[-1] in ("had", "have", "has") \
            and bool(set(tail[-3:-1]) & {"they", "it", "we", "its", "their", "our"})

    def _roles(self, rd: Reading, sent: Sentence, hit: TriggerHit, mention: Mention, view: SentenceView) -> None:
        right = view.clause_right(hit.end)
        # "fought off fighters who attacked a base": the object ends where its relative clause begins
        words = view.words
        for j in range(hit.end, right):
            if words[j] in ("who", "which", "whose"):
                right = j
                break
        if hit.entry.form == "noun":
            mention.actor1 = modifier(view, hit.start) or by_phrase(view, hit.end, view.clause_right(hit.end, False))
            if mention.actor1 is None:
                own, _ = noun_actor(view, hit.start, hit.end)  # the trigger names its force: "warplanes struck"
                if own is not None and own.kind != "civilians":
                    mention.actor1 = Role(own, hit.start, "noun")
            if mention.actor1 is None and not LIGHT_VERBS.isdisjoint(words[max(sent.start, hit.start - 5):hit.start]):
                # "X carried out / launched <trigger>": the subject of the light verb
                mention.actor1 = subject(view, hit.start)
            target = None
            for j in range(hit.end, right):
                if words[j] in ("on", "against", "targeting", "at"):
                    target = first_target(view, j + 1, view.clause_right(j + 1))
                    break
            if target is None:
                # the nominal is the subject of a verb: "a missile strike hit an apartment block"
                target = first_target(view, hit.end, view.clause_right(hit.end))
            mention.actor2 = target
            pair = between_pair(view, hit.end, view.clause_right(hit.end, False))
            if pair and mention.actor1 is None:
                mention.actor1, mention.actor2 = pair
            if mention.actor1 is None and SUB_EVENT_TYPES[hit.entry.sub] == "Battles":
                self._battle_sides(sent, hit, mention, view)
        else:
            pair = between_pair(view, hit.end, view.clause_right(hit.end, False))
            if pair:
                mention.actor1, mention.actor2 = pair
            elif is_passive(view, hit.start):
                # a weak passive ("11 people were killed") counts victims of the event around it, no target of its own
                near = None if hit.entry.weak else self._patient_start(view, hit)
                mention.actor2 = first_target(view, near, hit.start) if near is not None else subject(view, hit.start)
                mention.actor1 = by_phrase(view, hit.end, view.clause_right(hit.end, False))
            else:
                mention.actor1 = subject(view, hit.start) or modifier(view, hit.start)
                inside = first_target(view, hit.start + 1, hit.end) if hit.end - hit.start > 2 else None
                mention.actor2 = inside or first_target(view, hit.end, right)  # "killed six villagers", "shot dead X"
                if mention.actor1 is None and civilian_subject(view, hit.start) and mention.sub in ("Attack", "Armed clash"):
                    if mention.actor2 is None:
                        # a headline's passive with its verb only ("Farmers shot dead in Borno"): the farmers are the target
                        mention.actor2 = first_target(view, view.clause_left(hit.start), hit.start)
                    else:
                        mention.sub = "Mob violence"  # "residents armed with sticks attacked migrants"
        if mention.actor1 is None and hit.entry.form == "verb":
            own, _ = noun_actor(view, hit.start, hit.end)  # the pattern holds its subject: "warplanes had struck"
            if own is not None and own.kind != "civilians":
                mention.actor1 = Role(own, hit.start, "noun")
        if mention.actor2 is None:
            mention.actor2 = self._participle_target(sent, hit, view)
        if hit.entry.sub in self.territory_types and (mention.actor2 is None or mention.actor2.actor.kind == "civilians"):
            mention.actor2 = self._former_holder(sent, hit, mention, view) or mention.actor2
        if (mention.actor1 is None or mention.actor1.how == "noun") and hit.entry.form == "verb":
            # "it said its fighters had attacked"; a noun trigger's "their vehicle struck a bomb" names a victim
            speaker = self._pronoun_speaker(rd, sent, hit, view)
            if speaker is not None:
                mention.actor1 = speaker
        if hit.entry.defends and mention.actor2 is not None and mention.actor1 is not None:
            mention.actor1, mention.actor2 = mention.actor2, mention.actor1  # "X repelled Y's assault": Y attacked
        if mention.actor1 and mention.actor2 and mention.actor1.actor.name == mention.actor2.actor.name:
            mention.actor2 = None

    def _patient_start(self, view: SentenceView, hit: TriggerHit) -> Optional[int]:
        """Where the subject of a passive trigger starts when a comma or "and" sets it apart from the clause's
        first phrase: in "settlers stormed the village, and a man was shot dead" the man, never the settlers."""
        left = view.clause_left(hit.start)
        for j in range(hit.start - 1, left, -1):
            if view.text(j) == "," or view.lower(j) == "and":
                return j + 1
        return None

    def _battle_sides(self, sent: Sentence, hit: TriggerHit, mention: Mention, view: SentenceView) -> None:
        """A nominal battle with no perpetrator ("killed in a gunfight with soldiers", "Soldiers killed four
        members of X in a gunfight"): its sides are the sentence's subject, the one it acted on before the
        trigger, and the party "with X" after it. State forces come first (ACLED's habit for battles)."""
        sides: list[Role] = []
        main = subject(view, hit.start, left=sent.start)
        if main is not None:
            sides.append(main)
            j = main.token + 1
            skip = self.member_nouns | self.weapon_nouns | {"security", "special", "armed", "ground", "forces"}
            while j < hit.start and (view.actor_at.get(j) is view.actor_at.get(main.token) is not None or view.lower(j) in skip):
                j += 1  # "Taliban security forces": one actor
            while j < hit.start:
                other = first_target(view, j, hit.start)
                if other is None:
                    break
                if other.actor.kind != "civilians":
                    sides.append(other)
                    break
                j = other.token + 1
        right = view.clause_right(hit.end, False)
        for j in range(hit.end, right):
            if view.lower(j) == "with":
                role = first_target(view, j + 1, view.clause_right(j + 1, False))
                if role is not None and role.actor.kind != "civilians":
                    sides.append(_partners_after(view, role, view.clause_right(j + 1, False)))
                break
        seen, unique = set(), []
        for role in sides:
            if role.actor.name not in seen:
                seen.add(role.actor.name)
                unique.append(role)
        unique.sort(key=lambda r: r.actor.kind not in ("state", "state_forces"))
        if unique:
            mention.actor1 = unique[0]
        if len(unique) > 1:
            mention.actor2 = unique[1]

    def _former_holder(self, sent: Sentence, hit: TriggerHit, mention: Mention, view: SentenceView) -> Optional[Role]:
        """Who held the territory before: "retook X from Y", "after driving out Y", "after Y abandoned it",
        "villages that Y seized" (lexicon `territory_from_cues`, `territory_leave_verbs`)."""
        mine = mention.actor1.actor.name if mention.actor1 else None

        def usable(role: Optional[Role]) -> Optional[Role]:
            if role is None or role.actor.kind == "civilians" or role.actor.name == mine:
                return None
            return role

        for j in range(hit.end, sent.end):
            for cue in self.territory_from_cues:
                if tuple(view.words[j:min(j + len(cue), sent.end)]) == cue:
                    start = j + len(cue)
                    role = usable(first_target(view, start, view.clause_right(start, False)))
                    if role is not None:
                        return role
        for j in range(sent.start, sent.end):
            if j in range(hit.start, hit.end):
                continue
            for verb in self.territory_leave_verbs:
                if tuple(view.words[j:min(j + len(verb), sent.end)]) == verb:
                    role = usable(subject(view, j))
                    if role is not None:
                        return role
        return None

    def _participle_target(self, sent: Sentence, hit: TriggerHit, view: SentenceView) -> Optional[Role]:
        """', killing five police officers': the people killed tell the target when no object does."""
        words = view.words
        for j in range(hit.end, sent.end):
            if words[j] in ("killing", "killed", "wounding", "injuring"):
                return first_target(view, j + 1, view.clause_right(j + 1))
        return None

    def _pronoun_speaker(self, rd: Reading, sent: Sentence, hit: TriggerHit, view: SentenceView) -> Optional[Role]:
        """'X said its fighters had attacked ...': X acted (and, being the speaker, claims it)."""
        doc, speaker_actor = rd.doc, rd.speaker_actor
        left = view.clause_left(hit.start)
        words = set(view.words[left:hit.start])
        before = " " + " ".join(view.words[left:hit.start]) + " "
        if not words & {"it", "its", "they", "their"}:
            if any(p in before for p in self.phrase_pronouns):
                return self._last_armed_actor(rd, sent, view)  # "The fighters looted shops"
            return None
        chain = attribution_at(doc, rd.table.idx[hit.start])
        if not chain:
            return self._last_armed_actor(rd, sent, view)
        for source in reversed(chain):
            if source.span is None:
                continue
            for i in range(sent.start, sent.end):
                span = speaker_actor.get(i) or view.actor_at.get(i)
                if span is not None and span.start_char < source.span[1] and source.span[0] < span.end_char:
                    actor = span.actor
                    if actor.kind in GENERIC_KINDS or actor.kind == "person":
                        continue
                    actor = actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)})
                    return Role(actor, span.start, "speaker")
            entry = get_kb().actors.get(source.kb_id or "")
            if entry is not None and entry.kind not in GENERIC_KINDS and entry.kind != "person":
                text = doc.char_span(*source.span, alignment_mode="expand").text
                return Role(Actor(kb_id=entry.id, name=entry.name, text=text, span=source.span, kind=entry.kind),
                            hit.start, "speaker")
        return self._last_armed_actor(rd, sent, view)  # the speaker is no actor: "they" is the last group

    def _last_armed_actor(self, rd: Reading, sent: Sentence, view: SentenceView) -> Optional[Role]:
        """'they', 'the group' with no speaker: the last named armed non-state actor of the three sentences before."""
        speaker_actor, table = rd.speaker_actor, rd.table
        first = sent.start
        for _ in range(3):
            if first == 0:
                break
            first = table.sentence_of(first - 1)[0]
        for i in range(sent.start - 1, first - 1, -1):
            span = view.actor_at.get(i) or speaker_actor.get(i)
            if span is not None and span.actor.kind in ("militia", "umbrella", "rebel", "terrorist"):
                actor = span.actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)})
                return Role(actor, span.start, "pronoun")
        return None

    def _retype(self, rd: Reading, sent: Sentence, hit: TriggerHit, mention: Mention) -> None:
        entry = hit.entry
        words = rd.spaced_words(sent)
        by_context = mention.sub != entry.sub  # the roles already told ("residents attacked": mob violence)
        for context_words, sub in entry.spaced_context:
            if any(w in words for w in context_words):
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

    # ---- attacks from afar
    def _remote_attacks(self, rd: Reading, mentions: list[Mention]) -> None:
        """Generic attacks that the text shows were made from afar: by a group described as firing toward a
        place, or by a state (not forces on the ground) in another country (lexicon `remote_fire`,
        `foreign_state_strike`)."""
        doc, table = rd.doc, rd.table
        remote = self.lex.get("remote_fire") or {}
        firers: set[str] = set()
        for _, start, end in self.remote_cues.find(doc) if self.remote_cues is not None else []:
            sent = rd.sentence(start)
            view = self._view(rd, sent, rd.ctx.country)
            role = subject(view, start)
            if role is None and set(table.lower[sent.start:start]) & {"they", "it", "group"}:
                role = self._last_armed_actor(rd, sent, view)
            if role is not None:
                firers.add(role.actor.name)
        words = _words(remote.get("applies_to", []))
        strike = self.lex.get("foreign_state_strike") or {}
        for m in mentions:
            actor = m.actor1.actor if m.actor1 else None
            if actor is None:
                continue
            trigger = table.span_text(m.hit.start, m.hit.end).lower()
            if actor.name in firers and trigger in words and m.event_type == "Battles":
                m.sub = remote["sub"]
                continue
            if actor.kind == "state" and m.sub in strike.get("from", []) and m.location is not None:
                entry = get_kb().actors.get(actor.kb_id or "")
                home = getattr(entry, "country", None) if entry is not None else None
                if home and m.location.country and home != m.location.country:
                    m.sub = strike["sub"]

    # ---- claims
    def _claims(self, rd: Reading, mentions: list[Mention]) -> None:
        doc, speaker_actor, table = rd.doc, rd.speaker_actor, rd.table
        lowers = table.lower
        matches = sorted(self.claims.find(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        taken: set[int] = set()
        for match_id, start, end in matches:
            if start in taken:
                continue  # the longest claim phrase at a position speaks ("claimed by X", not "claimed")
            taken.update(range(start, end))
            sent = rd.sentence(start)
            before = lowers[max(sent.start, start - 4):start]
            if set(before) & _words(self.lex["claim_negation"]):
                continue
            if any(lex_flags(doc.vocab, table.text[j])[2] or lowers[j] in ("more", "dozens", "hundreds", "several")
                   for j in range(start, end)):
                continue  # "has claimed more than 900 attacks": a tally, not a claim of one event
            view = self._view(rd, sent, rd.ctx.country)
            claimer = None
            if table.span_text(start, end).lower() == "claimed by":
                claimer = by_phrase(view, start, view.clause_right(end, False))
            if claimer is None:
                claimer = subject(view, start)
                if claimer is not None and view.clause_left(start) > sent.start:
                    claimer = subject(view, start, left=sent.start) or claimer
                # "X, the group that has fought Y for years, claimed responsibility": X speaks, so it is a source span
                speaking = next((speaker_actor[j] for j in range(max(sent.start, rd.floor), start) if j in speaker_actor), None)
                if speaking is not None and (claimer is None or speaking.start < claimer.token) \
                        and speaking.actor.kind not in GENERIC_KINDS and speaking.actor.kind != "person":
                    claimer = Role(speaking.actor.model_copy(update={"text": speaking.text,
                                                                       "span": (speaking.start_char, speaking.end_char)}),
                                   speaking.start, "subject")
                if claimer is None:
                    for j in range(start - 1, sent.start - 1, -1):
                        span = speaker_actor.get(j)  # the group speaking: "X said in a statement it claimed"
                        if span is not None:
                            claimer = Role(span.actor.model_copy(update={"text": span.text, "span": (span.start_char, span.end_char)}),
                                           span.start, "subject")
                            break
            if claimer is None and not {"they", "it", "group"}.isdisjoint(lowers[sent.start:start]):
                claimer = self._last_armed_actor(rd, sent, view)
            if claimer is None or claimer.actor.kind in GENERIC_KINDS or claimer.actor.kind == "person" or claimer.how == "noun":
                continue
            target = self._claimed_mention(mentions, sent, start)
            if target is None or lowers[start] == "said" and target.sent.start != sent.start:
                continue  # "said its forces had neutralised 1,150 militants": speaks of its own sentence only
            target.claimed_by = claimer.actor
            if target.actor1 is None or target.actor1.actor.kind in GENERIC_KINDS or target.actor1.how in ("noun", "default"):
                target.actor1 = Role(claimer.actor, claimer.token, "claim")

    def _claimed_mention(self, mentions: list[Mention], sent: Sentence, at: int) -> Optional[Mention]:
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
        if actor.kind == "state" and SUB_EVENT_TYPES[sub] in FORCE_TYPES:
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

    def _default_actor(self, rd: Reading, which: str, sub: str, country: Optional[str]) -> Optional[Actor]:
        """The lexicon's default actor (`default_actor1`, `default_actor2`) of a sub-type: a generic actor id,
        or "police"/"military" (the forces of the event's country). Made once per Doc and shared by its
        events, as the generic actors are (an Actor is never changed in place; the rules copy one)."""
        key = (which, sub, country)
        if key not in rd.made_actors:
            rd.made_actors[key] = self._make_default(self.lex.get(which) or {}, sub, country)
        return rd.made_actors[key]

    def _make_default(self, defaults: dict, sub: str, country: Optional[str]) -> Optional[Actor]:
        default_id = defaults.get(sub)
        if default_id in ("police", "military"):
            return self.forces(country, default_id)
        entry = get_kb().actors.get(default_id or "")
        if entry is not None:
            return self._name(Actor(kb_id=entry.id, name=entry.name, text="", kind=entry.kind), country, sub)
        return None

    def _generic(self, rd: Reading, role: str, country: Optional[str], sub: str) -> Actor:
        """The generic actor of a role (lexicon `generic_actors`), named with the country; made once per Doc."""
        key = (role, sub, country)
        if key not in rd.made_actors:
            entry = get_kb().actors[self.generic_ids[role]]
            rd.made_actors[key] = self._name(Actor(kb_id=entry.id, name=entry.name, text="", kind=entry.kind), country, sub)
        return rd.made_actors[key]

    def _default_actor1(self, rd: Reading, sub: str, country: Optional[str]) -> Optional[Actor]:
        actor = self._default_actor(rd, "default_actor1", sub, country)
        if actor is not None:
            return actor
        if SUB_EVENT_TYPES[sub] in VIOLENT_TYPES:
            return self._generic(rd, "unidentified", country, sub)
        return None

    def _event(self, rd: Reading, m: Mention, ctx: DocPlaces, digest: str) -> Event:
        country = (m.location.country if m.location else None) or ctx.country
        actor1 = self._name(m.actor1.actor, country, m.sub) if m.actor1 else None
        assoc1 = [self._name(a, country, m.sub) for a in (m.actor1.assoc if m.actor1 else [])]
        if actor1 is not None and m.sub in PROTEST_SUBS and actor1.kind in ("civilians", "state", "state_forces"):
            actor1 = None  # ACLED: the protesters are actor1 of a protest
        if actor1 is not None and m.event_type == "Riots" and (actor1.kind in ("civilians", "state", "state_forces")
                                                                or actor1.kb_id == self.generic_ids["protesters"]
                                                                or m.actor1.how == "pronoun"):
            actor1 = None  # and rioters of a riot ("they" of a riot is no armed group)
        crowd = [self._name(a, country, m.sub) for a in m.crowd]
        if actor1 is not None and m.event_type in ("Protests", "Riots") and actor1.kind in ("political", "other") \
                and actor1.kb_id not in (self.generic_ids["protesters"], self.generic_ids["rioters"]):
            crowd = [actor1] + [a for a in crowd if a.kb_id != actor1.kb_id]  # "BYC supporters held a sit-in":
            actor1 = None  # the protesters are actor1, the organisation their associated actor
        if actor1 is None:
            actor1 = self._default_actor1(rd, m.sub, country)
        actor2 = self._name(m.actor2.actor, country, m.sub) if m.actor2 else None
        if actor2 is not None and actor2.kind == "civilians" and m.sub in self.territory_types:
            actor2 = None  # "recaptured two villages": the villages are the territory, not a target
        if m.sub in self.no_actor2_types:
            actor2 = None
        elif actor2 is None:
            actor2 = self._default_actor(rd, "default_actor2", m.sub, country)
        assoc2: list[Actor] = []
        if actor2 is not None and actor2.kind == "civilians" and actor2.kb_id not in (None, self.generic_ids["civilians"]):
            # ACLED: "Civilians (Nigeria)" is the actor, "Farmers (Nigeria)" its associated actor
            assoc2 = [actor2]
            actor2 = self._generic(rd, "civilians", country, m.sub).model_copy(update={"text": actor2.text, "span": actor2.span})
        if m.sub == "Excessive force against protesters":
            # the dev set's convention: the force that fired is actor1, the protesters actor2 with their groups
            force = actor2 if actor2 is not None and actor2.kind in ("state", "state_forces") else \
                self._default_actor(rd, "default_actor2", m.sub, country)
            actor1, actor2 = force, self._generic(rd, "protesters", country, m.sub)
            assoc2, crowd = crowd, []
        elif m.event_type in ("Protests", "Riots") and m.sub != "Mob violence":
            assoc1 = assoc1 + [a for a in crowd if all(a.name != b.name for b in assoc1)]
        elif m.sub == "Mob violence":
            assoc1 = assoc1 + [a for a in crowd if a.kind != "civilians" and all(a.name != b.name for b in assoc1)]
            if actor2 is not None and actor2.kb_id == self.generic_ids["protesters"]:
                assoc2 = [a for a in crowd if a.kind == "civilians"]
        claimed = self._name(m.claimed_by, country, m.sub) if m.claimed_by else None
        if actor2 is not None and actor1 is not None and actor2.name == actor1.name:
            actor2 = None
        if m.event_type == "Battles" and actor1 is not None and actor2 is None and actor1.kind in ("state", "state_forces") \
                and m.sub not in self.territory_types:
            actor2 = self._generic(rd, "unidentified", country, m.sub)  # state forces fought someone the text does not name
        if m.event_type == "Battles" and actor1 is not None and actor2 is not None and actor2.kind == "civilians":
            # a battle is fought between armed sides: civilians are not one; the other side is unidentified
            actor2 = self._generic(rd, "unidentified", country, m.sub).model_copy(update={"text": actor2.text, "span": actor2.span})
        fatal = m.fatalities
        if fatal is None and m.sub in self.lex.get("zero_fatality_types", []):
            fatal = 0
        table = rd.table
        trig_start, trig_end = table.idx[m.hit.start], table.char_end(m.hit.end - 1)
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
        return Event(
            id=f"{digest}-{trig_start}",
            event_type=m.event_type, sub_event_type=m.sub, plover=plover_for(m.sub),
            actor1=actor1, assoc_actor1=[a for a in assoc1 if actor1 is None or a.name != actor1.name],
            actor2=actor2, assoc_actor2=assoc2, location=m.location, date=m.when, fatalities=fatal, claimed_by=claimed,
            attribution=attribution_at(rd.doc, trig_start),
            trigger=TextSpan(text=table.span_text(m.hit.start, m.hit.end), start=trig_start, end=trig_end),
            evidence=TextSpan(text=sent_text, start=m.sent.start_char, end=m.sent.start_char + len(sent_text)),
            confidence=round(max(0.05, min(0.95, confidence)), 2),
        )


@Language.factory("conflictlens_events")
def make_events(nlp: Language, name: str) -> EventExtractor:
    return EventExtractor(nlp)
