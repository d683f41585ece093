"""Does a speed-up change what is extracted? Snapshot every extraction, then compare two snapshots.

    .venv/bin/python benchmarks/outputs.py snapshot before.jsonl        # the dev set + 300 generated articles
    ... change the code ...
    .venv/bin/python benchmarks/outputs.py snapshot after.jsonl
    .venv/bin/python benchmarks/outputs.py compare before.jsonl after.jsonl

To hold other people's concurrent changes equal, snapshot two copies of the source tree (one with your
files as they were) with PYTHONPATH=<copy>/src. Run by hand, never as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def documents(count: int):
    from conflictlens.model import Document
    from conflictlens.scale.corpus import CorpusGenerator

    for path in sorted((ROOT / "tests" / "data" / "articles").glob("*.yaml")):
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        published = d["published"] if isinstance(d["published"], dt.date) else dt.date.fromisoformat(str(d["published"]))
        yield Document(id=d["id"], text=d["text"], url=d.get("url"), title=d.get("title"), outlet=d.get("outlet"),
                       published=published)
    buffer = io.StringIO()
    CorpusGenerator(seed=1, min_words=560, max_words=560).write_jsonl(count, buffer)
    for line in buffer.getvalue().splitlines():
        r = json.loads(line)
        yield Document(id=r["id"], text=r["text"], url=r.get("url"), title=r.get("title"), outlet=r.get("outlet"),
                       published=dt.date.fromisoformat(r["published"]))


def snapshot(out: Path, count: int) -> None:
    from conflictlens.nlp.build import Extractor

    docs = list(documents(count))
    extractor = Extractor()
    began = time.process_time()
    with out.open("w", encoding="utf-8") as handle:
        for document, extraction in zip(docs, extractor.extract_many(docs)):
            handle.write(json.dumps({"id": document.id, "extraction": json.loads(extraction.model_dump_json())},
                                    sort_keys=True) + "\n")
    print(f"{len(docs)} documents, {time.process_time() - began:.1f} CPU s of extraction -> {out}")


def compare(a: Path, b: Path) -> int:
    read = lambda p: {r["id"]: r["extraction"] for r in map(json.loads, p.open(encoding="utf-8"))}  # noqa: E731
    left, right = read(a), read(b)
    differing = [k for k in left if left[k] != right.get(k)] + [k for k in right if k not in left]
    for key in differing[:10]:
        fields = [f for f in (left.get(key) or right[key]) if (left.get(key) or {}).get(f) != (right.get(key) or {}).get(f)]
        print(f"{key}: {', '.join(fields)} differ")
    print(f"{len(differing)} of {len(left | right)} documents differ")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("snapshot")
    p.add_argument("out", type=Path)
    p.add_argument("--count", type=int, default=300, help="generated articles after the dev set")
    p = sub.add_parser("compare")
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out, args.count)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
