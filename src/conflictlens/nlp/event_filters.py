"""What is not an event: negated, hypothetical, aggregate, habitual and historical mentions.

"No clashes were reported", "threatened to attack", "106 attacks since October 17", "have planted
mines", "broke away in 2016", "protest leaders": the words of kb/data/lexicon/events.yaml
(`negation`, `irrealis`, `aggregate`, `not_followed_by`) and the times of the clause decide.
"""

from __future__ import annotations

from bisect import bisect_left

from ..model import When
from .rulekit import Sentence
from .mentions import Mention, Reading
from .triggers import TriggerHit

WINDOW_BREAKS = frozenset({";", "but", "while", "when", "after", "before"})  # no cue of the trigger lies before these
CLAUSE_STOPS = frozenset({",", ";", "when", "while", "but"})  # where the clause of a time ends
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that"})
PERFECT = frozenset({"has", "have", "had"})
BACKGROUND_DAYS = 45  # an event whose clause is dated only this long before publication is history


def _by_first(phrases: list[list[str]]) -> dict[str, list[list[str]]]:
    """Phrases (word lists) by their first word: a window is then tested only against the phrases
    that can start at one of its words."""
    index: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return index


def _words(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items)


class EventFilter:
    """Decides whether a trigger hit reports an event that happened (lexicon read once)."""

    def __init__(self, lex: dict):
        self.negation = _words(lex["negation"])
        self.irrealis = _by_first([w.lower().split() for w in lex["irrealis"]])
        self.aggregate = _by_first([w.lower().split() for w in lex["aggregate"]])
        self.support = _by_first([w.lower().split() for w in lex.get("support_words", [])])
        self.not_followed_by = _words(lex.get("not_followed_by", []))
        self.verb_not_followed_by = _words(lex.get("verb_not_followed_by", []))

    def background(self, rd: Reading, mention: Mention) -> bool:
        """An event dated well before publication is history the article recalls, not news."""
        published = rd.published
        if not published:
            return False
        times = self._clause_times(rd, mention.sent, mention.hit)
        return bool(times) and all((published - w.latest).days > BACKGROUND_DAYS for w in times)

    @staticmethod
    def _window(rd: Reading, sent: Sentence, start: int, size: int = 6) -> list[str]:
        """The up to `size` words before token `start` in its sentence, after the last clause break among them."""
        window = rd.table.lower[max(sent.start, start - size):start]
        for k in range(len(window) - 1, -1, -1):
            if window[k] in WINDOW_BREAKS:
                return window[k + 1:]
        return window

    @staticmethod
    def _has(words: list[str], phrases: dict[str, list[list[str]]]) -> bool:
        """Whether one of the phrases (by first word, _by_first) occurs in the words."""
        for i, word in enumerate(words):
            for phrase in phrases.get(word, ()):
                if words[i:i + len(phrase)] == phrase:
                    return True
        return False

    def is_event(self, rd: Reading, sent: Sentence, hit: TriggerHit) -> bool:
        """False for negated, hypothetical, aggregate or habitual mentions and compounds (docs/events.md)."""
        lowers = rd.table.lower
        before = self._window(rd, sent, hit.start, 5)
        if not self.negation.isdisjoint(before[-4:]):
            return False
        if self._has(before, self.irrealis):
            return False
        if lowers[hit.start - 1] == "to" if hit.start > sent.start else False:
            return False  # infinitive: "to strike", "allow Ukraine to strike"
        if hit.end < sent.end and rd.table.text[hit.end] == "-":
            return False  # a compound modifier: "rocket-propelled", "grenade-launcher"
        gerund = lowers[hit.start].endswith("ing")
        if hit.entry.form == "verb" and hit.end - hit.start == 1 and gerund and before and before[-1] in DETERMINERS:
            return False  # a gerund as a noun: "the killing of"
        if hit.entry.form == "verb" and gerund and before and before[-1] == "from":
            return False  # "to stop hoodlums from attacking motorists": prevented, not done
        if hit.entry.form == "verb" and gerund and hit.start > sent.start and hit.start - 1 in rd.actor_tokens:
            return False  # a participle after a noun: "students protesting against quotas", "a bus carrying"
        trigger_words = lowers[hit.start:hit.end]
        after = lowers[hit.end:min(sent.end, hit.end + 6)]
        if "times" in after[:4]:
            return False
        if self._has(before[-4:], self.support):
            return False  # "a counter-attack backed by air strikes": part of that event
        if hit.entry.form == "noun" and self._has(before[-6:], self.aggregate):
            return False  # "a string of attacks", "74 cases of sexual violence"
        following = lowers[hit.end] if hit.end < sent.end else ""
        if following in (self.not_followed_by if hit.entry.form == "noun" else self.verb_not_followed_by):
            return False
        plural = trigger_words[-1].endswith("s") and hit.entry.form == "noun"
        clause_since = self._since(rd, sent, hit)
        if plural and clause_since:
            return False
        if set(before[-3:] + trigger_words) & PERFECT and (clause_since or self._since_after(rd, sent, hit)):
            return False  # "402 people had been detained since Thursday": a count to date, not one event
        if set(before[-3:]) & {"has", "have"} and (self._undated(rd, sent) or self._since(rd, sent, hit, whole=True)):
            return False  # "have planted mines", "has repeatedly targeted": a habit, no event
        return True

    @staticmethod
    def _clause_times(rd: Reading, sent: Sentence, hit: TriggerHit, whole: bool = False) -> list[When]:
        """The dated times of the clause around the trigger (or of the whole sentence), found once per
        clause: the filters and the background test ask again."""
        if not EventFilter._sentence_marks(rd, sent)[1]:
            return []  # most sentences hold no time at all
        lo, hi = hit.start, hit.end
        if whole:
            lo, hi = sent.start, sent.end
        found = rd.clause_times.get((lo, hi))
        if found is None:
            found = rd.clause_times[(lo, hi)] = EventFilter._times_around(rd, sent, lo, hi)
        return found

    @staticmethod
    def _times_around(rd: Reading, sent: Sentence, lo: int, hi: int) -> list[When]:
        """The dated times within the clause that holds tokens [lo, hi): from the stop word before lo
        (or the sentence start) to the stop word at or after hi (or the sentence end)."""
        stops, times = EventFilter._sentence_marks(rd, sent)
        k = bisect_left(stops, lo)
        lo = stops[k - 1] + 1 if k > 0 else sent.start
        k = bisect_left(stops, hi)
        hi = stops[k] if k < len(stops) else sent.end
        return [when for start, end, when, _ in times if start >= lo and end <= hi and when is not None and when.latest]

    @staticmethod
    def _sentence_marks(rd: Reading, sent: Sentence) -> tuple[list[int], list]:
        """The clause stops (CLAUSE_STOPS) of a sentence and the times within it, found once per sentence."""
        held = rd.filter_marks.get(sent.start)
        if held is None:
            stops = [sent.start + k for k, word in enumerate(rd.table.lower[sent.start:sent.end]) if word in CLAUSE_STOPS]
            times = [t for t in rd.times if t[0] >= sent.start and t[1] <= sent.end]
            held = rd.filter_marks[sent.start] = (stops, times)
        return held

    def _since(self, rd: Reading, sent: Sentence, hit: TriggerHit, whole: bool = False, any_length: bool = False) -> bool:
        """The trigger's clause holds a stretch of time ("since October 17", "in the past two years"); with
        any_length, any "since X" counts."""
        for when in self._clause_times(rd, sent, hit, whole):
            text = (when.text or "").lower()
            if any_length and text.startswith("since"):
                return True
            if when.earliest and ((when.latest - when.earliest).days > 31 or text.startswith(("since", "in the past", "over the past"))
                                  and (when.latest - when.earliest).days > 8):
                return True
        return False

    @staticmethod
    def _since_after(rd: Reading, sent: Sentence, hit: TriggerHit) -> bool:
        """A "since X" after the trigger in its sentence ("had launched 5,000 rockets, missiles and drones at
        Israel since October 8"); one before it may belong to a relative clause ("troops, who have been
        deployed since 2021, said they had opened a base")."""
        return any(start >= hit.end and end <= sent.end and (when is not None)
                   and (text or "").lower().startswith("since")
                   for start, end, when, text in EventFilter._sentence_marks(rd, sent)[1])

    @staticmethod
    def _undated(rd: Reading, sent: Sentence) -> bool:
        """No time expression in the sentence."""
        return not EventFilter._sentence_marks(rd, sent)[1]
