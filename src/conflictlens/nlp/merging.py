"""One incident, several mentions: merge "the attack" and follow-up sentences into the event they tell of.

A definite nominal ("the attack", "the bombing") refers back to the last compatible event unless it
names a place more than 25 km away; a sentence without a time of its own that goes on about the
last event (same type and no new place, a weak trigger, a definite subject) is the same incident;
police breaking up a protest ends that protest. The merged event keeps the first description and
takes the fields it lacked (docs/events.md).
"""

from __future__ import annotations

from typing import Optional

from ..geo import haversine_km
from ..model import Location
from .mentions import GENERIC_KINDS, VIOLENT_TYPES, Mention
from .tokentable import TokenTable

ANAPHORA = frozenset({"the", "this", "that", "both", "these", "those"})
INTERVENTION_SUBS = frozenset({"Protest with intervention", "Excessive force against protesters"})
CROWD_AND_BATTLE_TYPES = frozenset({"Protests", "Riots", "Battles"})  # events whose arrests are part of them (ACLED)
NEAR_TOKENS = 80  # how far (in tokens) a follow-up sentence may be from the event it continues


def _near(a: Optional[Location], b: Optional[Location], km: float = 25.0) -> bool:
    """Two locations within km of each other (unknown counts as near: nothing says they differ)."""
    if a is None or b is None:
        return True
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= km


def _same_night(mention: Mention, last: Mention) -> bool:
    """The mention's day is the last event's, or the day after ("clashes continued until the early hours")."""
    a, b = mention.when.latest, last.when.latest
    return a is not None and b is not None and 0 <= (a - b).days <= 1


class MentionMerger:
    """Merges the mentions of a Doc, in text order."""

    def __init__(self, report_verbs: frozenset[str], pronouns: frozenset[str]):
        self.report_verbs = report_verbs
        self.pronouns = pronouns

    def _antecedent(self, mentions: list[Mention], mention: Mention) -> Optional[Mention]:
        earlier = [m for m in mentions if m.hit.start < mention.hit.start and not m.anaphoric]
        compatible = [m for m in earlier if m.event_type == mention.event_type or mention.event_type in VIOLENT_TYPES
                      and m.event_type in VIOLENT_TYPES and mention.sub in ("Armed clash", "Attack")]
        return compatible[-1] if compatible else (earlier[-1] if earlier else None)

    def _definite(self, table: TokenTable, mention: Mention) -> bool:
        """The sentence opens with a definite or pronoun subject and no reporting verb before the trigger."""
        sent, lowers = mention.sent, table.lower
        first = next((i for i in range(sent.start, sent.end) if not table.text[i].isspace()), sent.start)
        reported = not self.report_verbs.isdisjoint(lowers[first:mention.hit.start])
        return (lowers[first] in ANAPHORA or lowers[first] in self.pronouns) and not reported

    def merge(self, table: TokenTable, mentions: list[Mention]) -> list[Mention]:
        kept: list[Mention] = []
        for mention in mentions:
            target = None
            if mention.anaphoric:
                target = self._antecedent(kept, mention)
                if (target is not None and mention.location_how == "clause" and mention.location.precision < 3
                        and not _near(target.location, mention.location)):
                    target = None  # "the drone attack on the base in X": another place, another event
            elif kept and kept[-1].sent.start != mention.sent.start and mention.sub in INTERVENTION_SUBS \
                    and kept[-1].event_type in ("Protests", "Riots") and mention.sent.start - kept[-1].sent.end < NEAR_TOKENS \
                    and (not mention.own_time or _same_night(mention, kept[-1])) \
                    and (not mention.own_place or _near(kept[-1].location, mention.location)):  # "In Abuja, police ..."
                # "Riot police fired tear gas to break up the crowd": how the protest ended, not a new event
                last = kept[-1]
                if last.sub == "Peaceful protest":
                    last.sub = mention.sub
                last.merged.append(mention)
                if last.actor2 is None:
                    last.actor2 = mention.actor2
                last.crowd = last.crowd or mention.crowd
                continue
            elif kept and kept[-1].sent.start != mention.sent.start \
                    and (not mention.own_time or mention.when.latest == kept[-1].when.latest and self._definite(table, mention)):
                # "The women ... were attacked on Saturday": the same day and a definite subject tell the same incident
                last = kept[-1]
                near = mention.sent.start - last.sent.end < NEAR_TOKENS
                # "The convoy ... was hit by an IED": the definite subject is the last event's, not "The army said ..."
                definite = self._definite(table, mention)
                same_place = not mention.own_place or _near(last.location, mention.location)
                if near and (last.sub == mention.sub and same_place or mention.hit.entry.weak
                             or definite and last.event_type in VIOLENT_TYPES and mention.event_type in VIOLENT_TYPES
                             or mention.sub == "Arrests" and same_place and not mention.reported_on
                             and last.event_type in CROWD_AND_BATTLE_TYPES):
                    # "Police detained 23 people." after a protest or a police raid: arrests made in that event
                    target = last
            if target is None:
                if mention.hit.entry.weak and mention.hit.entry.form == "noun" and not (mention.own_time and mention.own_place):
                    continue  # "attacks", "fighting" with no time and place of their own: talk of violence, no event
                kept.append(mention)
                continue
            target.merged.append(mention)
            if target.actor1 is None or target.actor1.actor.kind in GENERIC_KINDS and mention.actor1 \
                    and mention.actor1.actor.kind not in GENERIC_KINDS:
                target.actor1 = mention.actor1 or target.actor1
            if target.actor2 is None:
                target.actor2 = mention.actor2
            if target.fatalities is None:
                target.fatalities = mention.fatalities
            if target.claimed_by is None:
                target.claimed_by = mention.claimed_by
            target.crowd = target.crowd or mention.crowd
            if target.location is None:
                target.location = mention.location
            if target.when_how != "sentence" and mention.when_how == "sentence":
                target.when, target.when_how = mention.when, mention.when_how
        return kept
