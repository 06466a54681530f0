"""Console sign-in, the caller's session and sign-out, each recorded in the access trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from jikimi.accounts import logins, queries
from jikimi.accounts.schemas import me_json
from jikimi.accounts.tables import Account
from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.core.access import Principal, Role
from jikimi.core.ratelimit import retry_after
from jikimi.core.tx import reading, transaction
from jikimi.http.audit import purpose_of, source_of
from jikimi.http.deps import ContainerDep, login_policy

FAILED = "the login, password or code is wrong, or the account is locked; try again later"
FLAGS = {"lockout": ("lockout",), "suspended": ("suspended_login",), "locked": ("locked_login",)}


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


class AccountService:
    """Sign-in and sign-out for one request, each in a transaction of its own."""

    def __init__(self, c: Container, request: Request) -> None:
        self.c, self.request = c, request

    def login(self, login: str, password: str, code: str) -> dict[str, Any]:
        """Sign a person in (429 past the source's limit, 401 on any failure)."""
        c, source = self.c, source_of(self.request)
        wait = c.login_limiter.take(f"login:{source}")
        if wait > 0:
            raise HTTPException(429, "too many login attempts", {"Retry-After": retry_after(wait)})
        now, policy = c.clock.now(), login_policy(c)
        with transaction(c.sessions) as s:
            out = logins.login(s, login, password, code, now, policy)
            s.flush()
            session_id = None
            if out.token is not None:
                principal = logins.principal(s, out.token, now, policy)
                session_id = principal.token_id if principal else None
            access = audit.Access(out.event, "account", out.account.id if out.account else None)
            audit.append(
                s,
                _who(out.account, session_id),
                access,
                source,
                extra_flags=FLAGS.get(out.event, ()),
            )
        if out.token is None or out.account is None or session_id is None:
            raise HTTPException(401, FAILED)
        me = _who(out.account, session_id)
        assert me is not None
        return {
            "token": out.token,
            "me": me_json(me),
            "session": True,
            "idle_expires_at": now + policy.idle,
        }

    def session(self, p: Principal) -> dict[str, Any]:
        """Who the caller is and, for a console session, when it ends if idle."""
        deadline = None
        if p.session:
            with reading(self.c.read_sessions) as s:
                deadline = logins.idle_deadline(s, p.token_id, login_policy(self.c))
        return {"me": me_json(p), "session": p.session, "idle_expires_at": deadline}

    def logout(self, p: Principal) -> None:
        """End the caller's console session at once (409 for a machine token)."""
        if not p.session:
            raise HTTPException(
                409, "machine tokens are revoked (jikimi token revoke), not logged out"
            )
        with transaction(self.c.sessions) as s:
            logins.end(s, p.token_id, self.c.clock.now(), "logout")
            access = audit.Access("logout", "account", p.account_id)
            audit.append(s, p, access, source_of(self.request))
        self.c.principals.discard(self.request.state.credential)

    def officers(self, p: Principal) -> dict[str, Any]:
        """The officers of the caller's agency a supervisor may assign (id and name, no
        more); the read is on the access trail."""
        with reading(self.c.read_sessions) as s:
            rows = queries.officers_of(s, p.agency)
        access = audit.Access("read", "officers", None, (), purpose_of(self.request, p))
        with transaction(self.c.sessions) as s:
            audit.append(s, p, access, source_of(self.request))
        return {"items": [{"id": i, "name": n} for i, n in rows]}


async def account_service(c: ContainerDep, request: Request) -> AccountService:
    """The request's sign-in service (it opens its own transactions)."""
    return AccountService(c, request)


Accounts = Annotated[AccountService, Depends(account_service)]
