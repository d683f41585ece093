"""What the app holds between requests: the store, the extractor (built on first use), the token."""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Optional

from fastapi import Request

from .errors import ApiError

log = logging.getLogger(__name__)


class Services:
    """One store (which opens a session per call) and one pipeline per app.

    The pipeline takes seconds to build, so it is built on the first extraction, not at start;
    extractions run one at a time (spaCy pipelines are not shared between threads).
    """

    def __init__(self, store, token: Optional[str], max_bytes: int):
        self.store = store
        self.token = token or None
        self.max_bytes = max_bytes
        self._extractor = None
        self._extract_lock = threading.Lock()

    def extract(self, document):
        """The Extraction of one Document."""
        with self._extract_lock:
            if self._extractor is None:
                from ..nlp.build import Extractor

                log.info("building the extraction pipeline")
                self._extractor = Extractor()
            return self._extractor.extract(document)

    def check_token(self, request: Request) -> None:
        """Writing endpoints: a bearer token when the server has one (401 without it, 403 when wrong)."""
        if self.token is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError("this endpoint needs an 'Authorization: Bearer <token>' header (CONFLICTLENS_TOKEN)",
                           401, {"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(given.strip().encode(), self.token.encode()):
            raise ApiError("the bearer token is not the server's token", 403)


def services(request: Request) -> Services:
    """FastAPI dependency: the app's Services."""
    return request.app.state.services


def require_token(request: Request) -> None:
    """FastAPI dependency of writing endpoints."""
    request.app.state.services.check_token(request)
