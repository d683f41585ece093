"""Relations between actors stated in the text: member_of, formed, allied_with, backed_by, leads.

Rules over tokens and the actor mentions (no parser), cue words in lexicon/relations.yaml:
  * member lists: "<umbrella>, which includes A, B and C", "the coalition includes A and B",
    "a union of militias: A, B, C" -> each listed group member_of the umbrella. A listed name the
    actors component did not link is linked when it is part of a name of a KB member of that
    umbrella ("Imam Ali" for "Kata'ib al-Imam Ali"), else kept with kb_id null;
  * single memberships: "A is part of B (, with C and D)", "A joined B", "A pledged allegiance to B";
  * formed: "<group> formed last October", "call themselves <group> last October" (subject and
    object the group itself, date the time expression);
  * backed_by: "Iran-backed A", "A, backed by Iran", "Rwanda backs A"; allied_with: "the al Qaeda-
    linked A", "A, allied with B"; leads: "A, led by P", "A under P", "P, the leader of A".
Each relation keeps the sentence words it came from as evidence.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kb import get_kb
from ..model import Actor, Relation, Span as TextSpan, When
from . import extensions  # noqa: F401
from .extensions import Marked, actor_mentions
from .rulekit import (Sentence, in_range, lexicon, lower_words, match_at, phrases, positions, sentences, span_text,
                      spans_in, with_text)

log = logging.getLogger(__name__)

SUBJECT_REACH = 16   # tokens back from a cue to the subject it speaks of
OBJECT_REACH = 6     # tokens forward from a cue to its object
ANAPHOR_REACH = 8    # tokens back from a cue to "the coalition" that it speaks of
NAME_LINKS = frozenset({"al", "el", "-", "'", "’", "of", "the", "bin", "ibn", "abu", "de", "la", "du", "'s", "and"})
APOSTROPHES = re.compile(r"['’‘`ʼʻ]")


@dataclass
class Cues:
    member_list: list
    member_of: list
    member_with: list
    umbrella_heads: frozenset
    group_heads: frozenset
    formed: list
    emergence: list
    naming: list
    backed_passive: list
    backed_active: list
    backed_compounds: frozenset
    allied_compounds: frozenset
    allied: list
    led_by: list
    leader_of: list
    alias: list
    group_kinds: frozenset
    lead_ins: list
    of_group: str
    leader_words: frozenset
    deputy_words: frozenset
    max_role_words: int
    member_heads: frozenset = frozenset()
    member_head_links: frozenset = frozenset()
    max_apposition_words: int = 4
    member_roles: frozenset = frozenset()
    leader_verbs: list = ()
    leader_verb_links: frozenset = frozenset()
    whose: str = "whose"
    lists_at: Optional[dict] = None  # word -> the names of the cue lists with a cue starting with it
    starts: Optional[frozenset] = None  # every word a rule of RelationFinder._at can start at (None: any)


@lru_cache(maxsize=1)
def get_cues() -> Cues:
    cues = _read_cues()
    cues.starts = _start_words(cues)
    cues.lists_at = _lists_at(cues)
    return cues


def _read_cues() -> Cues:
    lex = lexicon("relations.yaml")
    words = lambda key: frozenset(str(w).lower() for w in lex.get(key) or [])  # noqa: E731
    return Cues(
        member_list=phrases(lex.get("member_list_cues")), member_of=phrases(lex.get("member_of_cues")),
        member_with=phrases(lex.get("member_with_cues")), umbrella_heads=words("umbrella_heads"),
        group_heads=words("group_heads"), formed=phrases(lex.get("formed_cues")),
        emergence=phrases(lex.get("emergence_cues")), naming=phrases(lex.get("naming_cues")),
        backed_passive=phrases(lex.get("backed_passive_cues")), backed_active=phrases(lex.get("backed_active_cues")),
        backed_compounds=words("backed_compounds"), allied_compounds=words("allied_compounds"),
        allied=phrases(lex.get("allied_cues")), led_by=phrases(lex.get("led_by_cues")),
        leader_of=phrases(lex.get("leader_of_cues")), alias=phrases(lex.get("alias_cues")),
        group_kinds=words("group_kinds"), lead_ins=phrases(lex.get("list_lead_ins")),
        of_group=str(lex.get("of_group_cue") or "of"), leader_words=words("leader_words"),
        deputy_words=words("deputy_words"), max_role_words=int(lex.get("max_role_words") or 3),
        member_heads=words("member_heads"), member_head_links=words("member_head_links"),
        max_apposition_words=int(lex.get("max_apposition_words") or 4), member_roles=words("member_roles"),
        leader_verbs=phrases(lex.get("leader_verbs")), leader_verb_links=words("leader_verb_links"),
        whose=str(lex.get("whose_cue") or "whose"))


CUE_LISTS = frozenset({"member_list", "member_of", "naming", "formed", "emergence", "backed_passive", "allied",
                       "backed_active", "led_by", "leader_of", "leader_verbs"})  # the cue lists RelationFinder._at tries
NO_LISTS: frozenset = frozenset()


def _lists_at(cues: Cues) -> dict[str, frozenset]:
    """For each word, the cue lists that have a cue starting with it: _at tries only those."""
    found: dict[str, set] = {}
    for name in CUE_LISTS:
        for word in getattr(cues, name).by_first:
            found.setdefault(word, set()).add(name)
    return {word: frozenset(names) for word, names in found.items()}


def _start_words(cues: Cues) -> Optional[frozenset]:
    """The words at which RelationFinder._at can find anything: the first words of its cues, the
    hyphen of "Iran-backed", the "of" of "Brigades of Hamas" and the "'s" of "Hezbollah's leader".
    Tokens of other words are skipped (the rules ask at every token)."""
    lists = (cues.member_list, cues.member_of, cues.naming, cues.formed, cues.emergence, cues.backed_passive,
             cues.allied, cues.backed_active, cues.led_by, cues.leader_of, cues.leader_verbs)
    if any(() in cue_list for cue_list in lists):
        return None  # an empty cue matches anywhere
    return frozenset({"-", cues.of_group, "'s", cues.whose}.union(*({cue[0] for cue in cue_list} for cue_list in lists)))


def fold_words(text: str) -> tuple[str, ...]:
    """Words of a name for comparison: lower case, no diacritics, apostrophes, hyphens or articles."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = APOSTROPHES.sub("", "".join(c for c in text if not unicodedata.combining(c)))
    words = re.split(r"[\s\-]+", text)
    return tuple(w for w in words if w and w not in ("al", "el", "the"))


