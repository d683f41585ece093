"""Roles of an event: who acted (actor1) and on whom (actor2), from the sentence's token sequence.

No parser is required, so the rules read structure from the words: the subject is the nearest
actor to the left inside the trigger's clause that no preposition governs ("Gunmen from X" gives X),
the object the first actor or target noun after the trigger in its clause; "by X" after a passive
verb or a nominal trigger names the perpetrator, "on/against/targeting/at X" the target; a demonym
or actor in front of a nominal trigger ("a Turkish drone strike") is its perpetrator.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Container, Optional

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..model import Actor
from .extensions import Marked
from .rulekit import Sentence
from .tokentable import TokenTable, token_table

CLAUSE_WORDS = frozenset({"that", "when", "while", "after", "before", "but", "because", "although", "though", "whereas", "where",
                          "until"})
PREPOSITIONS = frozenset({"in", "near", "of", "from", "at", "on", "to", "with", "by", "against", "into", "toward", "towards",
                          "around", "outside", "across", "along", "between", "among", "for", "over", "under", "inside", "through",
                          "including", "like", "than", "about"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those", "some", "two", "several"})
PASSIVE_AUX = frozenset({"was", "were", "been", "being", "is", "are", "be", "got"})
TARGET_PREPS = frozenset({"on", "against", "targeting", "at", "with", "upon", "into"})
PERPETRATOR_PREPS = frozenset({"by"})
MEMBERSHIP_PREPS = frozenset({"from", "of"})
LOCATIVE_PREPS = frozenset({"in", "near", "at", "across", "inside", "outside", "around", "from", "toward", "towards", "into",
                            "of", "along", "over"})


@dataclass(slots=True)
class Role:
    """An actor in a role, with where it came from (to lower confidence when guessed)."""

    actor: Actor
    token: int  # where in the Doc the words were
    how: str  # subject, object, by, on, modifier, speaker, pronoun, noun, default
    assoc: list[Actor] = field(default_factory=list)  # acting with it: "US and British warplanes"


_LEX_FLAGS: dict[int, tuple[Vocab, dict[str, tuple[bool, bool, bool]]]] = {}


def lex_flags(vocab: Vocab, word: str) -> tuple[bool, bool, bool]:
    """(is_quote, is_punct, like_num) of a word, as its Token would tell (they are flags of the word's
    Lexeme): read once per word and vocabulary, not through a Token object per look."""
    held = _LEX_FLAGS.get(id(vocab))
    if held is None or held[0] is not vocab:
        held = _LEX_FLAGS[id(vocab)] = (vocab, {})
    flags = held[1].get(word)
    if flags is None:
        lex = vocab[word]
        flags = held[1][word] = (lex.is_quote, lex.is_punct, lex.like_num)
    return flags


@dataclass(slots=True)
class SentenceView:
    """What one sentence holds, indexed for the role rules."""

    doc: Doc
    sent: Sentence
    actor_at: dict[int, Marked]  # token -> actor span covering it (non-source)
    place_tokens: set[int]
    source_tokens: set[int]
    report_verbs: frozenset[str]
    force_nouns: dict[str, tuple[str, ...]]  # force kind -> nouns (lower case, may be multi-word)
    civilian_nouns: frozenset[str]
    demonym: callable  # text -> state entry or None
    forces: callable  # (state entry or country code, kind) -> Actor or None
    country: Optional[str]  # the event's country (ISO alpha-2) for forces named only by a noun
    floor: int = 0  # first token that may hold a role (after the dateline)
    member_nouns: frozenset[str] = frozenset()  # "fighters" of "fighters of X"
    weapon_nouns: frozenset[str] = frozenset()  # "drones" of "Ukrainian drones"
    civilian_actor: Optional[Actor] = None  # the generic actor a civilian noun names
    quantity_nouns: frozenset[str] = frozenset()  # "dozens" of "dozens of settlers": X is the phrase's head
    partner_cues: tuple[tuple[str, ...], ...] = ()  # "backed by", "supported by": X acts with the subject
    former_words: frozenset[str] = frozenset()  # "former", "retired": the person is a civilian
    table: Optional[TokenTable] = None  # token_table(doc): filled in after init
    marks: Optional[tuple[list[int], list[int]]] = None  # clause_marks(...) of the sentence: filled in after init if not given
    words: list[str] = field(default_factory=list)  # the table's lower-case words: filled in after init
    noun_starts: Container[str] = frozenset()  # the words a force or civilian noun can start with: filled in after init
    copies: dict = field(default_factory=dict)  # (start, end) of an actor span -> its actor as mentioned there (_from_span)

    def __post_init__(self) -> None:
        if self.table is None:
            self.table = token_table(self.doc)
        self.words = self.table.lower  # one list per Doc, not a Token object per look
        if self.marks is None:
            self.marks = clause_marks(self.table, self.sent.start, self.sent.end, self.report_verbs)
        self.noun_starts = noun_starts(self.force_nouns, self.civilian_nouns)

    def lower(self, i: int) -> str:
        return self.words[i]

    def text(self, i: int) -> str:
        return self.table.text[i]

    def state_at(self, i: int):
        """The state a demonym at token i names ("Nigerien"), or None (only capitalised words are looked up)."""
        return self.demonym(self.table.text[i]) if self.table.cap[i] else None

    def flags(self, i: int) -> tuple[bool, bool, bool]:
        """(is_quote, is_punct, like_num) of token i."""
        return lex_flags(self.doc.vocab, self.table.text[i])

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """The character offsets of tokens [start, end)."""
        return self.table.idx[start], self.table.char_end(end - 1)

    def clause_left(self, i: int) -> int:
        """First token of the clause that ends just before token i (skipping relative 'who/which'):
        the token after the last boundary before i, not before the sentence start or the floor."""
        floor = max(self.sent.start, self.floor)
        bounds = self.marks[0]
        k = bisect_left(bounds, i) - 1
        return bounds[k] + 1 if k >= 0 and bounds[k] >= floor else floor

    def clause_right(self, i: int, stop_at_comma: bool = True) -> int:
        """One past the last token of the clause starting at token i: the first boundary (or comma)
        from i on, else the sentence end."""
        end = self.sent.end
        for marks in (self.marks if stop_at_comma else self.marks[:1]):
            k = bisect_left(marks, i)
            if k < len(marks) and marks[k] < end:
                end = marks[k]
        return end

    def prev_word(self, i: int) -> int:
        """Index of the word before token i, skipping determiners and quotes."""
        j = i - 1
        while j >= self.sent.start and (self.words[j] in DETERMINERS or self.flags(j)[0]):
            j -= 1
        return j


def clause_marks(table: TokenTable, start: int, end: int, report_verbs: frozenset[str]) -> tuple[list[int], list[int]]:
    """The clause boundaries and the commas among tokens [start, end), in order: the clause rules then find
    the nearest one by bisection instead of testing each word. A boundary is ";" or ":", a clause word
    ("that", "when", "after" ...), a reporting verb, or a line break (a headline with no full stop ends there)."""
    stops = _clause_stops(report_verbs)
    bounds = [start + k for k, word in enumerate(table.lower[start:end]) if word in stops or ("\n" in word and word.isspace())]
    commas = [start + k for k, text in enumerate(table.text[start:end]) if text == ","]
    return bounds, commas


_CLAUSE_STOPS: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _clause_stops(report_verbs: frozenset[str]) -> frozenset[str]:
    """The words that end a clause (clause_marks, but for line breaks), built once per verb list."""
    held = _CLAUSE_STOPS.get(id(report_verbs))
    if held is None or held[0] is not report_verbs:
        held = _CLAUSE_STOPS[id(report_verbs)] = (report_verbs, frozenset({";", ":"}) | CLAUSE_WORDS | report_verbs)
    return held[1]


_FORCE_NOUNS: dict[int, tuple[dict, dict[str, list], list]] = {}


def _force_noun_index(force_nouns: dict[str, tuple[str, ...]]) -> tuple[dict, dict[str, list], list]:
    """(force_nouns, the force nouns as word lists with their kind by first word, those with no word),
    longest first ("military police" before "military"): sorted once per lexicon, not per call."""
    cached = _FORCE_NOUNS.get(id(force_nouns))
    if cached is None or cached[0] is not force_nouns:
        by_length = sorted(((noun.split(), kind) for kind, nouns in force_nouns.items() for noun in nouns),
                           key=lambda pair: -len(pair[0]))
        by_first: dict[str, list] = {}
        for parts, kind in by_length:
            if parts:
                by_first.setdefault(parts[0], []).append((parts, kind))
        cached = _FORCE_NOUNS[id(force_nouns)] = (force_nouns, by_first, [(p, k) for p, k in by_length if not p])
    return cached


class _Every:
    """Holds every word (where a force noun of no words could start anywhere)."""

    def __contains__(self, word: object) -> bool:
        return True


_NOUN_STARTS: dict[tuple[int, int], tuple[dict, frozenset, Container[str]]] = {}


def noun_starts(force_nouns: dict[str, tuple[str, ...]], civilian_nouns: frozenset[str]) -> Container[str]:
    """The words at which noun_actor can find an actor (the first words of the force nouns and the civilian
    nouns), once per word lists: the role rules skip noun_actor at every other word."""
    key = (id(force_nouns), id(civilian_nouns))
    held = _NOUN_STARTS.get(key)
    if held is None or held[0] is not force_nouns or held[1] is not civilian_nouns:
        _, by_first, empty = _force_noun_index(force_nouns)
        held = _NOUN_STARTS[key] = (force_nouns, civilian_nouns, _Every() if empty else frozenset(by_first) | civilian_nouns)
    return held[2]


def noun_actor(view: SentenceView, i: int, end: int) -> tuple[Optional[Actor], int]:
    """An actor named by a common noun at token i: a force noun ("soldiers", "riot police", with a
    demonym before it: "Nigerien soldiers") or a civilian noun. Returns (actor, tokens used)."""
    _, by_first, empty = _force_noun_index(view.force_nouns)
    first = view.words[i] if i < end else None
    if first not in by_first and first not in view.civilian_nouns and not empty:
        return None, 0  # most words: no force noun starts there and none is a civilian noun
    words = view.words[i:max(i, min(end, i + 3))]
    candidates = (by_first.get(first, []) + empty) if first is not None else empty
    for parts, kind in candidates:
        if words[:len(parts)] == parts:
            state = None
            before = view.prev_word(i)
            if before >= view.sent.start:
                state = view.state_at(before)
            actor = view.forces(state or view.country, kind)
            if actor is not None:
                return actor.model_copy(update={"text": view.table.span_text(i, i + len(parts)),
                                                "span": view.char_span(i, i + len(parts))}), len(parts)
    if words and words[0] in view.civilian_nouns:
        return view.civilian_actor.model_copy(update={"text": view.text(i), "span": view.char_span(i, i + 1)}), 1
    return None, 0


def _from_span(view: SentenceView, span: Marked) -> Actor:
    """The span's actor as mentioned there (its text and offsets), made once per span of the Doc."""
    actor = view.copies.get((span.start, span.end))
    if actor is None:
        actor = view.copies[(span.start, span.end)] = span.actor.model_copy(
            update={"text": span.text, "span": (span.start_char, span.end_char)})
    return actor


