"""Shared fixtures: the real pipeline, built once per test session."""

from __future__ import annotations

import pytest

from postgres import postgres_server, store_url  # noqa: F401  (the store tests' database fixtures)


@pytest.fixture(scope="session")
def extractor():
    from conflictlens.nlp.build import Extractor

    return Extractor()
