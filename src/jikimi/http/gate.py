"""What is refused before any route runs, and so before a body is read: an /api request
without a valid token (401), and an address holding a NUL, which PostgreSQL cannot
compare with anything (400)."""

from __future__ import annotations

import logging

from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.exc import DBAPIError
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from jikimi.bootstrap import Container
from jikimi.core.db import unavailable
from jikimi.http.deps import current_principal
from jikimi.http.errors import problem

PUBLIC = frozenset({("POST", "/api/v1/auth/login")})  # the only /api routes without a token
BEARER = {"WWW-Authenticate": "Bearer"}

log = logging.getLogger(__name__)


def bearer(scope: Scope) -> str | None:
    """The bearer token of a request, read as `HTTPBearer` reads it."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, credentials = get_authorization_scheme_param(value.decode("latin-1"))
            return credentials if scheme.lower() == "bearer" and credentials else None
    return None


class Gate:
    """Authenticate an /api request before its body is read: without a token, or with one
    that is unknown or revoked, nothing of the body is parsed (no token and a broken body
    is a 401, not a 400). The route's own `Allow` then finds the caller in the cache and
    decides on the role."""

    def __init__(self, app: ASGIApp, container: Container) -> None:
        self.app, self.container = app, container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, or pass the request on untouched."""
        answer = await self._refusal(scope) if scope["type"] == "http" else None
        if answer is None:
            await self.app(scope, receive, send)
        else:
            await answer(scope, receive, send)

    async def _refusal(self, scope: Scope) -> Response | None:
        path: str = scope["path"]
        query: bytes = scope.get("query_string", b"")
        if "\x00" in path or b"\x00" in query or b"%00" in query:
            return problem(400, "the address holds a NUL character")
        if not path.startswith("/api/") or (scope["method"], path) in PUBLIC:
            return None
        credential = bearer(scope)
        if credential is None:
            return problem(401, "a bearer token is required", headers=BEARER)
        try:
            principal = await current_principal(self.container, credential)
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            # As the app answers a database that is away (http/errors.py).
            log.error("database error: %s", type(exc.orig).__name__)
            return problem(
                503, "the database is unavailable; try again later", headers={"Retry-After": "2"}
            )
        if principal is None:
            detail = "the token is unknown or revoked, or the session has ended"
            return problem(401, detail, headers=BEARER)
        return None