def _governed(view: SentenceView, start: int, left: int) -> Optional[str]:
    """The preposition governing the phrase that starts at token `start` (one modifier may sit between), or None.
    "of" after a quantity ("dozens of settlers", "a group of gunmen", "200 of the fighters") governs nothing."""
    j = view.prev_word(start)
    for _ in range(2):
        if j < left:
            return None
        word = view.lower(j)
        if word == "of" and j - 1 >= left and (view.lower(j - 1) in view.quantity_nouns or view.flags(j - 1)[2]):
            return None
        if word in PREPOSITIONS:
            return word
        if view.flags(j)[1]:
            return None
        j = view.prev_word(j)
    return None


def subject(view: SentenceView, trigger_start: int, left: Optional[int] = None) -> Optional[Role]:
    """The actor acting in the clause before the trigger: the leftmost phrase no preposition governs
    ("Gunmen from X" and "fighters of X" give X), or None. `left` overrides the clause start (a claim's
    subject is the sentence's: "X, the group that has fought Y for years, claimed responsibility")."""
    left = view.clause_left(trigger_start) if left is None else max(left, view.floor)
    j = left
    while j < trigger_start:
        if j in view.place_tokens and j not in view.actor_at or j in view.source_tokens:
            j += 1
            continue
        span = view.actor_at.get(j)
        if span is not None and span.actor.kind == "civilians":
            j = span.end  # civilians are no perpetrators ("women and girls", "residents")
            continue
        if span is not None:
            start, nxt = span.start, span.end
            actor = _from_span(view, span)
            how = "subject"
        else:
            actor, used = noun_actor(view, j, trigger_start) if view.words[j] in view.noun_starts else (None, 0)
            if actor is None or actor.kind == "civilians":
                j += 1
                continue
            start, nxt, how = j, j + used, "noun"
        governor = _governed(view, start, left)
        if governor is not None:
            k = view.prev_word(start)  # the preposition
            if governor in MEMBERSHIP_PREPS and k - 1 >= left and view.lower(k) == governor \
                    and view.lower(k - 1) in view.member_nouns and span is not None:
                return Role(actor, start, "subject")  # "fighters of the RSF stormed ..."
            j = max(nxt, j + 1)
            continue
        # "gunmen from X", "fighters of X": X acts
        k = nxt
        while k < trigger_start and view.words[k] in DETERMINERS:
            k += 1
        if k < trigger_start and view.lower(k) in MEMBERSHIP_PREPS:
            m = k + 1
            while m < trigger_start and view.words[m] in DETERMINERS:
                m += 1
            named = view.actor_at.get(m)
            if named is not None and named.actor.kind not in ("civilians", "unidentified"):
                return Role(_from_span(view, named), named.start, "subject")
        return _with_partners(view, Role(actor, start, how), nxt, trigger_start)
    return None


