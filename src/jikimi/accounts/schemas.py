"""Console login."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from jikimi.core.access import Principal
from jikimi.http.schemas import Out, Strict


class LoginIn(Strict):
    """A person's login name, password and the 6-digit code from their authenticator."""

    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(min_length=1, max_length=10, description="TOTP code (RFC 6238)")


class Me(Out):
    """Who is signed in."""

    account_id: str | None
    name: str | None
    role: str
    agency: str | None


class SessionOut(Out):
    """The caller's session: who, and when it ends if nothing happens."""

    me: Me
    session: bool = Field(description="true for a console login; false for a machine token")
    idle_expires_at: datetime | None = None


class LoginOut(SessionOut):
    """A new console session. The token is shown once: send it as a bearer token."""

    token: str


class OfficerRead(Out):
    """An officer a supervisor may assign: who, nothing else."""

    id: str
    name: str


class OfficerPage(Out):
    """The officers of the caller's agency, by name."""

    items: list[OfficerRead]


def me_json(p: Principal) -> dict[str, Any]:
    """The caller as `Me` shows it."""
    return {"account_id": p.account_id, "name": p.name, "role": p.role.value, "agency": p.agency}
