"""Proposals for the knowledge base from what articles say (`conflictlens kb learn`).

The pipeline reads each article; whatever it finds that the knowledge base lacks becomes a
proposal for a person to review, never an edit of the KB:
  * alias: a list member linked to a KB actor through part of its name ("Imam Ali" for
    Kata'ib al-Imam Ali), or "<actor>, also known as <name>" with a name the actor lacks;
  * new_actor: a group named in a member list that the KB does not know at all;
  * member_of / backed_by / allied_with / leads: a relation between two KB actors that their
    entries do not record; formed: a founding date for an actor without one.
Each proposal says where it came from (document and the words) and how often it was seen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..model import Document, Relation
from . import KnowledgeBase

log = logging.getLogger(__name__)

LINK_FIELDS = {"member_of": "member_of", "backed_by": "backed_by", "allied_with": "allied_with", "leads": "leads"}


@dataclass
class Proposal:
    kind: str
    fields: dict
    evidence: list[dict] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.kind, *sorted((k, str(v)) for k, v in self.fields.items()))

    def as_dict(self) -> dict:
        return {"kind": self.kind, **self.fields, "seen": len(self.evidence), "evidence": self.evidence}


class Learner:
    """Collects proposals over many documents, merging repeats."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.proposals: dict[tuple, Proposal] = {}

    def _propose(self, kind: str, fields: dict, document: Document, words: str) -> None:
        proposal = Proposal(kind, fields)
        found = self.proposals.setdefault(proposal.key(), proposal)
        entry = {"document": document.origin or document.id, "text": words}
        if entry not in found.evidence:
            found.evidence.append(entry)

    def _knows_name(self, entry_id: str, name: str) -> bool:
        from ..nlp.relations import fold_words

        entry = self.kb.actors.get(entry_id)
        wanted = fold_words(name)
        return entry is not None and any(fold_words(n) == wanted for n in entry.names())

    def _owner_of_name(self, name: str) -> Optional[str]:
        from ..nlp.relations import fold_words

        wanted = fold_words(name)
        return next((a.id for a in self.kb.actors.values() if any(fold_words(n) == wanted for n in a.names())), None)

    def read(self, doc: Doc, document: Document) -> None:
        from ..nlp.relations import find_aliases

        for relation in doc._.relations or []:
            self._relation(relation, document)
        for actor, name, evidence in find_aliases(doc):
            if actor.kb_id and not self._knows_name(actor.kb_id, name) and self._owner_of_name(name) is None:
                self._propose("alias", {"actor": actor.kb_id, "actor_name": actor.name, "alias": name},
                              document, evidence.text)

    def _relation(self, relation: Relation, document: Document) -> None:
        subject, obj, predicate = relation.subject, relation.object, relation.predicate
        words = relation.evidence.text
        for actor in (subject, obj):
            if actor.kb_id and _looks_like_name(actor.text) and not self._knows_name(actor.kb_id, actor.text) \
                    and self._owner_of_name(actor.text) is None:
                self._propose("alias", {"actor": actor.kb_id, "actor_name": actor.name, "alias": actor.text},
                              document, words)
        if predicate == "member_of" and subject.kb_id is None and obj.kb_id:
            self._propose("new_actor", {"name": subject.text, "member_of": obj.kb_id}, document, words)
            return
        if not (subject.kb_id and obj.kb_id):
            return
        if predicate == "formed":
            entry = self.kb.actors.get(subject.kb_id)
            if entry is not None and entry.valid_from is None and relation.date and relation.date.earliest:
                self._propose("formed", {"actor": subject.kb_id, "valid_from": _day(relation.date.earliest),
                                         "valid_to_latest": _day(relation.date.latest)}, document, words)
            return
        if not self._recorded(subject.kb_id, predicate, obj.kb_id):
            fields = {"subject": subject.kb_id, "predicate": predicate, "object": obj.kb_id}
            if relation.date and relation.date.earliest:
                fields["valid_from"] = _day(relation.date.earliest)
            self._propose(predicate, fields, document, words)

    def _recorded(self, subject_id: str, predicate: str, object_id: str) -> bool:
        subject, obj = self.kb.actors.get(subject_id), self.kb.actors.get(object_id)
        if subject is None or obj is None:
            return True  # not an actor the KB can take a link on
        links = {link.id for link in getattr(subject, LINK_FIELDS[predicate])}
        if predicate == "allied_with" and any(link.id == subject_id for link in obj.allied_with):
            return True
        if predicate == "member_of" and object_id in links:
            return True
        if predicate == "member_of" and any(object_id in self.kb.umbrellas(u) for u in links):
            return True  # a member of a member: the KB already implies it
        if predicate == "leads" and subject.kind != "person":
            return True
        return object_id in links

    def result(self) -> list[dict]:
        order = {"alias": 0, "new_actor": 1, "member_of": 2, "formed": 3, "backed_by": 4, "allied_with": 5, "leads": 6}
        items = sorted(self.proposals.values(), key=lambda p: (order.get(p.kind, 9), p.key()))
        return [p.as_dict() for p in items]


def _looks_like_name(text: str) -> bool:
    """'Imam Ali' is a name; 'The coalition' (a phrase referring back) is not."""
    words = text.split()
    if words and words[0].lower() in ("the", "this", "that", "these", "those", "its", "their"):
        words = words[1:]
    return bool(words) and words[0][:1].isupper()


def _day(value: Optional[dt.date]) -> Optional[str]:
    return value.isoformat() if value else None


def learn(documents: Iterable[Document], kb: KnowledgeBase, nlp: Language,
          on_document: Optional[Callable[[Document], None]] = None) -> list[dict]:
    """Proposals from `documents` (nothing is written to the knowledge base)."""
    learner = Learner(kb)
    def pairs():
        for document in documents:
            doc = nlp.make_doc(document.text)
            doc._.published = document.published
            yield doc, document

    for doc, document in nlp.pipe(pairs(), as_tuples=True):
        learner.read(doc, document)
        if on_document is not None:
            on_document(document)
    return learner.result()


def proposals_yaml(proposals: list[dict], sources: list[str]) -> str:
    """The review file: a header that says what it is, then the proposals."""
    import yaml

    header = ("# Knowledge-base proposals from `conflictlens kb learn`: NOT merged. Review each one and copy\n"
              "# what is right into kb/data/actors/*.yaml (with a source note); then run `conflictlens kb validate`.\n")
    body = {"sources": sources, "proposals": proposals}
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