def civilian_subject(view: SentenceView, trigger_start: int) -> bool:
    """The clause's subject is a civilian group ("a group of residents ... attacked"): mob violence, not an armed attack."""
    left = view.clause_left(trigger_start)
    for j in range(left, trigger_start):
        span = view.actor_at.get(j)
        if span is not None:
            return span.actor.kind == "civilians" and _governed(view, span.start, left) in (None, "of")
    return False


def _co_actor(view: SentenceView, i: int, end: int) -> Optional[Actor]:
    """An actor starting at token i (an actor span, a force noun, or a demonym before one)."""
    while i < end and view.words[i] in DETERMINERS | {"members", "fighters", "units", "allied"} | {"of"}:
        i += 1
    if i >= end:
        return None
    span = view.actor_at.get(i)
    if span is not None:
        return _from_span(view, span) if span.actor.kind != "civilians" else None
    state = view.state_at(i)
    if state is not None:
        return view.forces(state, "military")
    actor, _ = noun_actor(view, i, end)
    return actor if actor is not None and actor.kind != "civilians" else None


def _with_partners(view: SentenceView, role: Role, nxt: int, trigger_start: int) -> Role:
    """'US and British warplanes struck', 'soldiers and members of the CJTF fought off': the first named
    actor is actor1, the others acting with it are its associates."""
    first = role.token
    before = view.prev_word(first)
    if before >= view.sent.start and view.state_at(before) is not None:
        first = before  # "British warplanes": the demonym starts the phrase
    if first - 2 >= max(view.sent.start, view.floor) and view.lower(first - 1) == "and":
        partner = _co_actor(view, first - 2, first - 1)
        if partner is not None and partner.name != role.actor.name:
            return Role(partner, first - 2, role.how, [role.actor])
    if nxt < trigger_start and view.lower(nxt) == "and":
        partner = _co_actor(view, nxt + 1, trigger_start)
        if partner is not None and partner.name != role.actor.name:
            role.assoc.append(partner)
    k = nxt + 1 if nxt < trigger_start and view.text(nxt) == "," else nxt
    for cue in view.partner_cues:  # "Somali troops, backed by clan militias, recaptured"
        if tuple(view.words[k:min(k + len(cue), trigger_start)]) == cue:
            partner = _co_actor(view, k + len(cue), trigger_start)
            if partner is not None and partner.name != role.actor.name and partner.kind not in ("unidentified",):
                role.assoc.append(partner)
            break
    return role


