"""Pipeline component 'attribution': who says so, and over which words.

Fills doc.spans["sources"] (span._.source = model.Source) with the sources that speak in an article
and doc._.frames with the reporting frames (extensions.Frame: the character range a source vouches
for), nested sources outermost first; `attribution_at(doc, offset)` gives the chain over one offset.
The phrases that can be sources come from sources.SourceFinder; this module finds the reporting
verbs and "according to", their subjects (coordinated, appositive, pronouns and other phrases that refer
back), and the scope each frame governs. Rules over tokens, no parser needed; docs/attribution.md
describes the frames and their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import Source
from . import extensions  # noqa: F401  (declares the extensions)
from .extensions import Frame
from .rulekit import in_range
from .sources import QUOTES, Candidate, DocState, SourceFinder, changed, seq_end

TRIM = " \t\n,;:—–-"
PERSON_KINDS = frozenset({"official", "spokesperson", "journalist", "other"})
ANAPHOR_KINDS = {  # anaphoric head -> the source kinds it may refer back to (None: any)
    "source": {"anonymous", "official", "spokesperson", "journalist", "other"},
    "sources": {"anonymous", "official", "spokesperson", "journalist", "other"},
    "report": None, "statement": None,
    "official": {"official"}, "officials": {"official"},
    "spokesman": {"spokesperson", "official"}, "spokeswoman": {"spokesperson", "official"},
    "spokesperson": {"spokesperson", "official"},
    "journalist": {"journalist"}, "reporter": {"journalist"}, "correspondent": {"journalist"},
    "observatory": {"other", "outlet"}, "monitor": {"other", "outlet"}, "group": {"group"},
    "person": PERSON_KINDS, "thing": {"outlet", "group", "document", "official", "other"},
    "plural": {"anonymous", "official", "group", "other"},
}
ADJUNCT_PREPS = frozenset({"on", "in", "via", "through", "by", "at", "during", "after", "from", "with", "to", "over",
                           "for", "late", "early"})
OUTLET_HEADS = frozenset({"newspaper", "paper", "network", "channel", "agency", "outlet", "station",
                          "broadcaster", "website", "daily"})


@dataclass
class _Detection:
    chain: list[Source]
    start: int
    end: int
    anchor: int
    unit: int
    quoted: bool = False


@dataclass
class _FrameState(DocState):
    """The source finder's indexes and the frames found so far."""

    detections: list[_Detection] = field(default_factory=list)


