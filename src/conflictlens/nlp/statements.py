"""Statements: threats, demands, negotiations, denials, claims and other positions, with speaker
and attribution.

A cue phrase of lexicon/statements.yaml opens a statement ("vowed to retaliate", "demanded the
withdrawal", "talks reached a standstill", "denied any involvement", "its fighters had ...", "is
moving toward ..."); so do a conditional "<subject> would <verb> ... if ..." (a threat), a reported
intention "said (that) <subject> would <verb> ..." (a threat or a position) and an own action told in
quoted words, 'said it had killed "several terrorists"' (a claim). The statement keeps
  * text: the words from the cue to the end of its clause (before a trailing ", X said");
  * speaker: the actor just before the cue ("Kigali denies", "the group would", an anaphor such
    as "the group" read as the nearest group named before), else the innermost source of the
    reporting frame around it, else the nearest actor before it in the sentence; a demand made
    by a protest of its sentence ("marched to demand ...") is the crowd's, and a reported
    intention is its reporter's ("the governor said the army would ...");
  * date: the sentence's time expression, else bounded by the publication day;
  * attribution: the reporting chain around the cue (nlp/attribution.py), outermost first;
  * evidence: the sentence.
A sentence gives at most one statement of each kind.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Union

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import Actor, Source, Span as TextSpan, Statement
from . import extensions  # noqa: F401
from .attribution import attribution_at
from .extensions import actor_mentions
from .rulekit import (Sentence, in_range, lexicon, lower_words, phrases, positions, published_when, sentences,
                      span_text, spans_in, with_text)
from .tokentable import token_table

log = logging.getLogger(__name__)

SUBJECT_REACH = 1     # words between a subject and its cue (after auxiliaries are skipped)
FALLBACK_REACH = 8    # how far back the nearest actor may stand when nothing closer speaks
SUBJECT_PHRASE_WORDS = 6  # the longest clause opening read as an unnamed speaker
CONDITION_REACH = 14  # words from "would" to its "if"
INTENTION_REACH = 16  # words from "said" to the "would" of what was said
QUOTED_SUBJECT_WORDS = 4  # the longest subject of a quoted claim after "saying" ("the convoy")
SPEAKER_KINDS = frozenset({"state", "state_forces", "militia", "umbrella", "rebel", "terrorist", "political",
                           "civilians", "company", "person", "unidentified", "other"})
CLAUSE_ENDS = frozenset({";", "–", "—"})
QUOTE_MARKS = frozenset({'"', "“", "”", "«", "»"})  # quotation marks (an apostrophe is no quotation)


@dataclass
class Cues:
    kinds: list[tuple[tuple[str, ...], str]]  # (cue, kind), longest first
    present: list
    modals: frozenset
    links: frozenset
    need_speaker: frozenset
    auxiliaries: frozenset
    tail: frozenset
    heads: frozenset
    final_denials: frozenset
    dropped: frozenset
    clause_openers: frozenset = frozenset()
    subject_skips: frozenset = frozenset()
    pronouns: frozenset = frozenset()
    participles: frozenset = frozenset()
    crowd_kinds: frozenset = frozenset()
    crowd_events: frozenset = frozenset()
    negations: frozenset = frozenset()
    negative_reports: frozenset = frozenset()
    threat_words: frozenset = frozenset()
    quoted_claims: list = None  # openers of a claim when the verb after them opens a quotation ("it had killed \"...")
    claim_auxiliaries: frozenset = frozenset()  # their last words ("had", "has")
    by_first: dict = None  # first word -> its (cue, kind) pairs of `kinds`, in their order


def _index(pairs: list[tuple[tuple[str, ...], str]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list] = {}
    for cue, kind in pairs:
        index.setdefault(cue[0] if cue else "", []).append((cue, kind))
    return index


@lru_cache(maxsize=1)
def get_cues() -> Cues:
    lex = lexicon("statements.yaml")
    pairs = [(cue, kind) for kind, items in (lex.get("kinds") or {}).items() for cue in phrases(items)]
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    words = lambda key: frozenset(str(w).lower() for w in lex.get(key) or [])  # noqa: E731
    if any(not cue for cue, _ in pairs):
        raise ValueError("statements.yaml: an empty cue")
    return Cues(pairs, phrases(lex.get("present")), words("conditional_modals"), words("conditional_links"),
                words("need_speaker"), words("auxiliaries"), words("reporting_tail"), words("group_heads"),
                words("clause_final_denials"), words("dropped_auxiliaries"), words("clause_openers"),
                words("subject_skips"), words("subject_pronouns"), words("reporting_participles"),
                words("crowd_kinds"), frozenset(lex.get("crowd_event_types") or []), words("negations"),
                words("negative_reports"),
                words("threat_words"), phrases(lex.get("quoted_claims")),
                frozenset(opener[-1] for opener in phrases(lex.get("quoted_claims"))), _index(pairs))


def _generic(actor: Actor) -> bool:
    """Unnamed people of no country ("civilians", "protesters", "gunmen"): a speaker only when they are
    the subject of the cue, never by being the nearest name."""
    from ..kb import get_kb

    entry = get_kb().actors.get(actor.kb_id) if actor.kb_id else None
    return entry is not None and entry.country is None and entry.kind in ("civilians", "unidentified", "other")


def _cue_at(words: list[str], i: int, cues: Cues) -> Optional[tuple[tuple[str, ...], str]]:
    """The longest cue starting at word i, with its kind (only cues of that first word are tried)."""
    if i >= len(words):
        return None
    for cue, kind in cues.by_first.get(words[i], ()):
        if tuple(words[i:i + len(cue)]) == cue:
            return cue, kind
    return None


class StatementFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.words = lower_words(doc)
        self.alpha = token_table(doc).alpha
        self.cues = get_cues()
        # the words a statement can open at: a cue's first word, a clause-final denial, a conditional modal
        self.starts = (self.cues.by_first.keys() | self.cues.final_denials | self.cues.modals
                       | {opener[0] for opener in self.cues.quoted_claims} | self.cues.participles
                       | self.cues.negative_reports)
        # (trigger start, trigger end, actor1) of the protests and riots, by character offset
        self.crowds = [(e.trigger.start, e.trigger.end, e.actor1) for e in doc._.events or []
                       if e.event_type in self.cues.crowd_events and e.actor1 is not None]

    def run(self) -> list[Statement]:
        statements = []
        doc = self.doc
        # the actor mentions in text order (as spans_in gives them) and the words a statement can open at
        mentions = sorted(actor_mentions(doc), key=lambda m: m.start)
        mention_starts = [m.start for m in mentions]
        opening = positions(self.words, self.starts)
        for sent in sentences(doc):
            at = in_range(opening, sent.start, sent.end)
            if not at:
                continue
            kinds_seen: set[str] = set()
            actors: Optional[list[Span]] = None  # the sentence's actor mentions, made when a cue needs them
            last: Optional[Statement] = None  # the sentence's latest statement
            for i in at:
                found = _cue_at(self.words, i, self.cues)
                own_clause = False  # "a charge X denies": X, not the reporter of the sentence, denies
                cue_start, reported = i, None
                intention = None
                if self.words[i] in self.cues.modals and (found is None or found[1] == "other") \
                        and not self._conditional(sent, i):
                    intention = self._intention(sent, i)  # "said the army would ...", before "would send"
                if intention is not None:
                    kind, start, said = intention
                    cue, cue_start, reported = (self.words[i],), start, (i, said)
                elif found is not None:
                    cue, kind = found
                    start = i
                    own_clause = kind == "denial" and self._ends_clause(sent, i + len(cue))  # "which X denied."
                elif self.words[i] in self.cues.final_denials and self._ends_clause(sent, i + 1):
                    cue, kind = (self.words[i],), "denial"
                    start = self._clause_start(sent, i)
                    own_clause = True
                elif (denied := self._negative_report(sent, i)) is not None:
                    start, said = denied
                    cue, kind, cue_start, reported = (self.words[i],), "denial", start, (i, said)
                elif (quoted := self._quoted_claim(sent, i)) is not None:
                    start, cue_end = quoted
                    cue, kind = tuple(self.words[i:cue_end]), "claim"
                elif self.words[i] in self.cues.modals and self._conditional(sent, i):
                    cue, kind = (self.words[i],), "threat"
                    actors = self._actors(sent, mentions, mention_starts) if actors is None else actors
                    start = self._subject_start(sent, i, actors)
                else:
                    continue
                if kind in kinds_seen:
                    continue
                actors = self._actors(sent, mentions, mention_starts) if actors is None else actors
                shared = last.speaker if last is not None and reported is None and self._coordinated(sent, cue_start) \
                    else None
                statement = self._statement(sent, actors, kind, start, cue_start, i + len(cue), own_clause, reported,
                                            shared)
                if statement is not None:
                    kinds_seen.add(kind)
                    statements.append(statement)
                    last = statement
        return statements

    def _actors(self, sent: Sentence, mentions: list, mention_starts: list[int]) -> list[Span]:
        """The actor mentions inside the sentence, as Spans, in text order (what spans_in gives)."""
        return [Span(self.doc, m.start, m.end)
                for m in mentions[bisect.bisect_left(mention_starts, sent.start):
                                  bisect.bisect_right(mention_starts, sent.end)] if m.end <= sent.end]

    def _ends_clause(self, sent: Sentence, k: int) -> bool:
        return k >= sent.end or (self.doc[k].is_punct and not self.doc[k].is_quote)

    def _clause_start(self, sent: Sentence, i: int) -> int:
        """First word after the comma before i ('..., a charge the SDF denies' -> 'a charge ...')."""
        k = i
        while k > sent.start and self.words[k - 1] not in (",", ";", "(", "–", "—"):
            k -= 1
        return k

    def _quoted_claim(self, sent: Sentence, i: int) -> Optional[tuple[int, int]]:
        """'it had <verb> "<the speaker's words>"': an organisation telling of its own action in words the
        outlet quotes rather than vouches for (said it had killed "several terrorists"); after "saying" any
        short subject will do ('claimed the attack, saying the convoy had been "targeted for ..."'). The
        start of the claim and the end of its cue (the verb)."""
        w = self.words
        for opener in self.cues.quoted_claims:
            k = i + len(opener)  # the verb
            if k + 1 < sent.end and tuple(w[i:k]) == opener and self.alpha[k] and w[k + 1] in QUOTE_MARKS:
                return i, k + 1
        if w[i] not in self.cues.participles:
            return None
        had = next((k for k in range(i + 2, min(sent.end, i + 2 + QUOTED_SUBJECT_WORDS))
                    if w[k] in self.cues.claim_auxiliaries or not self.alpha[k]), None)
        if had is None or w[had] not in self.cues.claim_auxiliaries:
            return None
        k = had + 1 + int(had + 1 < sent.end and w[had + 1] == "been")
        if k < sent.end and w[k] not in QUOTE_MARKS and self.alpha[k]:
            k += 1  # the verb
        return (i + 1, k) if k < sent.end and w[k] in QUOTE_MARKS else None

    def _negative_report(self, sent: Sentence, i: int) -> Optional[tuple[int, int]]:
        """'said (that) (there were) no <noun> ...' (negative_reports): a reported denial ("said no civilians had
        been harmed", "said there were no fighters in the village"); its start and the reporting verb."""
        w = self.words
        if w[i] not in self.cues.negative_reports:
            return None
        start = i - 2 if i - 2 > sent.start and w[i - 2] == "there" and w[i - 1] in ("was", "were") else i
        k = start - 1
        if k > sent.start and w[k] == "that":
            if w[k - 1] == "and":  # "adding that ... and that no civilians had been harmed"
                k = next((x for x in range(k - 2, sent.start - 1, -1) if w[x] == "that"), k)
            k = next((x for x in range(k - 1, max(sent.start, k - 4) - 1, -1) if w[x] in self.cues.tail
                      or w[x] in self.cues.participles or not self.alpha[x]), k)
        if k >= sent.start and (w[k] in self.cues.tail or w[k] in self.cues.participles):
            return start, k
        return None

    def _intention(self, sent: Sentence, i: int) -> Optional[tuple[str, int, int]]:
        """'said (that) <subject> would <verb> ...': a reported intention, with the start of its subject and
        the reporting verb. A threat when a part of it ('would X and would Y') is not negated and quotes the
        speaker, is a passive done to others ('would be dealt with') or names force (threat_words); else a
        position ("other")."""
        w = self.words
        r = next((k for k in range(i - 1, max(sent.start, i - INTENTION_REACH) - 1, -1)
                  if w[k] in self.cues.tail or w[k] in self.cues.participles or w[k] in (",", ";", ":")), None)
        if r is None or w[r] not in self.cues.tail and w[r] not in self.cues.participles:
            return None
        that = [k for k in range(r + 1, i) if w[k] == "that"]
        start = that[-1] + 1 if that else r + 1
        start = max([start] + [span.end for span in spans_in(self.doc, "times", start, i)])  # "said on Friday he"
        if start >= i or self.doc[start].is_punct and not self.doc[start].is_quote or w[start:i] == ["there"]:
            return None  # "there would be no talks": no one's intention
        end = self._clause_end(sent, i + 1)
        if any(x != i and _cue_at(w, x, self.cues) for x in range(start, end)):
            return None  # "said a committee to negotiate ... would meet": the cue there says what it is
        parts, k = [], i
        for x in range(i + 1, end):
            if w[x] == "and" and x + 1 < end and w[x + 1] in self.cues.modals:
                parts.append((k, x))
                k = x + 1
        parts.append((k, end))
        for lo, hi in parts:
            after = [x for x in range(lo + 1, hi) if w[x] not in QUOTE_MARKS]
            if not after or w[after[0]] in self.cues.negations:
                continue
            quoted = any(w[x] in QUOTE_MARKS for x in range(lo + 1, hi))
            passive = w[after[0]] == "be" and len(after) > 1 and w[after[1]] not in ("a", "an", "the", "no")
            if quoted or passive or any(w[x] in self.cues.threat_words for x in after):
                return "threat", start, r
        return "other", start, r

    def _coordinated(self, sent: Sentence, cue_start: int) -> bool:
        """'X demanded ... and (has) threatened to ...': the cue follows 'and', so it shares the subject before."""
        j = cue_start
        while j > sent.start and self.words[j - 1] in self.cues.auxiliaries:
            j -= 1
        return j > sent.start and self.words[j - 1] == "and"

    def _conditional(self, sent: Sentence, i: int) -> bool:
        """'would <verb> ... if ...' within one clause."""
        for k in range(i + 1, min(sent.end, i + CONDITION_REACH)):
            if self.words[k] in self.cues.links:
                return k > i + 1
            if self.words[k] in CLAUSE_ENDS or self.words[k] == ".":
                return False
        return False

    def _subject_start(self, sent: Sentence, i: int, actors: list[Span]) -> int:
        j = i
        while j > sent.start and self.words[j - 1] in self.cues.auxiliaries:
            j -= 1
        span = next((s for s in actors if s.end == j), None)
        if span is not None:
            return span.start
        if j - 1 > sent.start and self.words[j - 1] in self.cues.heads and self.words[j - 2] == "the":
            return j - 2
        if j - 1 >= sent.start and self.words[j - 1] in ("it", "they", "he", "she"):
            return j - 1
        return i

    # --- speaker ---------------------------------------------------------------------------------
    def _subject(self, sent: Sentence, cue_start: int, actors: list[Span]) -> Optional[Actor]:
        """The actor that says it: named right before the cue, or referred to as 'the group'."""
        j = cue_start
        while j > sent.start and self.words[j - 1] in self.cues.auxiliaries:
            j -= 1
        if "been" in self.words[j:cue_start]:
            return None  # a passive: its subject is what was done to, not who says it
        near = [s for s in actors if s.end <= j and j - s.end <= SUBJECT_REACH and s._.actor.kind in SPEAKER_KINDS
                and not any(self.doc[k].text in (",", ".", ";") for k in range(s.end, j))]
        if near:
            return with_text(near[-1]._.actor, near[-1])
        head = j - 1
        if head > sent.start and self.words[head] in self.cues.heads and "the" in self.words[max(sent.start, head - 2):head]:
            return self._antecedent(sent, head, self.words[head])
        return None

    def _antecedent(self, sent: Sentence, head: int, noun: str) -> Optional[Actor]:
        """'the terror group' / 'the group': the nearest non-state group named before, in this sentence
        or the ones before it."""
        groups = ("militia", "umbrella", "rebel", "terrorist", "political", "other")
        prior = [s for s in spans_in(self.doc, "actors", 0, head) if s._.actor is not None
                 and s._.actor.kind in groups and not _generic(s._.actor)]
        if not prior:
            return None
        span = prior[-1]
        start = head - 1
        while start > sent.start and self.words[start] != "the":
            start -= 1
        mention = self.doc[start:head + 1]
        return span._.actor.model_copy(update={"text": mention.text, "span": (mention.start_char, mention.end_char)})

    def _crowd(self, sent: Sentence, cue_start: int) -> Optional[Actor]:
        """The crowd of a protest or riot whose trigger comes before the cue in its sentence, with no
        reporting verb between ("traders marched on Tuesday to demand ...", "blocked the road,
        demanding ..."): the protesters make the demand."""
        table = token_table(self.doc)
        lo, cue_char = table.idx[sent.start], table.idx[cue_start]
        before = [(end, actor) for start, end, actor in self.crowds if lo <= start and end <= cue_char]
        if not before:
            return None
        end, actor = max(before, key=lambda pair: pair[0])
        between = range(bisect.bisect_left(table.idx, end), cue_start)
        return None if any(self.words[k] in self.cues.tail for k in between) else actor

    def _speaker(self, sent: Sentence, cue_start: int, actors: list[Span], chain: list[Source],
                 own_clause: bool = False, needed: bool = True, kind: str = "") -> Optional[Union[Actor, Source]]:
        subject = self._subject(sent, cue_start, actors)
        if subject is not None:
            return subject
        if own_clause and (phrase := self._subject_phrase(sent, cue_start, actors)) is not None:
            return phrase
        if kind in self.cues.crowd_kinds and (crowd := self._crowd(sent, cue_start)) is not None:
            return crowd
        if chain:
            return chain[-1]
        before = [s for s in actors if s.end <= cue_start and cue_start - s.end <= FALLBACK_REACH
                  and s._.actor.kind in SPEAKER_KINDS and not _generic(s._.actor)]
        if before:
            return with_text(before[-1]._.actor, before[-1])
        if not needed:
            return None  # "Talks ... stalled": no speaker is read into the words
        return self._subject_phrase(sent, cue_start, actors)

    def _sentence_subject(self, sent: Sentence, actors: list[Span]) -> Optional[Actor]:
        """The actor that opens the sentence, else its words up to the first comma (up to 6, no time or
        place among them): the subject of a cue set off by commas from it."""
        first = sent.start
        while first < sent.end and (self.doc[first].is_space or self.doc[first].is_quote):
            first += 1
        span = next((a for a in actors if a.start == first or a.start == first + 1 and self.words[first] == "the"), None)
        if span is not None:
            return with_text(span._.actor, span) if span._.actor.kind in SPEAKER_KINDS else None
        comma = next((x for x in range(first, min(sent.end, first + SUBJECT_PHRASE_WORDS + 1)) if self.words[x] == ","),
                     None)
        if comma is None or comma == first or any(
                spans_in(self.doc, group, first - 1, comma + 1) for group in ("times", "places", "sources")):
            return None
        phrase = self.doc[first:comma]
        if not phrase[0].text[:1].isupper() or any(t.like_num for t in phrase):
            return None
        return Actor(kb_id=None, name=phrase.text, text=phrase.text, span=(phrase.start_char, phrase.end_char),
                     kind="unidentified")

    def _subject_phrase(self, sent: Sentence, cue_start: int, actors: list[Span]) -> Optional[Actor]:
        """No known actor speaks: the words that open the cue's clause ("US officials called on",
        "a charge opposition leaders in exile deny"), kept unlinked; "it"/"they" is the last group or
        force named before."""
        j = cue_start
        while j > sent.start and self.words[j - 1] in self.cues.auxiliaries:
            j -= 1
        k = j
        while k > sent.start and self.words[k - 1] not in self.cues.clause_openers and not self.doc[k - 1].is_punct:
            k -= 1
        while k < j and (self.words[k] in self.cues.subject_skips or self.doc[k].is_space):
            k += 1  # "a charge opposition leaders deny": the charge is what is denied
        if k < j and self.words[j - 1] in self.cues.pronouns:
            k = j - 1  # "in a statement on Monday it warned": the pronoun is the subject
        if k - 1 > sent.start and self.words[k - 1] == "," and all(
                self.words[x] in self.cues.participles for x in range(k, j)):
            return self._sentence_subject(sent, actors)  # "A, the group that ..., denied"; "A claimed X, saying"
        for group in ("times", "places"):  # "Last month Déby threatened": the words after the time
            k = max([k] + [span.end for span in spans_in(self.doc, group, k, j)])
        if k >= j or j - k > SUBJECT_PHRASE_WORDS or any(t.like_num for t in self.doc[k:j]):
            return None
        phrase = self.doc[k:j]
        if j - k == 1 and self.words[k] in self.cues.pronouns:
            prior = [s for s in spans_in(self.doc, "actors", 0, k) if s._.actor is not None
                     and s._.actor.kind in SPEAKER_KINDS - {"person", "civilians"} and not _generic(s._.actor)]
            if not prior:
                return None
            return prior[-1]._.actor.model_copy(update={"text": phrase.text,
                                                        "span": (phrase.start_char, phrase.end_char)})
        if not any(t.is_alpha and not t.is_stop for t in phrase):
            return None
        return Actor(kb_id=None, name=phrase.text, text=phrase.text, span=(phrase.start_char, phrase.end_char),
                     kind="unidentified")

    # --- the statement ---------------------------------------------------------------------------
    def _clause_end(self, sent: Sentence, k: int) -> int:
        """End of the statement's words: the sentence end, a dash or semicolon, or ', <reporting verb>'."""
        w = self.words
        while k < sent.end:
            if w[k] in CLAUSE_ENDS:
                break
            if w[k] == "," and any(w[x] in self.cues.tail for x in range(k + 1, min(sent.end, k + 5))):
                break
            if w[k] == "and" and k + 1 < sent.end and (w[k + 1] in self.cues.tail or w[k + 1] == "that"
                                                       or _cue_at(w, k + 1, self.cues)):
                break  # "demanding X and warned that ...", "said it had X and that ...": the next statement
            k += 1
        while k > sent.start and (self.doc[k - 1].is_punct and not self.doc[k - 1].is_quote
                                  or self.doc[k - 1].is_space):
            k -= 1
        return k

    def _statement(self, sent: Sentence, actors: list[Span], kind: str, start: int, cue_start: int,
                   cue_end: int, own_clause: bool = False,
                   reported: Optional[tuple[int, int]] = None,
                   shared: Optional[Union[Actor, Source]] = None) -> Optional[Statement]:
        """The statement of a cue; `reported`: the modal of a reported intention and its reporting verb, where
        its reporting frame and, without one, its speaker are read; `shared`: the speaker of the statement
        before it that the cue is coordinated with ("demanded ... and threatened to")."""
        doc = self.doc
        table = token_table(doc)
        chain = attribution_at(doc, table.idx[cue_start if reported is None else reported[0]])
        if shared is not None:
            speaker = shared
        elif reported is not None and chain:
            speaker = chain[-1]  # "X said the army would ...": X speaks, not the army
        else:
            speaker = self._speaker(sent, cue_start if reported is None else reported[1], actors, chain, own_clause,
                                    kind in self.cues.need_speaker, kind)
            if speaker is None and reported is not None:
                speaker = self._sentence_subject(sent, actors)  # "X condemned the attack and said ..."
        if speaker is None and kind in self.cues.need_speaker:
            return None
        end = self._clause_end(sent, cue_end)
        if end <= cue_end and start == cue_start:  # "which Kigali denies": the clause is the statement
            start = self._clause_start(sent, cue_start)
        if end <= start:
            return None
        while start == cue_start and start < cue_end - 1 and self.words[start] in self.cues.dropped:
            start += 1  # "is preparing for ..." reads as "preparing for ..."
        text = table.span_text(start, end).strip()
        times = [t for t in spans_in(doc, "times", sent.start, sent.end) if t._.when is not None and t[0].lower_ != "since"]
        time = min(times, key=lambda t: min(abs(t.start - cue_start), abs(t.end - cue_start))) if times else None
        present = any(tuple(self.words[cue_start:cue_start + len(p)]) == p for p in self.cues.present)
        date = time._.when if time is not None else published_when(doc, present=present)
        first, last = sent.start, sent.end - 1
        while last > first and table.text[last].isspace():  # Token.is_space
            last -= 1
        s, e = table.idx[first], table.char_end(last)
        return Statement(kind=kind, speaker=speaker, text=text, date=date, attribution=chain,
                         evidence=TextSpan(text=span_text(doc, first, last + 1), start=s, end=e))


def find_statements(doc: Doc) -> list[Statement]:
    return StatementFinder(doc).run()


@Language.component("conflictlens_statements")
def statements_component(doc: Doc) -> Doc:
    doc._.statements = find_statements(doc)
    return doc