def partners_after(view: SentenceView, role: Role, end: int) -> Role:
    """'with soldiers and police': the actors joined to `role` by "and" before token `end` are its associates."""
    k = role.token + 1
    while k < end and (view.actor_at.get(k) is not None and view.actor_at[k] is view.actor_at.get(role.token)
                       or view.lower(k) in view.weapon_nouns or view.lower(k) in {"forces", "police", "officers"}):
        k += 1
    if k < end and view.lower(k) == "and":
        partner = _co_actor(view, k + 1, end)
        if partner is not None and partner.name != role.actor.name:
            role.assoc.append(partner)
    return role


def first_target(view: SentenceView, start: int, end: int) -> Optional[Role]:
    """The first actor or target noun between tokens start and end (places and sources skipped)."""
    j, words = start, view.words
    while j < end:
        if words[j] in view.former_words and view.civilian_actor is not None and j + 1 < end:
            # "a former officer of the army": a civilian now
            return Role(view.civilian_actor.model_copy(update={"text": view.text(j + 1), "span": view.char_span(j + 1, j + 2)}),
                        j + 1, "noun")
        span = view.actor_at.get(j)
        if span is not None and j in view.place_tokens and _governed(view, span.start, start) in LOCATIVE_PREPS:
            j = span.end  # "in southern Lebanon": a place, not a target
            continue
        if (j in view.place_tokens and span is None) or j in view.source_tokens:
            j += 1
            continue
        if span is not None:
            return Role(_from_span(view, span), span.start, "object")
        if words[j] in view.noun_starts:
            actor, used = noun_actor(view, j, end)
            if actor is not None:
                return Role(actor, j, "noun")
        state = view.state_at(j)
        if state is not None and j + 1 < end and words[j + 1] in view.weapon_nouns:
            # "15 Ukrainian drones", "58 Russian assaults": the forces of that state
            actor = view.forces(state, "military")
            if actor is not None:
                return Role(actor.model_copy(update={"text": view.text(j), "span": view.char_span(j, j + 1)}), j, "object")
        j += 1
    return None


