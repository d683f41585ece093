"""The HTTP API and web app (FastAPI): `create_app`, served by `conflictlens serve`."""

from .app import create_app

__all__ = ["create_app"]
