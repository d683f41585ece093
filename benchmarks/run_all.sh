#!/usr/bin/env bash
# Every benchmark of benchmarks/README.md, one after the other (they must not compete for the CPUs).
# Usage: benchmarks/run_all.sh [DOCS_EXTRACT] [DOCS_BATCH] [REPEATS]   (defaults 300 1000 3)
# Corpora and batch output go to ${BENCH_DIR:-/tmp/conflictlens-bench}; results to benchmarks/results/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
N_EXTRACT=${1:-300}; N_BATCH=${2:-1000}; REPEATS=${3:-3}
DIR=${BENCH_DIR:-/tmp/conflictlens-bench}
mkdir -p "$DIR"
B="$PY benchmarks/bench.py"

$B corpus --count "$N_BATCH" --words 560 --seed 1 --out "$DIR/corpus.jsonl"
$B corpus --count "$N_EXTRACT" --words 560 --seed 1 --out "$DIR/corpus-small.jsonl"
$B startup --repeats 5
$B extract --corpus "$DIR/corpus-small.jsonl" --repeats "$REPEATS" --chunk 100 --baseline-docs "$N_EXTRACT"
$B extract --corpus "$DIR/corpus.jsonl" --repeats 1 --chunk 250 --baseline-docs 300      # cost growth within a long run
$B batch --corpus "$DIR/corpus-small.jsonl" --workers 2 --partition-size 50 --repeats "$REPEATS"
$B pool --corpus "$DIR/corpus-small.jsonl" --workers 1 --repeats "$REPEATS"
$B pool --corpus "$DIR/corpus-small.jsonl" --workers 2 --repeats "$REPEATS"
rm -rf "$DIR/batch-out"
.venv/bin/conflictlens batch "$DIR/corpus.jsonl" --out "$DIR/batch-out" --workers 2 --partition-size 100 || true
$B ingest --parquet "$DIR/batch-out" --backend sqlite --chunk 100 --repeats 2
$B ingest --parquet "$DIR/batch-out" --backend postgresql --chunk 100 --repeats 2
