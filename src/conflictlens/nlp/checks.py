"""Checks: flags where the text contradicts the knowledge base on the document date.

The office-holder check: a person named with an office title ("Iraqi Prime Minister X",
"President X", "X, the Iraqi prime minister,") is flagged when the knowledge base records
that person in that office of that country, but not on the day the sentence speaks of (its
time expressions, else the publication day). Nothing is flagged where the KB cannot say:
a person it never records in that office (titles differ between countries: Iran's president
is not its head of state), an office with a loose title ("leader"), or a person named as a
former holder ("former President X", "ousting President X", "the late X").
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kb import KnowledgeBase, get_kb
from ..kb.schema import ActorEntry, Term
from ..model import Flag, Span as TextSpan
from . import extensions  # noqa: F401
from .actors import lookup_demonym
from .extensions import actor_mentions
from .rulekit import lexicon, lower_words, match_at, phrases, span_text, spans_in

log = logging.getLogger(__name__)

LOOKBACK = 4  # tokens before a title searched for a country or a "former" marker


@dataclass
class Titles:
    """Office titles as token tuples (longest first) and the office ids each names."""

    cues: list[tuple[str, ...]]
    offices: dict[tuple[str, ...], set[str]]
    former: frozenset
    modifiers: frozenset


@lru_cache(maxsize=1)
def get_titles() -> Titles:
    kb = get_kb()
    lex = lexicon("checks.yaml")
    skip = set(lex.get("unchecked_offices") or [])
    offices: dict[tuple[str, ...], set[str]] = {}
    for office in kb.offices.values():
        if office.id in skip:
            continue
        for cue in phrases(office.titles):
            offices.setdefault(cue, set()).add(office.id)
    return Titles(sorted(offices, key=len, reverse=True), offices,
                  frozenset(str(w).lower() for w in lex.get("former_markers") or []),
                  frozenset(str(w).lower() for w in lex.get("title_modifiers") or []))


@dataclass
class TitledMention:
    """A person mention with the office title the text gives it."""

    person: Span
    offices: set[str]
    country: Optional[str]
    former: bool
    start: int  # first token of title-and-name
    end: int
    title: str = ""


def _country_before(doc: Doc, i: int) -> tuple[Optional[str], int]:
    """A country named just before token i: a demonym ("Iraqi") or a possessive ("Iraq's")."""
    for width in (2, 1):
        if i - width < 0:
            continue
        words = doc[i - width:i]
        if words[-1].lower_ == "'s" and width == 2:
            state = _state_named(doc, i - 2, i - 1)
            if state is not None:
                return state, i - 2
            continue
        entry = lookup_demonym(words.text)
        if entry is not None and entry.country:
            return entry.country, i - width
    return None, i


def _state_named(doc: Doc, start: int, end: int) -> Optional[str]:
    from .actors import get_tables

    found = get_tables().lower_aliases.get(doc[start:end].text.lower())
    if found is None:
        return None
    entry = get_kb().actors.get(found[1])
    return entry.country if entry is not None and entry.kind == "state" else None


def _title_ending(doc: Doc, end: int, titles: Titles) -> Optional[tuple[int, tuple[str, ...]]]:
    words = lower_words(doc)
    for cue in titles.cues:
        start = end - len(cue)
        if start >= 0 and tuple(words[start:end]) == cue:
            return start, cue
    return None


def _titled_before(doc: Doc, person: Span, titles: Titles) -> Optional[TitledMention]:
    """'[former] [Iraqi] [caretaker] Prime Minister NAME'."""
    found = _title_ending(doc, person.start, titles)
    if found is None:
        return None
    start, cue = found
    i = start
    country = None
    former = False
    for _ in range(LOOKBACK):
        if i == 0:
            break
        word = doc[i - 1].lower_
        if word in titles.former:
            former = True
            i -= 1
            continue
        if word in titles.modifiers:
            i -= 1
            continue
        if country is None:
            country, j = _country_before(doc, i)
            if country is not None:
                i = j
                continue
        break
    return TitledMention(person, titles.offices[cue], country, former, i, person.end, doc[start:person.start].text)


def _titled_after(doc: Doc, person: Span, titles: Titles) -> Optional[TitledMention]:
    """'NAME, the [former] Iraqi prime minister, ...' (an appositive that ends the phrase)."""
    i = person.end
    if i >= len(doc) or doc[i].text != ",":
        return None
    i += 1
    words = lower_words(doc)
    country, former = None, False
    for _ in range(LOOKBACK + 1):
        if i >= len(doc):
            return None
        cue = match_at(words, i, titles.cues)
        if cue is not None:
            end = i + len(cue)
            if end < len(doc) and words[end] == "of":  # "prime minister of Iraq"
                if end + 1 < len(doc) and (c := _state_named(doc, end + 1, end + 2)):
                    country, end = country or c, end + 2
            if end < len(doc) and words[end] not in (",", ".", ";", "said", "told", "says", "—", "–", ")"):
                return None
            return TitledMention(person, titles.offices[cue], country, former, person.start, end,
                                 doc[i:i + len(cue)].text)
        word = words[i]
        if word in titles.former:
            former = True
        elif country is None and (entry := lookup_demonym(doc[i].text)) is not None and entry.country:
            country = entry.country
        elif not (word in titles.modifiers or word in ("a", "an")):
            return None
        i += 1
    return None


def _windows(doc: Doc, sent: Span) -> list[tuple[dt.date, dt.date]]:
    """The days a sentence speaks of: its time expressions, else the publication day."""
    out = []
    for span in spans_in(doc, "times", sent.start, sent.end):
        when = span._.when
        if when is not None and when.earliest is not None:
            out.append((when.earliest, when.latest or dt.date.max))  # open-ended: cannot contradict
    if not out and doc._.published is not None:
        out.append((doc._.published, doc._.published))
    return out


def _overlaps(term: Term, start: dt.date, end: dt.date) -> bool:
    return term.valid_from <= end and (term.valid_to is None or start <= term.valid_to)


def _office_flag(doc: Doc, kb: KnowledgeBase, mention: TitledMention) -> Optional[Flag]:
    person: ActorEntry = kb.actors.get(mention.person._.actor.kb_id)
    if person is None or mention.former:
        return None
    terms = [t for t in person.offices if t.office in mention.offices
             and (mention.country is None or t.country == mention.country)]
    if not terms:
        return None  # the KB does not record this person in this office: it cannot contradict the text
    windows = _windows(doc, mention.person.sent)
    if not windows or any(_overlaps(t, s, e) for t in terms for s, e in windows):
        return None
    day = windows[0][1] if windows[0][1] != dt.date.max else windows[0][0]
    if doc._.published is not None and day > doc._.published:
        day = doc._.published  # a future time ("in the coming weeks"): the office as of publication
    term = max(terms, key=lambda t: t.valid_from)
    office = kb.offices[term.office]
    holders = kb.office_holders(term.office, term.country, day)
    state = kb.state_of(term.country)
    where = state.name if state else term.country
    if holders:
        holder_terms = [t for t in holders[0].offices if t.office == term.office and t.country == term.country
                        and t.active_on(day)]
        since = f" (in office from {holder_terms[0].valid_from})" if holder_terms else ""
        was = f"was {holders[0].name}{since}"
    else:
        was = "was someone else"
    served = ", ".join(f"{t.valid_from} to {t.valid_to or 'now'}" for t in terms)
    title = mention.title.lower() or office.name.lower()
    message = (f"On {day} the {title} of {where} {was}; "
               f"{person.name} held that office {served}.")
    start, end = doc[mention.start].idx, doc[mention.end - 1].idx + len(doc[mention.end - 1].text)
    return Flag(kind="office_holder", message=message, evidence=TextSpan(text=span_text(doc, mention.start, mention.end), start=start, end=end))


def find_flags(doc: Doc) -> list[Flag]:
    kb = get_kb()
    titles = get_titles()
    flags = []
    for m in actor_mentions(doc):  # read once per Doc and shared with the other rules
        actor = m.actor
        if actor.kind != "person" or not actor.kb_id:
            continue
        span = Span(doc, m.start, m.end)  # span._.actor is m.actor: extension values are kept by offsets
        mention = _titled_before(doc, span, titles) or _titled_after(doc, span, titles)
        if mention is None:
            continue
        flag = _office_flag(doc, kb, mention)
        if flag is not None:
            flags.append(flag)
    return flags


@Language.component("conflictlens_checks")
def checks_component(doc: Doc) -> Doc:
    doc._.flags = find_flags(doc)
    return doc