class Attribution:
    """Finds who speaks and the reporting frames over the source phrases the finder found."""

    def __init__(self, nlp: Language):
        self.finder = SourceFinder(nlp)
        self.lex, self.kb, self.verbs = self.finder.lex, self.finder.kb, self.finder.verbs
        self.triggers = self.finder.triggers

    def __call__(self, doc: Doc) -> Doc:
        st = self.finder.find(doc, _FrameState)
        at = [i for i in st.looked_at if st.low[i] in self.triggers]  # the words a frame can start at
        for index, (start, end) in enumerate(st.units):
            self._frames_in_unit(st, index, start, end, in_range(at, start, end))
        self._continue_quotes(st)
        frames = self._frames(st)
        doc._.frames = frames
        spans = []
        for (s, e), source in sorted(st.mentions.items()):
            span = Span(doc, s, e, label="SOURCE")
            span._.source = source
            spans.append(span)
        doc.spans["sources"] = spans
        # the candidates' lazy builders refer back to the state: breaking the cycle here lets reference
        # counting free the state at once instead of leaving it (and the Doc it holds) to the cyclic GC
        st.cand_start.clear()
        st.cand_end.clear()
        st.covered.clear()
        return doc

    # -------------------------------------------------------- reporting frames

    def _frames_in_unit(self, st: _FrameState, n: int, start: int, end: int, at: list[int]) -> None:
        """`at`: the unit's words that a frame can start at (reporting verbs, 'according'); the rules move on
        by one word past any other."""
        low = st.low
        i = start
        for t in at:
            if t < i:
                continue
            i = t
            if low[i] == "according" and i + 1 < end and low[i + 1] == "to":
                i = self._according(st, n, start, end, i)
            elif low[i] in self.verbs and low[i] != "according" and i not in st.covered:
                i = self._verb(st, n, start, end, i)

    def _according(self, st: _FrameState, n: int, u_start: int, u_end: int, i: int) -> int:
        """'According to X, ...' governs what follows; '..., according to X.' what precedes."""
        low = st.low
        cand = st.cand_start.get(i + 2) or self.finder.name_cand(st, i + 2, u_end)
        if cand is None:
            return i + 2
        chain = self._resolve(st, cand, n, "according to")
        if chain is None:
            return cand.end
        after = cand.end
        others = self._conjuncts_after(st, cand, u_end)  # "according to residents, a nurse and the Red Cross"
        for other in others:
            chain += self._resolve(st, other, n, "according to") or []
            after = other.end
        if not others and cand.role == "role" and after + 1 < u_end and low[after] == ",":
            # "according to a member, NAME."
            name = self.finder.name_cand(st, after + 1, u_end)
            if name is not None and self._only_punct(st, name.end, u_end):
                named = self._named_role(st, name, cand)
                chain = [*chain[:-1], changed(named.source, {"verb": "according to"})]
                st.mentions.pop((cand.start, cand.end), None)
                st.mention(named, chain[-1])
                after = name.end
        lead = sum(1 for x in range(u_start, i) if st.shapes[x].alpha)
        if self._only_punct(st, after, u_end):
            scope = (st.idx[u_start], st.idx[i])
        elif lead <= 2 and after < u_end:
            first = after + 1 if low[after] == "," else after
            scope = (st.idx[first] if first < u_end else st.idx[after], st.end_char(u_end - 1))
        else:
            scope = (st.idx[u_start], st.end_char(u_end - 1))
        self._detect(st, chain, scope, n, cand)
        return after

    def _verb(self, st: _FrameState, n: int, u_start: int, u_end: int, v: int) -> int:
        low, lex = st.low, self.lex
        label = self.verbs[low[v]]
        if v + 1 < u_end and low[v + 1] in lex["passive_next"] and low[v] in lex["passive_verbs"]:
            return v + 1  # "civilians accused of collaborating", "a video posted by the group": no one reports
        if low[v] in lex["participles"] and v > u_start and low[v - 1] == ",":
            return self._participle(st, n, u_end, v, label)  # "..., X said, adding that ..."
        subject = self._subject(st, u_start, v)
        if subject is None:
            if v > u_start and (low[v - 1] == "," or st.shapes[v - 1].quote) and \
                    low[v] not in lex["tell"] and low[v] not in lex["quote"]:  # '"...," said X.'
                cand = st.cand_start.get(v + 1)
                others = self._conjuncts_after(st, cand, u_end) if cand is not None else []
                end = others[-1].end if others else cand.end if cand is not None else u_end
                if cand is not None and self._only_punct(st, end, u_end):
                    chain = self._resolve(st, cand, n, label)
                    if chain:
                        for other in others:  # '"...," said a nurse, a teacher and a doctor.'
                            chain += self._resolve(st, other, n, label) or []
                        self._detect(st, chain, (st.idx[u_start], st.idx[v]), n, cand)
                    return end
            return v + 1
        chain = self._resolve(st, subject, n, label)
        if chain is None:
            return v + 1
        conjuncts = self._conjuncts(st, u_start, subject)
        if conjuncts:  # "local officials and residents said", "residents, a nurse and the police said": all say so
            before: list[Source] = []
            for conjunct in conjuncts:
                before += self._resolve(st, conjunct, n, label) or []
            chain = before + chain
            subject = Candidate(conjuncts[0].start, subject.end, subject.role, subject.source, head=subject.head)
        k = self._skip_time(st, v + 1, u_end)
        outer: list[Source] = []
        if low[v] in lex["tell"] or (low[v] in lex["to"] and k < u_end and low[k] == "to"):
            at = k if low[v] in lex["tell"] else k + 1
            told = st.cand_start.get(at)
            audience = seq_end(low, at, lex["audiences"], u_end)
            if audience:
                k = audience
            elif told is not None and told.source is not None and told.source.kind in ("outlet", "journalist", "other"):
                outer = self._resolve(st, told, n, "reported") or []
                k = told.end
        elif low[v] in lex["quote"]:
            quoted = st.cand_start.get(k) or self.finder.name_cand(st, k, u_end)
            if quoted is not None and low[quoted.end:quoted.end + 2] == ["as", "saying"]:
                chain = chain + (self._resolve(st, quoted, n, "said") or [])
                k = quoted.end + 2
        k = self._skip_time(st, k, u_end)
        interview = seq_end(low, k, lex["interview"], u_end)
        if interview and interview in st.cand_start and not outer:
            told = st.cand_start[interview]
            outer = self._resolve(st, told, n, "reported") or []
            k = self._skip_time(st, told.end, u_end)
        if k < u_end and low[k] == "in" and k + 1 in st.cand_start:  # "said in a statement"
            adjunct = st.cand_start[k + 1]
            if adjunct.source is not None and adjunct.source.kind == "document":
                # the statement is the speaker's medium, not a second source: no mention of its own
                carrier = self._carrier(st, adjunct)
                if carrier is not None and not outer:  # "said in a statement carried by Tasnim": [Tasnim, X]
                    outer = [carrier]
                    at = st.token_at(carrier.span[0])
                    st.mention(Candidate(at, st.token_at(carrier.span[1] - 1) + 1, "outlet", carrier), carrier)
                k = self._skip_time(st, adjunct.end, u_end)
                while k < u_end and low[k] in lex["document_participles"]:  # "... read on state television"
                    x = k + 1
                    while x < u_end and x - k < 8 and low[x] not in self.verbs and low[x] not in (",", "that"):
                        x += 1
                    k = x
        if k < u_end and low[k] in ("on", "in", "via", "through", "during", "at", "after", "from"):
            for x in range(k + 1, min(u_end, k + 8)):  # "said on its Telegram channel that"
                if low[x] in ("that", ":"):
                    k = x
                    break
                if low[x] in self.verbs or low[x] == ",":
                    break
        chain = outer + chain
        unit_end_char = st.end_char(u_end - 1)
        if k < u_end and low[k] in ("that", ":"):
            scope = (st.idx[k + 1] if k + 1 < u_end else unit_end_char, unit_end_char)
        elif self._postposed(st, subject, k, u_start, u_end):
            scope = (st.idx[u_start], st.idx[subject.start])
        elif k < u_end and low[k] == "," and subject.start > u_start and low[subject.start - 1] == ",":
            scope = (st.idx[u_start], unit_end_char)
        else:
            scope = (st.idx[k] if k < u_end else unit_end_char, unit_end_char)
        self._detect(st, chain, scope, n, subject)
        return max(k, v + 1)

    def _carrier(self, st: _FrameState, adjunct: Candidate) -> Optional[Source]:
        """The outlet that carried a statement ('a statement carried by the Tasnim news agency')."""
        low = st.low
        for i in range(adjunct.start, adjunct.end - 1):
            if low[i] not in self.lex["carried"] or low[i + 1] != "by":
                continue
            at = i + 2 + (low[i + 2] == "the" if i + 2 < adjunct.end else 0)
            for e, kind, oid in st.marks_start.get(at, []):
                if kind == "outlet" and e <= adjunct.end:
                    described = st.mark_starting(e, "descriptor")  # "the Tasnim news agency"
                    e = described[0] if described and described[0] <= adjunct.end else e
                    return self.finder.outlet_source(self.kb.outlets[oid], st.chars(at, e)).model_copy(
                        update={"verb": "reported"})
        return None

    def _participle(self, st: _FrameState, n: int, u_end: int, v: int, label: str) -> int:
        """', adding that ...' / ', saying ...': the speaker of the frame just before goes on."""
        before = [d for d in st.detections if d.unit == n]
        if not before:
            return v + 1
        chain = [*before[-1].chain[:-1], changed(before[-1].chain[-1], {"verb": label})]
        k = v + 1
        if k < u_end and st.low[k] == "that":
            k += 1
        if k < u_end:
            st.detections.append(_Detection(chain, st.idx[k], st.end_char(u_end - 1), before[-1].anchor, n))
        return k

    def _postposed(self, st: _FrameState, subject: Candidate, k: int, u_start: int, u_end: int) -> bool:
        """'..., the ministry said (on Telegram) (, adding ...).': the frame governs what came before."""
        low = st.low
        if subject.start <= u_start:
            return False
        if self._only_punct(st, k, u_end):
            return True
        b = subject.start - 1
        if low[b] == "the" and b > u_start:  # "..., the Israeli military said": the actor's span has no article
            b -= 1
        if not (low[b] == "," or st.shapes[b].quote):
            return False
        x = k
        if x < u_end and low[x] in ADJUNCT_PREPS:  # "said on Telegram", "told Sahel Wire by phone"
            while x < u_end and x - k < 9 and low[x] not in self.verbs and low[x] not in (",", "that"):
                x += 1
        return self._only_punct(st, x, u_end) or (
            x + 1 < u_end and low[x] == "," and low[x + 1] in self.lex["trailing"])

    # -------------------------------------------------------- who speaks: the subject of a reporting verb

    def _subject(self, st: _FrameState, u_start: int, v: int) -> Optional[Candidate]:
        """The source right before a reporting verb: a phrase, 'he'/'it', an appositive 'X, a spokesman, said'."""
        low = st.low
        j = v
        while j > u_start and (j - 1 in st.times or low[j - 1] in self.lex["fillers"]):
            j -= 1
        if j - 1 > u_start and low[j - 1] == ")" and "(" in low[max(u_start, j - 5):j - 1]:
            j = max(u_start, j - 5) + low[max(u_start, j - 5):j - 1].index("(")  # "the Africa Command (AFRICOM) said"
            while j > u_start and (j - 1 in st.times or low[j - 1] in self.lex["fillers"]):
                j -= 1
        elif j - 2 > u_start and low[j - 1] == "," and low[j - 2] == ")" and "(" in low[max(u_start, j - 6):j - 2]:
            opening = max(u_start, j - 6) + low[max(u_start, j - 6):j - 2].index("(")
            named = st.cand_end.get(opening)  # "..., the media wing, Inter-Services Public Relations (ISPR), said"
            if named is not None and named.start > u_start and low[named.start - 1] == ",":
                return named
        if j <= u_start:
            return None
        cand = st.cand_end.get(j)
        if cand is not None:
            return cand
        w = low[j - 1]
        pronouns = self.lex["anaphora"]["pronouns"]
        if w in self.lex["no_subject_before"]:
            return None  # "... would send more soldiers and denied ...": the verb shares an earlier subject
        if w in pronouns:
            pronoun = Source(name=st.shapes[j - 1].text, kind="other", span=st.chars(j - 1, j))
            return Candidate(j - 1, j, "anaphor", pronoun, head=pronouns[w])
        if w == ",":
            return self._appositive(st, u_start, j)
        return self._across_pp(st, u_start, j) or self.finder.name_cand_ending(st, u_start, j)

    def _conjuncts(self, st: _FrameState, u_start: int, subject: Candidate) -> list[Candidate]:
        """'residents and a local official said', 'residents, a nurse(,) and a local official said': the speakers
        coordinated before the last one, when the list opens its clause (sentence start, after a comma or a
        quotation mark), so an object is never taken for one ('gunmen shot two soldiers, residents and a nurse
        said': the soldiers are left out)."""
        low = st.low
        link = subject.start - 1
        if link <= u_start or low[link] != "and":
            return []
        if low[link - 1] == "," and link - 1 > u_start:  # the serial comma
            link -= 1
        found: list[Candidate] = []
        while link > u_start:
            cand = st.cand_end.get(link)
            if cand is None or cand.source is None or cand.role == "anaphor":
                break
            found.insert(0, cand)
            link = cand.start - 1
            if link <= u_start or low[link] != ",":
                break
        while found and found[0].start > u_start and low[found[0].start - 1] != "," and \
                not st.shapes[found[0].start - 1].quote:
            found.pop(0)
        return found

    def _conjuncts_after(self, st: _FrameState, first: Candidate, u_end: int) -> list[Candidate]:
        """'according to residents(,) a nurse and the police': the sources coordinated after the `first`, when
        an 'and' closes the list and the list ends its clause or a comma follows, so a clause after 'According
        to X,' is never taken for one. A name in no list joins only a list of such names."""
        low, k = st.low, first.end
        found: list[Candidate] = []
        while k + 1 < u_end and low[k] in (",", "and"):
            last = low[k] == "and" or low[k + 1] == "and"
            at = k + 2 if low[k] == "," and low[k + 1] == "and" else k + 1
            cand = st.cand_start.get(at)
            if cand is None and (found[-1] if found else first).role == "name":  # "Ahmed Ali and Musa Bello"
                cand = self.finder.name_cand(st, at, u_end)  # (but "the Institute for Conflict and Security Studies")
            if cand is None or cand.source is None or cand.role == "anaphor":
                return []
            found.append(cand)
            k = cand.end
            if last:
                return found if k >= u_end or low[k] == "," or self._only_punct(st, k, u_end) else []
        return []

    def _appositive(self, st: _FrameState, u_start: int, j: int) -> Optional[Candidate]:
        """'NAME, a spokesman for X, said', 'the governor, NAME, said', 'X, who ..., said': the speaker."""
        low = st.low
        k = j - 2
        while k > u_start and low[k] != "," and j - 1 - k < 30:
            k -= 1
        if k <= u_start or low[k] != ",":
            return None
        first = st.cand_end.get(k) or self._across_pp(st, u_start, k) or self.finder.name_cand_ending(st, u_start, k)
        if first is None:
            return None
        outer = st.cand_end.get(first.start - 1) if first.start - 1 > u_start else None
        if outer is not None and outer.role in ("role", "anaphor") and st.low[first.start - 1] in ADJUNCT_PREPS:
            first = outer  # "An officer in the Baghdad Operations Command, who ..., told"
        middle = st.cand_start.get(k + 1)
        if middle is None or middle.end != j - 1:
            middle = self.finder.name_cand(st, k + 1, j - 1)
            if middle is not None and middle.end != j - 1:
                middle = None
        if middle is not None:
            if first.role == "name" and middle.role == "role":
                return self._named_role(st, first, middle)
            if first.role in ("role", "office") and (middle.role == "name" or self._is_person(middle)):
                return self._named_role(st, middle, first)  # "the governor of X, Vyacheslav Gladkov, said"
        return first

    def _is_person(self, cand: Candidate) -> bool:
        entry = self.kb.actors.get(cand.source.kb_id) if cand.role == "actor" and cand.source.kb_id else None
        return entry is not None and entry.kind == "person"

    def _named_role(self, st: _FrameState, name: Candidate, role: Candidate) -> Candidate:
        """A name and the role beside it: the name, with the role's kind and affiliation."""
        start, end = min(name.start, role.start), max(name.end, role.end)
        source = changed(role.source, {
            "name": name.source.name, "span": st.chars(start, end), "kb_id": name.source.kb_id or role.source.kb_id,
            "affiliation": role.source.affiliation or name.source.affiliation})
        return Candidate(start, end, "role", source)

    def _across_pp(self, st: _FrameState, u_start: int, j: int) -> Optional[Candidate]:
        """'a medical source at one of the city's hospitals said': a source phrase, then a prepositional phrase."""
        low = st.low
        for p in range(j - 1, max(u_start, j - 11), -1):
            if low[p] in self.verbs or low[p] in (",", "that", "who", "which") or (st.shapes[p].punct and low[p] != "-"):
                return None
            cand = st.cand_end.get(p)
            if cand is not None and cand.role != "outlet" and (
                    low[p] in ADJUNCT_PREPS | {"of", "near"} or low[p] in self.lex["document_participles"]):
                return cand  # "... a doctor at the hospital said", "videos shared on social media showed"
        return None

    def _skip_time(self, st: _FrameState, k: int, u_end: int) -> int:
        while k < u_end and k in st.times:
            k += 1
        return k

    def _only_punct(self, st: _FrameState, k: int, u_end: int) -> bool:
        return all(st.shapes[x].punct or x in st.times for x in range(k, u_end))

    # -------------------------------------------------------- sources, referring back, scopes

    def _resolve(self, st: _FrameState, cand: Candidate, n: int, verb: str) -> Optional[list[Source]]:
        """The chain a source phrase brings (outermost first), with `verb` on the phrase's own source."""
        if cand.role == "anaphor":
            found = self._antecedent(st, cand)
            if found is None:
                if cand.head in ("person", "thing", "plural"):
                    return None
                chain = [changed(cand.source, {"verb": verb})]
            else:
                prefix, target = found
                chain = [*prefix, changed(target, {"verb": verb, "span": cand.source.span})]
        else:
            chain = [changed(cand.source, {"verb": verb})]
        st.mention(cand, chain[-1])
        return chain

    def _antecedent(self, st: _FrameState, cand: Candidate):
        """The source an anaphor ('the same source', 'he') refers back to, and the chain around it."""
        kinds = ANAPHOR_KINDS.get(cand.head)
        if cand.head in OUTLET_HEADS:
            kinds = {"outlet"}
        para = st.para_of[cand.start]
        named = cand.head in self.lex["anaphora"]["named_heads"]
        far = named or cand.head in self.lex["anaphora"]["far_heads"]
        reach = 0 if cand.head in ("person", "thing", "plural") else (
            self.lex["anaphora"]["named_reach"] if far else 1)
        for det in reversed(st.detections):
            if para - st.para(det.anchor) > reach:
                break
            target = det.chain[-1]
            if named and cand.head not in target.name.lower():
                continue  # "the ministry" refers back to a ministry
            if kinds is None or target.kind in kinds:
                return self._enclosing(st, det) + det.chain[:-1], target
        if named:  # "the mission said" after "peacekeepers of the MONUSCO mission": the actor of that name
            span = self.finder.named_actor(st, cand.head, cand.start)
            if span is not None:
                return [], self.finder.actor_source(span.actor, span, st.doc._.published)
        return None

    def _detect(self, st: _FrameState, chain: list[Source], scope: tuple[int, int], n: int, cand: Candidate) -> None:
        first, last = st.token_at(scope[0]), st.token_at(scope[1] - 1) if scope[1] > 0 else -1
        if st.idx[first] < scope[0]:
            first += 1
        while first <= last and st.low[first].isspace():
            first += 1
        while last >= first and (not st.low[last] or st.low[last].strip(TRIM) == ""):
            last -= 1
        if last < first:
            return
        start, end = st.idx[first], st.end_char(last)
        quoted = st.low[first] in QUOTES or st.low[last] in QUOTES
        unit_start = st.idx[st.units[n][0]]  # a chain brought by an anaphor keeps its earlier sources' spans
        anchor = min((s.span[0] for s in chain if s.span and s.span[0] >= unit_start), default=unit_start)
        st.detections.append(_Detection(chain, start, end, anchor, n, quoted))

    def _continue_quotes(self, st: _FrameState) -> None:
        """A quotation goes on in the next sentences of the paragraph that open with a quotation mark."""
        busy = {d.unit for d in st.detections}
        for det in st.detections:
            if not det.quoted:
                continue
            u = det.unit
            while u + 1 < len(st.units) and u + 1 not in busy:
                s, e = st.units[u + 1]
                if not st.shapes[s].quote or st.para_of[s] != st.para(det.anchor):
                    break
                det.end = max(det.end, st.end_char(e - 1))
                u += 1

    def _enclosing(self, st: _FrameState, det: _Detection, seen: Optional[set] = None,
                   group: Optional[list[_Detection]] = None) -> list[Source]:
        """The sources of the frames around `det` (outermost first)."""
        seen = (seen or set()) | {id(det)}
        around = [d for d in (st.detections if group is None else group)
                  if d.start <= det.anchor < d.end and id(d) not in seen]
        if not around:
            return []
        inner = min(around, key=lambda d: d.end - d.start)
        return self._enclosing(st, inner, seen, group) + inner.chain

    def _frames(self, st: _FrameState) -> list[Frame]:
        frames = []
        by_para: dict[int, list[_Detection]] = {}  # scopes stay inside their paragraph
        for det in st.detections:
            by_para.setdefault(st.para(det.anchor), []).append(det)
        for group in by_para.values():
            for det in group:
                base = len(self._enclosing(st, det, group=group))
                frames.extend(Frame(source=source, start=det.start, end=det.end, depth=base + k)
                              for k, source in enumerate(det.chain))
        frames.sort(key=lambda f: (f.start, f.depth))
        return frames


# ---------------------------------------------------------------- public API

def attribution_at(doc: Doc, char_offset: int) -> list[Source]:
    """Who vouches for the text at `char_offset`: the sources of the frames around it, outermost first."""
    frames = [f for f in (doc._.frames or []) if f.start <= char_offset < f.end]
    frames.sort(key=lambda f: (f.depth, -(f.end - f.start)))
    chain: list[Source] = []
    for frame in frames:
        if frame.source not in chain:
            chain.append(frame.source)
    return chain


@Language.factory("conflictlens_attribution")
def make_attribution(nlp: Language, name: str) -> Attribution:
    return Attribution(nlp)
