"""Every error as application/problem+json (RFC 9457); never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from jikimi.alerts.rules import AlertStateError
from jikimi.audit import trail as audit
from jikimi.cases.orders import OrderRuleError
from jikimi.core.access import Principal, Role
from jikimi.core.db import unavailable
from jikimi.core.errors import (
    Conflict,
    FlaggedConflict,
    Forbidden,
    Invalid,
    NotFound,
    ReadOnly,
)
from jikimi.core.phones import InvalidPhoneNumber
from jikimi.core.tx import transaction

log = logging.getLogger(__name__)

# One wording for whatever is unknown or not the caller's, of every kind: a detail that
# named the kind ("no such case" for another agency's device, "no such device" for a
# missing one) told the two apart.
NOT_FOUND = "not found"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    # The offending input is left out: it may be personal data.
    return [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


def install(app: FastAPI) -> None:
    """Register the handlers."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "the body is not valid JSON", errors=_clean(errors))
        return problem(422, "the request is well-formed but invalid", errors=_clean(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = NOT_FOUND if exc.status_code == 404 else str(exc.detail)
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(NotFound)
    async def _nf(request: Request, exc: NotFound) -> JSONResponse:
        what = exc.args[0] if exc.args else "resource"
        await run_in_threadpool(_record_denied, request, what)
        return problem(404, NOT_FOUND)

    @app.exception_handler(Forbidden)
    async def _fb(_: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, str(exc))

    @app.exception_handler(ReadOnly)
    async def _ro(request: Request, exc: ReadOnly) -> JSONResponse:
        # A write tried through a break-glass read: the reviewer must see the attempt.
        flags = ("break_glass", "break_glass_write")
        await run_in_threadpool(_record_denied, request, exc.resource, exc.resource_id, flags)
        return problem(403, str(exc))

    @app.exception_handler(Conflict)
    async def _cf(request: Request, exc: Conflict) -> JSONResponse:
        if isinstance(exc, FlaggedConflict):
            resource_id, flag = exc.resource_id, exc.flag
            await run_in_threadpool(_record_denied, request, exc.resource, resource_id, (flag,))
        return problem(409, str(exc))

    @app.exception_handler(AlertStateError)
    async def _as(_: Request, exc: AlertStateError) -> JSONResponse:
        return problem(409, str(exc))

    for cls in (Invalid, OrderRuleError, InvalidPhoneNumber):
        app.add_exception_handler(cls, _invalid)

    @app.exception_handler(DBAPIError)
    async def _db(_: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database error: %s", type(exc.orig).__name__)
        if unavailable(exc):
            # Not "nothing was stored": a connection lost during the commit leaves that
            # unknown. Phones and feeds send again; their event ids make a resend harmless.
            return problem(
                503, "the database is unavailable; try again later", headers={"Retry-After": "2"}
            )
        return problem(500, "internal error; nothing was stored")

    @app.exception_handler(PendingRollbackError)
    async def _pending(_: Request, exc: PendingRollbackError) -> JSONResponse:
        # Only ever after a statement failed in this transaction, e.g. the connection was
        # cut mid-way: the same answer as the failure itself.
        log.error("database error: transaction rolled back")
        return problem(
            503, "the database is unavailable; try again later", headers={"Retry-After": "2"}
        )

    @app.exception_handler(Exception)
    async def _any(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s", type(exc).__name__)
        return problem(500, "internal error")


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    return problem(422, str(exc))


def _record_denied(
    request: Request,
    what: str,
    resource_id: str | None = None,
    flags: tuple[str, ...] = ("outside_caseload",),
) -> None:
    """A staff look-up outside one's cases, a write through a break-glass read or another
    refused attempt: recorded in a transaction of its own, as the request's rolls back,
    and flagged for the supervisor."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal) or principal.role is Role.DEVICE:
        return
    container = request.app.state.container
    if resource_id is None:
        resource_id = next(iter(request.path_params.values()), None)
    try:
        with transaction(container.sessions) as s:
            audit.append(
                s,
                principal,
                audit.Access("denied", str(what), resource_id),
                request.client.host if request.client else None,
                extra_flags=flags,
            )
    except Exception:
        log.error("could not record a denied look-up")
