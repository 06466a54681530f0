"""Auditing each route's access to personal data, failing closed: no record, no data."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.core.access import Principal, Role
from jikimi.core.text import storable
from jikimi.core.tx import transaction
from jikimi.http.deps import ContainerDep

DEFAULT_PURPOSE = {
    Role.DISPATCHER: "112 dispatch",
    Role.OFFICER: "case work",
    Role.SUPERVISOR: "supervision",
    Role.DEVICE: "victim's own submission",
    Role.FEED: "operator feed",
    Role.COUNSELLOR: "counselling referral",
}


def purpose_of(request: Request, p: Principal) -> str | None:
    """The purpose the client states (X-Jikimi-Purpose, percent-encoded UTF-8), or the
    role's usual one. What no database holds ("%00") is kept as U+FFFD."""
    stated = storable(unquote(request.headers.get("x-jikimi-purpose", ""))).strip()[:300]
    return stated or DEFAULT_PURPOSE.get(p.role)


def source_of(request: Request) -> str | None:
    """The caller's network address."""
    return request.client.host if request.client else None


class Auditor:
    """Writes access records for one request."""

    def __init__(self, container: Container, request: Request) -> None:
        self.c, self.request = container, request

    @property
    def principal(self) -> Principal:
        """The caller (set by the route's Allow dependency)."""
        p: Principal = self.request.state.principal
        return p

    def _access(
        self,
        action: str,
        resource: str,
        resource_id: str | None,
        subjects: list[str] | tuple[str, ...],
        purpose: str | None = None,
    ) -> audit.Access:
        stated = purpose_of(self.request, self.principal)
        # A purpose the use case sets (the consent a disclosure is made under) comes first;
        # what the client states is kept beside it.
        if purpose is not None:
            stated = purpose if not stated else f"{purpose}; {stated}"[:300]
        return audit.Access(action, resource, resource_id, tuple(subjects), stated)

    def read(
        self,
        resource: str,
        resource_id: str | None,
        subjects: list[str] | tuple[str, ...],
        action: str = "read",
        flags: tuple[str, ...] = (),
        purpose: str | None = None,
    ) -> None:
        """Record a read in its own transaction, committed before the data leaves
        (`purpose`: the basis the use case reads under, e.g. a consent)."""
        with transaction(self.c.sessions) as s:
            audit.append(
                s,
                self.principal,
                self._access(action, resource, resource_id, subjects, purpose),
                source_of(self.request),
                bulk_limit=self.c.settings.audit_bulk_limit,
                extra_flags=flags,
            )

    def change(
        self,
        s: Session,
        action: str,
        resource: str,
        resource_id: str | None,
        subjects: list[str] | tuple[str, ...],
        flags: tuple[str, ...] = (),
        purpose: str | None = None,
    ) -> None:
        """Record a change inside the change's own transaction (both or neither)."""
        audit.append(
            s,
            self.principal,
            self._access(action, resource, resource_id, subjects, purpose),
            source_of(self.request),
            bulk_limit=self.c.settings.audit_bulk_limit,
            extra_flags=flags,
        )


async def get_auditor(c: ContainerDep, request: Request) -> Auditor:
    """The request's auditor."""
    return Auditor(c, request)


Audit = Annotated[Auditor, Depends(get_auditor)]
