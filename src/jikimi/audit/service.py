"""The supervisors' flag list and its review, each recorded in the access trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.audit import flags as audit_flags
from jikimi.bootstrap import Container
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb


class FlagService:
    """Flagged access of one agency, on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def page(
        self, p: Principal, reviewed: bool | None, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        """A page of the agency's flags, newest first; reading it is recorded."""
        out = audit_flags.page(self.s, p.agency, reviewed=reviewed, limit=limit, cursor=cursor)
        self.a.read("access_flags", None, [])
        return out

    def review(self, p: Principal, flag_id: str, note: str | None) -> dict[str, Any]:
        """Mark a flag reviewed with the review recorded in the same transaction."""
        record, flag = audit_flags.review(self.s, p, flag_id, note, self.c.clock.now())
        self.a.change(self.s, "review", "access_flag", flag.id, record.subjects)
        return audit_flags.flag_json(record, flag)


async def flag_reader(s: ReadDb, c: ContainerDep, a: Audit) -> FlagService:
    """The flags on a read-only session."""
    return FlagService(s, c, a)


async def flag_writer(s: WriteDb, c: ContainerDep, a: Audit) -> FlagService:
    """The flags on a session that commits before the answer."""
    return FlagService(s, c, a)


FlagReading = Annotated[FlagService, Depends(flag_reader)]
FlagWork = Annotated[FlagService, Depends(flag_writer, scope="function")]