def _contains(name: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(name[i:i + len(part)] == part for i in range(len(name) - len(part) + 1))


def name_end(doc: Doc, k: int, end: int, stop_at: frozenset = frozenset()) -> int:
    """End of a capitalised name starting at token k: capitalised words, joined by links such as
    "al-", "of the" when a capitalised word follows ("Brigades of the Northern Road")."""
    n = k
    while n < end and n not in stop_at:
        if doc[n].text[:1].isupper():
            n += 1
            continue
        m = n
        while m < end and doc[m].lower_ in NAME_LINKS - {"and"} and m - n < 3:
            m += 1
        if m > n and m < end and doc[m].text[:1].isupper() and m not in stop_at:
            n = m
            continue
        break
    return n


class _Sentence:
    """One sentence's tokens and actor mentions, for the rules."""

    def __init__(self, doc: Doc, sent: Sentence, words: list[str], mentions: Optional[list[Marked]] = None):
        """`mentions`: the sentence's actor mentions in text order (found in the Doc when not given)."""
        self.doc, self.sent = doc, sent
        self.words = words  # the lower-case words of the whole Doc, built once per Doc
        if mentions is None:
            mentions = [m for m in sorted(actor_mentions(doc), key=lambda m: m.start)
                        if sent.start <= m.start and m.end <= sent.end]
        self.actors, self.persons, self.umbrellas = [], [], []
        for m in mentions:
            span = Span(doc, m.start, m.end)  # span._.actor is m.actor: extension values are kept by offsets
            self.actors.append(span)
            if m.actor.kind == "person":
                self.persons.append(span)
            elif m.actor.kind == "umbrella":
                self.umbrellas.append(span)
        self.starts = {s.start: s for s in self.actors}
        self.ends = {s.end: s for s in self.actors}  # the last mention ending at a token

    def before(self, i: int, kinds: frozenset, reach: int = SUBJECT_REACH) -> Optional[Span]:
        """The nearest actor of `kinds` ending at or before token i, within reach, in the sentence."""
        found = [s for s in self.actors if s.end <= i and i - s.end <= reach and s._.actor.kind in kinds]
        return found[-1] if found else None

    def after(self, i: int, kinds: frozenset, reach: int = OBJECT_REACH) -> Optional[Span]:
        found = [s for s in self.actors if s.start >= i and s.start - i <= reach and s._.actor.kind in kinds]
        if not found:
            return None
        first = found[0]
        between = [t for t in self.doc[i:first.start] if t.text in (",", ";", ".") or t.lower_ in ("that", "which")]
        return None if between else first


def _group_kinds(cues: Cues) -> frozenset:
    return cues.group_kinds | {"state"}


def _evidence(doc: Doc, start: int, end: int) -> TextSpan:
    first, last = doc[start], doc[end - 1]
    s, e = first.idx, last.idx + len(last.text)
    return TextSpan(text=span_text(doc, start, end), start=s, end=e)


def _when(span: Optional[Span]) -> Optional[When]:
    return span._.when if span is not None else None


def _sentence_time(doc: Doc, sent: Sentence) -> Optional[Span]:
    for span in spans_in(doc, "times", sent.start, sent.end):
        if span._.when is not None and span[0].lower_ != "since":
            return span
    return None


class RelationFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.kb = get_kb()
        self.cues = get_cues()
        self.relations: list[Relation] = []
        self.seen: set[tuple] = set()
        self.umbrellas_so_far: list[Span] = []

    def add(self, subject: Actor, predicate: str, obj: Actor, start: int, end: int,
            date: Optional[When] = None) -> None:
        key = (subject.kb_id or subject.text, predicate, obj.kb_id or obj.text)
        if key in self.seen or (predicate != "formed" and key[0] == key[2]):
            return
        self.seen.add(key)
        self.relations.append(Relation(subject=subject, predicate=predicate, object=obj, date=date,
                                       evidence=_evidence(self.doc, start, end)))

    # ------------------------------------------------------------------ per sentence
    def run(self) -> list[Relation]:
        doc = self.doc
        words = lower_words(doc)
        starts = self.cues.starts
        # the actor mentions (each read once) and the words a rule can start at, for the whole Doc
        mentions = sorted(actor_mentions(doc), key=lambda m: m.start)  # text order, as spans_in gives them
        mention_starts = [m.start for m in mentions]
        triggers = list(range(len(words))) if starts is None else positions(words, starts | {","})
        for sent in sentences(doc):
            ours = [m for m in mentions[bisect.bisect_left(mention_starts, sent.start):
                                        bisect.bisect_right(mention_starts, sent.end)] if m.end <= sent.end]
            st = _Sentence(doc, sent, words, ours)
            for i in in_range(triggers, sent.start, sent.end):
                if words[i] == ",":
                    if st.ends:
                        self._appositive_part(st, i)
                else:
                    self._at(st, i)
            if st.persons:
                self._role_before_person(st)
            self.umbrellas_so_far.extend(st.umbrellas)
        return self.relations

    def _at(self, st: _Sentence, i: int) -> None:
        c, w = self.cues, st.words
        have = c.lists_at.get(w[i], NO_LISTS) if c.starts is not None else CUE_LISTS  # the lists a cue starts at
        if "member_list" in have and (cue := match_at(w, i, c.member_list)) and i + len(cue) <= st.sent.end:
            self._member_list(st, i, i + len(cue))
        if "member_of" in have and (cue := match_at(w, i, c.member_of)):
            self._member_of(st, i, i + len(cue))
        if "naming" in have and (cue := match_at(w, i, c.naming)):
            self._formed(st, i, i + len(cue), naming=True)
        elif "formed" in have and (cue := match_at(w, i, c.formed)):
            self._formed(st, i, i + len(cue))
        elif "emergence" in have and (cue := match_at(w, i, c.emergence)):
            self._formed(st, i, i + len(cue), coarse=True)
        if "backed_passive" in have and (cue := match_at(w, i, c.backed_passive)):
            self._passive(st, i, i + len(cue), "backed_by")
        if "allied" in have and (cue := match_at(w, i, c.allied)):
            self._passive(st, i, i + len(cue), "allied_with")
        if "backed_active" in have and (cue := match_at(w, i, c.backed_active)):
            self._backs(st, i, i + len(cue))
        if w[i] == "-" and i + 1 < st.sent.end and (w[i + 1] in c.backed_compounds or w[i + 1] in c.allied_compounds):
            self._compound(st, i, "backed_by" if w[i + 1] in c.backed_compounds else "allied_with")
        if "led_by" in have and (cue := match_at(w, i, c.led_by)):
            self._led_by(st, i, i + len(cue))
        if "leader_of" in have and (cue := match_at(w, i, c.leader_of)):
            self._leader_of(st, i, i + len(cue))
        if w[i] == c.of_group:
            self._unit_of(st, i)
        if w[i] == "'s":
            self._possessive_role(st, i)
        if "leader_verbs" in have and (cue := match_at(w, i, c.leader_verbs)):
            self._leader_verb(st, i, i + len(cue))
        if w[i] == c.whose:
            self._whose(st, i)

    # ------------------------------------------------------------------ subjects
    def _subject(self, st: _Sentence, i: int, kinds: frozenset) -> Optional[tuple[Actor, int]]:
        """The group a cue speaks of: a mention before it, or "the coalition" referring back."""
        span = st.before(i, kinds)
        if span is not None:
            return with_text(span._.actor, span), span.start
        return self._anaphor(st, i)

    def _anaphor(self, st: _Sentence, i: int) -> Optional[tuple[Actor, int]]:
        """'the coalition' / 'the group' just before token i: the last such group named before the sentence."""
        heads = self.cues.umbrella_heads | self.cues.group_heads
        for j in range(i - 1, max(st.sent.start, i - ANAPHOR_REACH), -1):  # "the coalition (is a union) of"
            if self.doc[j].is_punct:
                break
            if st.words[j] in heads and st.words[j - 1] in ("the", "this", "that"):
                prior = self._prior_groups(st.sent.start, st.words[j] in self.cues.umbrella_heads)
                if not prior:
                    return None
                mention = self.doc[j - 1:j + 1]
                return prior[-1]._.actor.model_copy(update={"text": mention.text,
                                                            "span": (mention.start_char, mention.end_char)}), j - 1
        return None

    def _prior_groups(self, before: int, umbrella: bool) -> list[Span]:
        if umbrella:
            return [s for s in self.umbrellas_so_far if s.end <= before]
        kinds = self.cues.group_kinds - {"state", "state_forces", "other"}  # "the brigade": an armed group
        return [s for s in spans_in(self.doc, "actors", 0, before)
                if s._.actor is not None and s._.actor.kind in kinds]

    # ------------------------------------------------------------------ members
    def _member_list(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        subject = self._subject(st, cue_start, self.cues.group_kinds)
        if subject is None:
            return
        umbrella, subj_start = subject
        k = cue_end
        colon = next((x for x in range(cue_end, st.sent.end) if st.words[x] == ":"), None)
        if colon is not None:
            k = colon + 1
        elif lead := match_at(st.words, k, self.cues.lead_ins):
            k += len(lead)
        for item, start, end in self._list_items(st, k):
            member = self._link_member(item, umbrella)
            self.add(member, "member_of", umbrella, min(subj_start, start), end, None)

    def _list_items(self, st: _Sentence, k: int) -> list[tuple[Actor, int, int]]:
        """'A, B (B), C and D': actor mentions or capitalised names, until the list ends."""
        items = []
        doc, end = self.doc, st.sent.end
        while k < end:
            while k < end and (st.words[k] in ("the", "and", ",", "as", "well", "or", "also") or doc[k].is_space):
                k += 1
            if k >= end:
                break
            span = st.starts.get(k)
            if span is not None:
                if span._.actor.kind not in self.cues.group_kinds:
                    break
                items.append((with_text(span._.actor, span), span.start, span.end))
                k = span.end
            elif doc[k].text[:1].isupper() and doc[k].is_alpha:
                n = name_end(doc, k, end, frozenset(x for x in st.starts if x > k))
                if (n < end and st.words[n] == "-") or self._other_mention(k, n):
                    break  # "Iran-aligned factions", a place or a date: no member name
                name = doc[k:n].text
                items.append((Actor(kb_id=None, name=name, text=name, span=(doc[k].idx, doc[n - 1].idx + len(doc[n - 1])),
                                    kind="other"), k, n))
                k = n
            else:
                break
            if k < end and st.words[k] == "(":  # an acronym after the name
                close = next((x for x in range(k, min(end, k + 8)) if st.words[x] == ")"), None)
                if close is not None:
                    k = close + 1
            while k < end and doc[k].is_space:
                k += 1
            if k + 1 < end and st.words[k] == self.cues.of_group and k + 1 in st.starts:
                k = st.starts[k + 1].end  # "the Qassam Brigades of Hamas": the parent is read by _unit_of
            if k < end and st.words[k] not in (",", "and", "as"):
                break
        return items

    def _other_mention(self, start: int, end: int) -> bool:
        return any(s.start < end and start < s.end for group in ("places", "times", "sources")
                   for s in self.doc.spans.get(group, []))

    def _link_member(self, item: Actor, umbrella: Actor) -> Actor:
        """An unlinked list name that is part of a name of one KB member of the umbrella is that member."""
        if item.kb_id is not None or umbrella.kb_id is None:
            return item
        part = fold_words(item.text)
        if not part:
            return item
        found = []
        for member_id in self.kb.members(umbrella.kb_id):
            entry = self.kb.actors[member_id]
            if any(_contains(fold_words(name), part) for name in entry.names()):
                found.append(entry)
        if len(found) != 1:
            return item
        entry = found[0]
        return item.model_copy(update={"kb_id": entry.id, "name": entry.name, "kind": entry.kind})

    def _member_of(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        kinds = self.cues.group_kinds
        subject = self._subject(st, cue_start, kinds)
        obj = st.after(cue_end, kinds)
        if subject is None or obj is None:
            return
        member, subj_start = subject
        umbrella = with_text(obj._.actor, obj)
        date = _when(_sentence_time(self.doc, st.sent))
        self.add(member, "member_of", umbrella, subj_start, obj.end, date)
        k = obj.end
        if k < st.sent.end and st.words[k] == "(":
            close = next((x for x in range(k, min(st.sent.end, k + 8)) if st.words[x] == ")"), None)
            k = close + 1 if close is not None else k
        if k < st.sent.end and st.words[k] == ",":
            k += 1
        if cue := match_at(st.words, k, self.cues.member_with):
            for item, start, end in self._list_items(st, k + len(cue)):
                self.add(self._link_member(item, umbrella), "member_of", umbrella, start, end, None)

    def _unit_of(self, st: _Sentence, i: int) -> None:
        """'the Qassam Brigades of Hamas': a non-state group's unit, named with its parent."""
        kinds = self.cues.group_kinds - {"state", "state_forces"}
        unit = next((s for s in st.actors if s.end == i and s._.actor.kind in kinds), None)
        k = i + 1 + (i + 1 < st.sent.end and st.words[i + 1] == "the")
        parent = st.starts.get(k)
        if unit is None or parent is None or parent._.actor.kind not in kinds:
            return
        self.add(with_text(unit._.actor, unit), "member_of", with_text(parent._.actor, parent), unit.start, parent.end)

    def _possessive_role(self, st: _Sentence, i: int) -> None:
        """"Hezbollah's deputy leader Naim Qassem": member; "Hezbollah's leader X": leads."""
        kinds = self.cues.group_kinds - {"state", "state_forces"}
        group = next((s for s in st.actors if s.end == i and s._.actor.kind in kinds), None)
        if group is None:
            return
        person = next((s for s in st.actors if i + 1 < s.start <= i + 1 + self.cues.max_role_words
                       and s._.actor.kind == "person"), None)
        if person is None or any(not t.is_lower for t in self.doc[i + 1:person.start] if t.is_alpha):
            return
        role = set(st.words[i + 1:person.start])
        leads = bool(role & self.cues.leader_words) and not role & self.cues.deputy_words
        subject, obj = with_text(person._.actor, person), with_text(group._.actor, group)
        self.add(subject, "leads" if leads else "member_of", obj, group.start, person.end)

    # ------------------------------------------------------------------ formed
    def _formed(self, st: _Sentence, cue_start: int, cue_end: int, naming: bool = False, coarse: bool = False) -> None:
        kinds = self.cues.group_kinds - {"state_forces"}
        if naming:
            k = cue_end
            while k < st.sent.end and (st.words[k] in ("the", "a") or self.doc[k].is_quote or self.doc[k].is_punct):
                k += 1
            span = st.starts.get(k)
            if span is None or span._.actor.kind not in kinds:
                return
            group, g_start, after = with_text(span._.actor, span), span.start, span.end
        else:
            j = cue_start
            while j > st.sent.start and st.words[j - 1] in ("was", "were", "has", "have", "had", "been", "first"):
                j -= 1
            relative = j > st.sent.start and st.words[j - 1] in ("that", "which", "who")
            # "X formed", "X, formed", "X was formed"; "X, a coalition ... that appeared"
            span = st.before(cue_start, kinds, reach=SUBJECT_REACH if relative else 3)
            if span is None:
                return
            group, g_start, after = with_text(span._.actor, span), span.start, cue_end
        time = next((t for t in spans_in(self.doc, "times", after, min(st.sent.end, after + 4))
                     if t._.when is not None and t[0].lower_ != "since"), None)
        if time is None or (coarse and time._.when.precision not in ("month", "year", "range")):
            return
        self.add(group, "formed", group, min(g_start, cue_start), time.end, time._.when)

    # ------------------------------------------------------------------ backing, alliance
    def _passive(self, st: _Sentence, cue_start: int, cue_end: int, predicate: str) -> None:
        kinds = self.cues.group_kinds
        subject = self._subject(st, cue_start, kinds - {"state", "state_forces"})
        obj = st.after(cue_end, _group_kinds(self.cues), reach=2)
        if subject is None or obj is None:
            return
        actor, start = subject
        self.add(actor, predicate, with_text(obj._.actor, obj), start, obj.end, None)

    def _backs(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        backer = next((s for s in st.actors if s.end == cue_start), None)
        backed = st.after(cue_end, self.cues.group_kinds - {"state"}, reach=1)
        if backer is None or backed is None or backer._.actor.kind not in _group_kinds(self.cues):
            return
        self.add(with_text(backed._.actor, backed), "backed_by", with_text(backer._.actor, backer),
                 backer.start, backed.end, None)

    def _compound(self, st: _Sentence, hyphen: int, predicate: str) -> None:
        """'<name>-backed <group>': the name before the hyphen is no mention (the actors component blocks
        it), so it is looked up here: an alias or a demonym of a KB actor."""
        from .actors import get_tables, lookup_demonym

        tables = get_tables()
        backer = None
        for width in (4, 3, 2, 1):
            start = hyphen - width
            if start < st.sent.start:
                continue
            text = self.doc[start:hyphen].text
            found = tables.lower_aliases.get(text.lower())
            entry = self.kb.actors.get(found[1]) if found else (tables.entries.get(tables.case_aliases.get(text, "")))
            entry = entry or lookup_demonym(text)
            if entry is not None:
                backer = Actor(kb_id=entry.id, name=entry.name, text=text,
                               span=(self.doc[start].idx, self.doc[hyphen - 1].idx + len(self.doc[hyphen - 1])),
                               kind=entry.kind)
                break
        if backer is None:
            return
        backed = st.after(hyphen + 2, self.cues.group_kinds - {"state"}, reach=3)
        if backed is None:  # "US-backed Syrian Democratic Forces" read as one mention of the backed group
            backed = next((s for s in st.actors if s.start <= start and s.end > hyphen + 2
                           and s._.actor.kind in self.cues.group_kinds - {"state"}), None)
        if backed is not None:
            self.add(with_text(backed._.actor, backed), predicate, backer, start, backed.end, None)
            return
        k = hyphen + 2  # "the al Qaeda-linked group": the group named just before in the sentence
        if k < st.sent.end and st.words[k] in self.cues.group_heads | self.cues.umbrella_heads:
            prior = st.before(start, self.cues.group_kinds - {"state"}, reach=4)
            if prior is not None:
                self.add(with_text(prior._.actor, prior), predicate, backer, prior.start, k + 1, None)

    # ------------------------------------------------------------------ leadership
    def _led_by(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        person = st.after(cue_end, frozenset({"person"}), reach=3)
        if person is None:
            return
        if st.words[cue_start] == "under" and cue_end - cue_start == 1 and person.start != cue_end:
            return  # "under" only right before the name
        group = st.before(cue_start, self.cues.group_kinds - {"state"}, reach=5)
        heads = self.cues.member_heads | self.cues.group_heads
        if group is not None and any(w in heads for w in st.words[group.end:cue_start]):
            group = self._apposed_to(st, group)  # "A, the B faction once led by P": P led A, not B
            if group is None:
                return
        if group is not None:
            self.add(with_text(person._.actor, person), "leads", with_text(group._.actor, group), group.start,
                     person.end, None)
            return
        j = cue_start  # "The group is led by P": the group named before
        while j > st.sent.start and st.words[j - 1] in ("is", "was", "are", "were", "has", "been", "now", "still"):
            j -= 1
        if j - cue_start < 0 and (referred := self._anaphor(st, j)) is not None:
            self.add(with_text(person._.actor, person), "leads", referred[0], referred[1], person.end, None)

    def _leader_verb(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        """'P, who has led G' / 'P heads G': the person right before (links only) leads the group right after."""
        j = cue_start
        while j > st.sent.start and st.words[j - 1] in self.cues.leader_verb_links:
            j -= 1
        person = next((s for s in st.actors if s.end == j and s._.actor.kind == "person"), None)
        group = st.after(cue_end, self.cues.group_kinds - {"state"}, reach=1)
        if person is None or group is None:
            return
        self.add(with_text(person._.actor, person), "leads", with_text(group._.actor, group), person.start,
                 group.end, None)

    def _whose(self, st: _Sentence, i: int) -> None:
        """'P, whose G ...': the person leads the group named right after 'whose'."""
        j = i - (i > st.sent.start and st.words[i - 1] == ",")
        person = next((s for s in st.actors if s.end == j and s._.actor.kind == "person"), None)
        group = st.starts.get(i + 1)
        if person is None or group is None or group._.actor.kind not in self.cues.group_kinds - {"state"}:
            return
        self.add(with_text(person._.actor, person), "leads", with_text(group._.actor, group), person.start,
                 group.end, None)

    def _role_before_person(self, st: _Sentence) -> None:
        """'<group> spokesman P', '<group> commander P' (no possessive): a member, or with a leader word
        as the role's last word (and no deputy word), its leader."""
        kinds = self.cues.group_kinds - {"state", "state_forces"}
        ends = st.ends
        for person in st.persons:
            j = person.start
            while (j > st.sent.start and person.start - j < self.cues.max_role_words and self.doc[j - 1].is_alpha
                   and self.doc[j - 1].is_lower):
                j -= 1
            group = ends.get(j)
            if group is None or j == person.start or group._.actor.kind not in kinds:
                continue
            role, head = set(st.words[j:person.start]), st.words[person.start - 1]
            if head in self.cues.leader_words and not role & self.cues.deputy_words:
                predicate = "leads"
            elif head in self.cues.member_roles or head in self.cues.leader_words:
                predicate = "member_of"
            else:
                continue
            self.add(with_text(person._.actor, person), predicate, with_text(group._.actor, group), group.start,
                     person.end, None)

    def _appositive_part(self, st: _Sentence, comma: int) -> None:
        """'A (ACR), B's affiliate in ...', 'A, the main force in B', 'A, the B faction': A member_of B."""
        c, w = self.cues, st.words
        member = st.ends.get(comma) or (st.ends.get(comma - 1) if w[comma - 1] == ")" else None)  # "A (ACR),"
        if member is None or member._.actor.kind not in c.group_kinds or member._.actor.kind == "state":
            return
        kinds = c.group_kinds - {"state"}
        full = st.ends.get(member.start - 1) if w[member.start - 1] == "(" else None
        if full is not None and full._.actor.kb_id == member._.actor.kb_id:
            member = full  # "A (ACR)": the name, not its acronym
        end = min(st.sent.end, comma + 2 + c.max_apposition_words)
        k = comma + 1
        article = k < end and w[k] in ("the", "a", "an")
        parent = st.starts.get(k + article)
        if parent is not None and parent._.actor.kind in kinds:
            n = parent.end + (parent.end < st.sent.end and w[parent.end] == "'s")  # "B's affiliate" / "the B faction"
            x = self._head_end(st, n, min(st.sent.end, n + c.max_apposition_words))
            if x is not None and (n > parent.end or article):
                self.add(with_text(member._.actor, member), "member_of", with_text(parent._.actor, parent),
                         member.start, x, None)
            return
        if not article:
            return
        x = self._head_end(st, k + 1, end)  # "the main force in B"
        if x is None or x >= st.sent.end or w[x] not in c.member_head_links:
            return
        x += 1 + (x + 1 < st.sent.end and w[x + 1] == "the")
        parent = st.starts.get(x)
        if parent is not None and parent._.actor.kind in kinds:
            self.add(with_text(member._.actor, member), "member_of", with_text(parent._.actor, parent),
                     member.start, parent.end, None)

    def _apposed_to(self, st: _Sentence, span: Span) -> Optional[Span]:
        """The group A of 'A, the <span> ...' (an appositive that starts with 'the'), else None."""
        k = span.start - 1
        if k - 1 < st.sent.start or st.words[k] != "the" or st.words[k - 1] != ",":
            return None
        before = st.before(k - 1, self.cues.group_kinds - {"state"}, reach=2)
        if before is None or any(st.words[x] not in ("(", ")") for x in range(before.end, k - 1)):
            return None
        return before

    def _head_end(self, st: _Sentence, k: int, end: int) -> Optional[int]:
        """After the first part word (`member_heads`) among the lower-case words from k: 'main force|',
        'faction| once led by'; None when the words end first."""
        for x in range(k, end):
            if not (self.doc[x].is_alpha and self.doc[x].is_lower) or st.words[x] in self.cues.member_head_links:
                return None
            if st.words[x] in self.cues.member_heads:
                return x + 1
        return None

    def _leader_of(self, st: _Sentence, cue_start: int, cue_end: int) -> None:
        person = st.before(cue_start, frozenset({"person"}), reach=3)
        group = st.after(cue_end, self.cues.group_kinds - {"state"}, reach=2)
        if person is None or group is None:
            return
        self.add(with_text(person._.actor, person), "leads", with_text(group._.actor, group), person.start,
                 group.end, None)


def find_relations(doc: Doc) -> list[Relation]:
    return RelationFinder(doc).run()


def find_aliases(doc: Doc) -> list[tuple[Actor, str, TextSpan]]:
    """'<actor>, also known as <Name>' / '<actor> (also known as <Name>)': (actor, the other name, evidence)."""
    cues = get_cues()
    found = []
    words = lower_words(doc)
    for sent in sentences(doc):
        st = _Sentence(doc, sent, words)
        for i in range(sent.start, sent.end):
            cue = match_at(st.words, i, cues.alias)
            if not cue:
                continue
            actor = st.before(i, cues.group_kinds | {"person", "state"}, reach=3)
            k = i + len(cue)
            while k < sent.end and (doc[k].is_quote or st.words[k] == "the"):
                k += 1
            n = name_end(doc, k, sent.end)
            if actor is None or n == k:
                continue
            found.append((with_text(actor._.actor, actor), doc[k:n].text, _evidence(doc, actor.start, n)))
    return found


@Language.component("conflictlens_relations")
def relations_component(doc: Doc) -> Doc:
    doc._.relations = find_relations(doc)
    return doc
