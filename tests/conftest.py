"""Shared fixtures: the real pipeline, built once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    from conflictlens.nlp.build import Extractor

    return Extractor()
