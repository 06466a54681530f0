"""Dependencies: the container and who is calling (with the roles each route allows)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from jikimi.accounts import logins
from jikimi.accounts import tokens as auth
from jikimi.bootstrap import Container
from jikimi.core.access import Principal, Role
from jikimi.core.errors import NotFound
from jikimi.core.ratelimit import retry_after
from jikimi.core.tx import reading_without_transaction, transaction

_bearer = HTTPBearer(auto_error=False)


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency on a
# thread of the shared pool, and each such hop costs CPU and a wait for the GIL (a request
# used to make six of them).


async def get_container(request: Request) -> Container:
    """The process's container."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def login_policy(c: Container) -> logins.Policy:
    """The console-login rules from the settings."""
    st = c.settings
    return logins.Policy(
        max_failures=st.login_max_failures,
        lockout=timedelta(seconds=st.login_lockout_s),
        idle=timedelta(seconds=st.session_idle_s),
        max_age=timedelta(seconds=st.session_max_s),
    )


def principal_of(c: Container, credential: str) -> Principal | None:
    """Who a token or session belongs to now (checked at most every JIKIMI_AUTH_CACHE_S)."""
    principal = c.principals.get(credential)
    if principal is None:
        with reading_without_transaction(c.read_sessions) as s:
            principal = auth.authenticate(s, credential, c.clock.now(), login_policy(c))
        if principal is not None:
            c.principals.put(credential, principal)
    return principal


async def current_principal(c: Container, credential: str) -> Principal | None:
    """`principal_of` from the event loop: the cache in place, the database on a thread."""
    principal = c.principals.get(credential)
    if principal is None:
        principal = await run_in_threadpool(principal_of, c, credential)
    return principal


def _touch(c: Container, principal: Principal) -> None:
    with transaction(c.sessions) as s:
        logins.touch(s, principal.token_id, c.clock.now())


class Allow:
    """A route's access rule: the roles that may call it. The matrix test reads these.

    A call through a route with `activity=True` (all but the live stream) counts as a
    user action and keeps a console session from going idle.
    """

    def __init__(self, *roles: Role, activity: bool = True) -> None:
        self.roles = frozenset(roles)
        self.activity = activity

    async def __call__(
        self,
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        """Authenticate (401) and authorise (403)."""
        # The container straight from the app, not as a sub-dependency: every route
        # solves this one, and each dependency FastAPI solves costs a little.
        c: Container = request.app.state.container
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(
                401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
            )
        principal = await current_principal(c, creds.credentials)
        if principal is None:
            raise HTTPException(
                401,
                "the token is unknown or revoked, or the session has ended",
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.principal = principal
        request.state.credential = creds.credentials
        if principal.session and self.activity and c.touched.get(principal.token_id) is None:
            await run_in_threadpool(_touch, c, principal)
            c.touched.put(principal.token_id, True)
        if principal.role not in self.roles:
            if principal.role is Role.COUNSELLOR and request.path_params:
                # A counsellor sees nothing of a case but its centre's referrals: any other
                # object (case, person, alert, task, order ...) answers as a missing one.
                raise NotFound("outside_referrals")
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
Dispatcher = Annotated[Principal, Depends(Allow(Role.DISPATCHER))]
Supervisor = Annotated[Principal, Depends(Allow(Role.SUPERVISOR))]
CaseStaff = Annotated[Principal, Depends(Allow(*STAFF_CASE))]
CaseStaffWatching = Annotated[Principal, Depends(Allow(*STAFF_CASE, activity=False))]
# The model card holds no personal data: analysts and every staff role may read it.
RiskReaders = Annotated[
    Principal,
    Depends(Allow(Role.ANALYST, Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR)),
]
Device = Annotated[Principal, Depends(Allow(Role.DEVICE))]
Feed = Annotated[Principal, Depends(Allow(Role.FEED))]
Counsellor = Annotated[Principal, Depends(Allow(Role.COUNSELLOR))]
