"""Dependencies: the container, sessions and who is calling (with the roles each route allows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from jikimi.adapters.ratelimit import retry_after
from jikimi.bootstrap import Container
from jikimi.domain.access import Principal, Role
from jikimi.store import auth
from jikimi.store.tx import reading, transaction

_bearer = HTTPBearer(auto_error=False)


def get_container(request: Request) -> Container:
    """The process's container."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def write_session(c: ContainerDep) -> Iterator[Session]:
    """A session that commits when the route returns normally."""
    with transaction(c.sessions) as s:
        yield s


def read_session(c: ContainerDep) -> Iterator[Session]:
    """A read-only session."""
    with reading(c.read_sessions) as s:
        yield s


WriteDb = Annotated[Session, Depends(write_session, scope="function")]
ReadDb = Annotated[Session, Depends(read_session)]


class Allow:
    """A route's access rule: the roles that may call it. The matrix test reads these."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(
        self,
        c: ContainerDep,
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        """Authenticate (401) and authorise (403)."""
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(
                401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
            )
        principal = c.principals.get(creds.credentials)
        if principal is None:
            with reading(c.read_sessions) as s:
                principal = auth.authenticate(s, creds.credentials)
            if principal is not None:
                c.principals.put(creds.credentials, principal)
        if principal is None:
            raise HTTPException(
                401, "the token is unknown or revoked", headers={"WWW-Authenticate": "Bearer"}
            )
        request.state.principal = principal
        if principal.role not in self.roles:
            raise HTTPException(403, f"role {principal.role.value} may not call this route")
        wait = c.limiter.take(principal.token_id)
        if wait > 0:
            raise HTTPException(
                429,
                "too many requests for this token; slow down",
                headers={"Retry-After": retry_after(wait)},
            )
        return principal


STAFF_CASE = (Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR)

Officer = Annotated[Principal, Depends(Allow(Role.OFFICER))]
OfficerOrSupervisor = Annotated[Principal, Depends(Allow(Role.OFFICER, Role.SUPERVISOR))]
CaseStaff = Annotated[Principal, Depends(Allow(*STAFF_CASE))]
Device = Annotated[Principal, Depends(Allow(Role.DEVICE))]
Feed = Annotated[Principal, Depends(Allow(Role.FEED))]
