"""Scoring extractions against annotated articles (`conflictlens eval`; method in docs/evaluation.md).

  gold.py     read and validate gold files (.yaml, directories of them, .jsonl); export to JSON Lines
  compare.py  when two values are equal: actors via the knowledge base, places by distance, dates by range
  align.py    one-to-one alignment of predicted and gold events (Hungarian algorithm)
  score.py    per-field precision, recall and F1, per event type, per article
  report.py   terminal table, Markdown (docs/ACCURACY.md), JSON
  run.py      extraction over the gold articles, or extractions read from a file
"""

from .gold import GoldArticle, GoldError, read_gold, to_jsonl_line
from .score import Counts, Report, score

__all__ = ["Counts", "GoldArticle", "GoldError", "Report", "read_gold", "score", "to_jsonl_line"]
