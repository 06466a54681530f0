"""Verifying signed requests from phones and feeds (JIKIMI_DEVICE_SIGNING)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jikimi.accounts import tokens as auth
from jikimi.bootstrap import Container
from jikimi.contacts.ingest import touch_device
from jikimi.core.access import Principal
from jikimi.core.signing import (
    WINDOW_S,
    fresh,
    matches,
    parse_timestamp,
    signature,
    valid_nonce,
)
from jikimi.core.tx import reading_without_transaction

SIGNING_HEADERS = ("x-jikimi-timestamp", "x-jikimi-nonce", "x-jikimi-signature")


def _refuse(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def verify_signature(request: Request) -> None:
    """Check X-Jikimi-Timestamp / X-Jikimi-Signature: fresh, matching, never seen before.

    In `optional` mode an unsigned request passes, but a request that carries any of the
    three headers, even empty, is a signed one and must be right.
    """
    c: Container = request.app.state.container  # (not a sub-dependency: see `Allow`)
    principal: Principal = request.state.principal
    headers = request.headers
    given = headers.get("x-jikimi-signature", "")
    stamp = headers.get("x-jikimi-timestamp", "")
    nonce = headers.get("x-jikimi-nonce", "")
    if not any(name in headers for name in SIGNING_HEADERS):
        if c.settings.device_signing == "required":
            raise _refuse("this request must be signed (X-Jikimi-Timestamp, X-Jikimi-Signature)")
        return
    at = parse_timestamp(stamp)
    if at is None or not fresh(at, time.time()):
        raise _refuse(f"X-Jikimi-Timestamp must be within {WINDOW_S} s of the server's clock")
    if not valid_nonce(nonce):
        raise _refuse("X-Jikimi-Nonce must be 16-64 letters or digits, new for each request")
    body = await request.body()
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")

    def key() -> bytes | None:
        with reading_without_transaction(c.read_sessions) as s:
            return auth.signing_key(s, principal.token_id)

    secret = c.signing_keys.get(principal.token_id)
    if secret is None:
        secret = await run_in_threadpool(key)
        if secret is not None:
            c.signing_keys.put(principal.token_id, secret)
    if secret is None or not matches(
        signature(secret, at, nonce, request.method, path, body), given
    ):
        raise _refuse("the request signature does not match")

    # Writes record the signature inside their own transaction (`remember`), so a replay
    # is refused without a second write per request.
    request.state.signature = given


def remember(request: Request, s: Session) -> None:
    """Refuse a replayed signed write; call inside the write's transaction."""
    given = getattr(request.state, "signature", None)
    if given is not None and not auth.remember_signature(s, given, datetime.now(UTC), WINDOW_S):
        raise _refuse("this signed request was already received (replay)")


def remember_touching(request: Request, s: Session, device_id: str) -> str | None:
    """`remember`, and the phone's last-seen time (on PostgreSQL in one statement): the
    phone's person, None when there is no such phone."""
    given = getattr(request.state, "signature", None)
    if given is None:
        return touch_device(s, device_id)
    new, person_id = auth.remember_signature_touching(
        s, given, datetime.now(UTC), WINDOW_S, device_id
    )
    if not new:
        raise _refuse("this signed request was already received (replay)")
    return person_id


Signed = Annotated[None, Depends(verify_signature)]

# The headers, for the OpenAPI document of every signed route (they are read from the
# request itself, not declared as parameters: a parameter costs each phone's request).
OPENAPI_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "X-Jikimi-Timestamp",
        "in": "header",
        "required": False,
        "description": f"Unix seconds, within {WINDOW_S} s of the server's clock",
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
    },
    {
        "name": "X-Jikimi-Nonce",
        "in": "header",
        "required": False,
        "description": "16-64 letters or digits, new for each request",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9]{16,64}$"},
    },
    {
        "name": "X-Jikimi-Signature",
        "in": "header",
        "required": False,
        "description": "v1= and the hex HMAC-SHA256 of the request (docs/device-protocol.md)",
        "schema": {"type": "string", "pattern": "^v1=[0-9a-f]{64}$"},
    },
]
