"""The FastAPI application: JSON API, HTML pages and local static assets (no CDN)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles

from .. import __version__
from .errors import install_handlers
from .middleware import BodyLimit, SecurityHeaders
from .services import Services

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_DIR = WEB_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
SWAGGER = "/static/vendor/swagger-ui"

DESCRIPTION = """Events extracted from news articles about armed conflict, in ACLED's vocabulary.

Reading endpoints are open. Writing endpoints (`POST /api/documents`) need
`Authorization: Bearer <token>` when the server was started with `CONFLICTLENS_TOKEN`;
without a token the server listens on loopback only. Errors are JSON:
`{"error": "<one line>", "status": <code>}`."""


def default_max_bytes() -> int:
    from ..ingest import DEFAULT_MAX_BYTES

    value = os.environ.get("CONFLICTLENS_MAX_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_BYTES


def create_app(store=None, store_url: Optional[str] = None, token: Optional[str] = None,
               max_bytes: Optional[int] = None) -> FastAPI:
    """The app over `store` (or the store at `store_url`, default $CONFLICTLENS_DB / ./conflictlens.db).

    `token`: the bearer token writing endpoints require (None: $CONFLICTLENS_TOKEN; "" for none).
    """
    from .pages import html_error, router as pages_router
    from .routes import router as api_router

    owned = store is None
    if owned:
        from ..store import open_store

        store = open_store(store_url)
    if token is None:
        token = os.environ.get("CONFLICTLENS_TOKEN") or None
    limit = max_bytes or default_max_bytes()
    if not (VENDOR_DIR / "leaflet" / "leaflet.js").exists():
        log.warning("front-end assets missing in %s: run `make install` (npm ci && npm run build in web-frontend/)",
                    VENDOR_DIR)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        if owned:           # a store handed in is closed by whoever opened it
            store.close()

    app = FastAPI(title="conflictlens", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.services = Services(store, token, limit)
    app.add_middleware(BodyLimit, max_bytes=limit + 64 * 1024)   # the text limit plus room for the JSON around it
    app.add_middleware(SecurityHeaders)
    install_handlers(app, html_error)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request):
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="conflictlens API",
                                   swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{SWAGGER}/swagger-ui.css",
                                   swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png")

    app.include_router(api_router)
    app.include_router(pages_router)
    return app
