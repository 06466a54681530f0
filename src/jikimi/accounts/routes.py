"""Console login for people: password + TOTP code → a session that dies when idle; and
the officers a supervisor may assign."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from jikimi.accounts import logins
from jikimi.accounts.schemas import LoginIn, LoginOut, OfficerPage, SessionOut
from jikimi.accounts.service import Accounts
from jikimi.core.access import Principal
from jikimi.http.deps import Allow, Supervisor

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
staff = APIRouter(prefix="/api/v1", tags=["accounts"])

Person = Annotated[Principal, Depends(Allow(*logins.STAFF))]


@router.post(
    "/login",
    response_model=LoginOut,
    responses={401: {"description": "wrong login, password or code; or locked"}},
    openapi_extra={"x-public": True},
)
def login(body: LoginIn, work: Accounts) -> dict[str, Any]:
    """Sign a person in to the console.

    Every attempt is recorded in the access trail. After JIKIMI_LOGIN_MAX_FAILURES wrong
    passwords or codes in a row the account locks for JIKIMI_LOGIN_LOCKOUT_S (flagged to
    supervisors); the answer never says which part was wrong or whether the login exists.
    A code works once. Attempts are also limited per source address.
    """
    return work.login(body.login, body.password, body.code)


@router.get("/session", response_model=SessionOut)
def session(p: Person, work: Accounts) -> dict[str, Any]:
    """Who the caller is and, for a console session, when it ends if idle. Calling it is
    a user action (the console calls it when the person moves or types)."""
    return work.session(p)


@router.post(
    "/logout", status_code=204, responses={409: {"description": "a machine token, not a session"}}
)
def logout(p: Person, work: Accounts) -> Response:
    """End the caller's console session at once."""
    work.logout(p)
    return Response(status_code=204)


@staff.get("/officers", response_model=OfficerPage)
def officers(p: Supervisor, work: Accounts) -> dict[str, Any]:
    """The officers of the supervisor's agency, by name (id and name, nothing else): whom
    a case may be assigned to. Suspended accounts are left out; a supervisor of no agency
    gets none."""
    return work.officers(p)
