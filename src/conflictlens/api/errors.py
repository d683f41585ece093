"""Errors of the HTTP API: always a JSON body with a one-line message and the right status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client caused (or may act on), with its HTTP status."""

    status = 400

    def __init__(self, message: str, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status or self.status
        self.headers = headers


class BadRequest(ApiError):
    status = 400


class NotFound(ApiError):
    status = 404


class TooLarge(ApiError):
    status = 413


def error_body(status: int, message: str, **extra) -> dict:
    return {"error": message, "status": status, **extra}


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def validation_message(exc: RequestValidationError) -> tuple[str, list[dict]]:
    details = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors()]
    first = details[0] if details else {"field": "request", "message": "invalid"}
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{first['field']}: {first['message']}{more}", details


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install_handlers(app: FastAPI, html_error) -> None:
    """JSON errors for the API; `html_error(request, status, message)` renders them for pages."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        if wants_html(request):
            return html_error(request, exc.status, exc.message)
        return JSONResponse(error_body(exc.status, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        if wants_html(request):
            return html_error(request, exc.status_code, message)
        return JSONResponse(error_body(exc.status_code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message, details = validation_message(exc)
        if wants_html(request):
            return html_error(request, 422, message)
        return JSONResponse(error_body(422, message, details=details), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        message = f"internal error ({type(exc).__name__}); the server log has the details"
        if wants_html(request):
            return html_error(request, 500, message)
        return JSONResponse(error_body(500, message), status_code=500)
