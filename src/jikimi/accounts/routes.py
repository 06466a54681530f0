"""Console login for people: password + TOTP code → a session that dies when idle."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from jikimi.accounts import logins
from jikimi.accounts.schemas import LoginIn, LoginOut, SessionOut
from jikimi.accounts.tables import Account
from jikimi.audit import trail as audit
from jikimi.core.access import Principal, Role
from jikimi.core.ratelimit import retry_after
from jikimi.core.tx import reading, transaction
from jikimi.http.audit import source_of
from jikimi.http.deps import Allow, ContainerDep, login_policy

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

Person = Annotated[Principal, Depends(Allow(*logins.STAFF))]
FAILED = "the login, password or code is wrong, or the account is locked; try again later"
FLAGS = {"lockout": ("lockout",), "suspended": ("suspended_login",), "locked": ("locked_login",)}


def _me(p: Principal) -> dict[str, Any]:
    return {"account_id": p.account_id, "name": p.name, "role": p.role.value, "agency": p.agency}


def _who(account: Account | None, session_id: str | None) -> Principal | None:
    if account is None:
        return None
    return Principal(
        role=Role(account.role),
        token_id=session_id or "",
        account_id=account.id,
        name=account.name,
        agency=account.agency,
        session=True,
    )


@router.post(
    "/login",
    response_model=LoginOut,
    responses={401: {"description": "wrong login, password or code; or locked"}},
    openapi_extra={"x-public": True},
)
def login(body: LoginIn, request: Request, c: ContainerDep) -> dict[str, Any]:
    """Sign a person in to the console.

    Every attempt is recorded in the access trail. After JIKIMI_LOGIN_MAX_FAILURES wrong
    passwords or codes in a row the account locks for JIKIMI_LOGIN_LOCKOUT_S (flagged to
    supervisors); the answer never says which part was wrong or whether the login exists.
    A code works once. Attempts are also limited per source address.
    """
    source = source_of(request)
    wait = c.login_limiter.take(f"login:{source}")
    if wait > 0:
        raise HTTPException(429, "too many login attempts", {"Retry-After": retry_after(wait)})
    now, policy = c.clock.now(), login_policy(c)
    with transaction(c.sessions) as s:
        out = logins.login(s, body.login, body.password, body.code, now, policy)
        s.flush()
        session_id = None
        if out.token is not None:
            principal = logins.principal(s, out.token, now, policy)
            session_id = principal.token_id if principal else None
        access = audit.Access(out.event, "account", out.account.id if out.account else None)
        audit.append(
            s, _who(out.account, session_id), access, source, extra_flags=FLAGS.get(out.event, ())
        )
    if out.token is None or out.account is None or session_id is None:
        raise HTTPException(401, FAILED)
    me = _who(out.account, session_id)
    assert me is not None
    return {
        "token": out.token,
        "me": _me(me),
        "session": True,
        "idle_expires_at": now + policy.idle,
    }


@router.get("/session", response_model=SessionOut)
def session(p: Person, c: ContainerDep) -> dict[str, Any]:
    """Who the caller is and, for a console session, when it ends if idle. Calling it is
    a user action (the console calls it when the person moves or types)."""
    deadline = None
    if p.session:
        with reading(c.read_sessions) as s:
            deadline = logins.idle_deadline(s, p.token_id, login_policy(c))
    return {"me": _me(p), "session": p.session, "idle_expires_at": deadline}


@router.post(
    "/logout", status_code=204, responses={409: {"description": "a machine token, not a session"}}
)
def logout(p: Person, request: Request, c: ContainerDep) -> Response:
    """End the caller's console session at once."""
    if not p.session:
        raise HTTPException(409, "machine tokens are revoked (jikimi token revoke), not logged out")
    with transaction(c.sessions) as s:
        logins.end(s, p.token_id, c.clock.now(), "logout")
        audit.append(s, p, audit.Access("logout", "account", p.account_id), source_of(request))
    c.principals.discard(request.state.credential)
    return Response(status_code=204)
