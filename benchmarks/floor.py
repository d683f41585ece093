"""What does issue 6's second target ("within 3x of spaCy's blank tokenizer") leave for the rules?

Times, in one process over the same articles, CPU per article, median of interleaved repeats:
spaCy's blank English tokenizer alone; the tokenizer and spaCy's sentencizer (the base our components
run on); the whole conflictlens pipeline to the output contract; and two costs every implementation
of the contract pays whatever its rules: writing the output to JSON with the standard library's C
encoder, and dumping the contract objects to dicts. Run by hand:

    .venv/bin/python benchmarks/floor.py --corpus benchmarks/data/c300.jsonl --repeats 5

Appends one record to benchmarks/results/results.jsonl (see bench.py) and prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import median, read_documents, record  # noqa: E402  (this folder's helpers)


def cpu_ms_per_doc(work, count: int) -> float:
    began = time.process_time()
    work()
    return 1000 * (time.process_time() - began) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="JSON Lines corpus (bench.py corpus)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    import spacy

    from conflictlens.nlp.build import Extractor

    documents = list(read_documents(Path(args.corpus), args.limit))
    texts = [d.text for d in documents]
    tokenizer = spacy.blank("en")
    base = spacy.blank("en")
    base.add_pipe("sentencizer")
    extractor = Extractor()
    outputs = list(extractor.extract_many(documents))          # warm: caches filled, as in a long run
    dicts = [o.model_dump(mode="json") for o in outputs]

    steps = {
        "blank tokenizer": lambda: [tokenizer.make_doc(t) for t in texts],
        "tokenizer + sentencizer": lambda: list(base.pipe(texts)),
        "conflictlens pipeline": lambda: list(extractor.extract_many(documents)),
        "contract to dicts (model_dump)": lambda: [o.model_dump(mode="json") for o in outputs],
        "dicts to JSON (json.dumps)": lambda: [json.dumps(d, ensure_ascii=False) for d in dicts],
    }
    runs: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.repeats):
        for name, work in steps.items():            # interleaved: load changes hit every step alike
            runs[name].append(cpu_ms_per_doc(work, len(documents)))
    ms = {name: median(values) for name, values in runs.items()}
    tok = ms["blank tokenizer"]
    record("floor", {
        "corpus": args.corpus, "documents": len(documents), "repeats": args.repeats,
        "cpu_ms_per_doc": ms, "times_tokenizer": {name: round(v / tok, 2) for name, v in ms.items()},
        "budget_3x_tokenizer_ms": round(3 * tok, 3),
        "events_per_doc": round(sum(len(o.events) for o in outputs) / len(outputs), 1),
        "mentions_per_doc": round(sum(len(o.mentions) for o in outputs) / len(outputs), 1),
        "runs": runs,
    })


if __name__ == "__main__":
    main()
