"""ASGI middleware of the app: security headers on every response, a JSON 413 for large bodies."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .errors import error_body

# Pages load nothing from elsewhere and run no inline script; Swagger UI's page needs its one inline script.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class SecurityHeaders:
    """ASGI middleware: a Content-Security-Policy on every response, and nosniff."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = DOCS_CSP if scope["path"] == "/docs" else CSP

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """ASGI middleware: a JSON 413 for a request body over the limit, declared or streamed.

    (Starlette's own limit answers in plain text; every error of this API is JSON.)
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: int) -> str:
        return f"the request body is {size} bytes or more; the largest accepted is {self.max_bytes}"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = JSONResponse(error_body(413, self._message(int(declared))), status_code=413)
            return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:   # FastAPI passes an HTTPException raised while reading on to its handler
                    raise HTTPException(413, self._message(seen))
            return message

        await self.app(scope, counted, send)