def by_phrase(view: SentenceView, start: int, end: int) -> Optional[Role]:
    """'by X' between start and end: the perpetrator of a passive or nominal event."""
    words = view.words
    if PERPETRATOR_PREPS.isdisjoint(words[start:end]):
        return None
    for j in range(start, end):
        if words[j] in PERPETRATOR_PREPS:
            role = first_target(view, j + 1, min(end, j + 8))
            if role is not None:
                return Role(role.actor, role.token, "by")
    return None


def modifier(view: SentenceView, trigger_start: int) -> Optional[Role]:
    """An actor or demonym right before a nominal trigger: 'a Turkish drone strike', 'Hezbollah's attack'."""
    j = trigger_start - 1
    steps = 0
    while j >= view.sent.start and steps < 3:
        word, text = view.lower(j), view.text(j)
        if word in ("a", "an", "the") or text in (",", ";") or word in PREPOSITIONS or j < view.floor:
            return None
        span = view.actor_at.get(j)
        if span is not None and span.actor.kind == "civilians":
            return None  # "a female suicide bomber": civilians never perpetrate
        if span is not None:
            return _with_partners(view, Role(_from_span(view, span), span.start, "modifier"), trigger_start, trigger_start)
        state = view.demonym(text)
        if state is not None:
            actor = view.forces(state, "military")
            if actor is not None:
                role = Role(actor.model_copy(update={"text": text, "span": view.char_span(j, j + 1)}), j, "modifier")
                return _with_partners(view, role, trigger_start, trigger_start)
        actor, used = noun_actor(view, j, trigger_start)
        if actor is not None and actor.kind != "civilians":
            return Role(actor, j, "modifier")
        if text == "'s":
            j -= 1
            continue
        j -= 1
        steps += 1
    return None


def is_passive(view: SentenceView, trigger_start: int) -> bool:
    j = trigger_start - 1
    while j >= view.sent.start and view.words[j].endswith("ly"):
        j -= 1
    return j >= view.sent.start and view.lower(j) in PASSIVE_AUX


def between_pair(view: SentenceView, start: int, end: int) -> Optional[tuple[Role, Role]]:
    """'between X and Y' after a trigger ('fighting broke out between the SDF and tribal fighters')."""
    words = view.words
    if "between" not in words[start:end]:
        return None
    for j in range(start, end):
        if words[j] == "between":
            first = first_target(view, j + 1, end)
            if first is None:
                return None
            k = first.token + 1
            while k < end and words[k] != "and":
                k += 1
            second = first_target(view, k + 1, end) if k < end else None
            if second is not None:
                return first, second
    return None
