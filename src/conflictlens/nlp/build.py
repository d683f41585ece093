"""Build the pipeline and run it over Documents.

Components, in the order of DESIGN.md, each knowing nothing of the ones after it.
A trained spaCy model is used when installed (its parser gives sentences and
syntax); otherwise a blank English pipeline with a rule-based sentencizer.
"""

from __future__ import annotations

import gc
import logging
import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..model import Document, Extraction
from . import actors, attribution, checks, events, forces, places, relations, statements, tallies, times  # noqa: F401  (registers the components)
from .assemble import extraction_from_doc
from .tokentable import remember_text

log = logging.getLogger(__name__)

COMPONENTS = ("conflictlens_actors", "conflictlens_places", "conflictlens_forces", "conflictlens_times", "conflictlens_attribution",
              "conflictlens_events", "conflictlens_tallies", "conflictlens_statements", "conflictlens_relations",
              "conflictlens_checks")
TRAINED_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")


def _base_pipeline() -> Language:
    for name in TRAINED_MODELS:
        try:
            nlp = spacy.load(name, exclude=["ner", "lemmatizer"])
            log.info("using trained spaCy model %s", name)
            return nlp
        except OSError:
            continue
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def build_nlp(trained: bool = True) -> Language:
    """A fresh pipeline: base (trained if installed and wanted) + our components."""
    nlp = _base_pipeline() if trained else spacy.blank("en")
    if not trained:
        nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=2)
def get_nlp(trained: bool = True) -> Language:
    """The shared pipeline of this process (built once).

    Its knowledge base, gazetteer index and matchers live as long as the process, so they are moved
    out of the garbage collector's sight (gc.freeze): otherwise every full collection walks those
    objects again (0.8 of 1.3 ms per 600-word article went to full collections before).
    """
    nlp = build_nlp(trained)
    gc.collect()
    gc.freeze()
    return nlp


class Extractor:
    """Runs the pipeline over Documents and assembles the output contract."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 32):
        self.nlp = nlp or get_nlp()
        self.batch_size = batch_size

    def make_doc(self, document: Document) -> Doc:
        """The tokenized Doc of a document, with what the components read besides its tokens."""
        doc = self.nlp.make_doc(document.text)
        remember_text(doc, document.text)
        doc._.published = document.published
        return doc

    def extract(self, document: Document) -> Extraction:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Stream extractions in input order, batching through nlp.pipe."""
        pairs = ((self.make_doc(d), d) for d in documents)
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield extraction_from_doc(doc, document)

    def extract_isolated(self, documents: Iterable[Document],
                         on_error: Callable[[Document, Exception], None]) -> Iterator[Extraction]:
        """Like extract_many, but one document's failure is handed to on_error and the others go on.

        Documents run in batches; a batch that fails is redone one document at a time
        so that only the culprit is lost.
        """
        stream = iter(documents)
        while batch := list(itertools.islice(stream, self.batch_size)):
            try:
                yield from list(self.extract_many(batch))
                continue
            except Exception:
                log.debug("a batch failed; extracting its documents one by one", exc_info=True)
            for document in batch:
                try:
                    yield self.extract(document)
                except Exception as exc:
                    log.debug("extraction failed for %s", document.origin or document.id, exc_info=True)
                    on_error(document, exc)
