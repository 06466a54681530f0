"""The supervisor's view of flagged access: bulk look-ups, look-ups outside one's cases,
break-glass reads; and their review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from jikimi.audit import flags as audit_flags
from jikimi.audit.schemas import FlagPage, FlagRead, FlagReviewCreate
from jikimi.core.access import Principal, Role
from jikimi.http.audit import Audit
from jikimi.http.deps import Allow, ContainerDep, ReadDb, WriteDb

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Supervisor = Annotated[Principal, Depends(Allow(Role.SUPERVISOR))]


@router.get("/flags", response_model=FlagPage)
def flags(
    p: Supervisor,
    s: ReadDb,
    a: Audit,
    reviewed: Annotated[bool | None, Query(description="only reviewed (true) or not")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Access records of the supervisor's agency that are flagged for review, newest
    first, a page at a time; reading them is itself recorded."""
    out = audit_flags.page(s, p.agency, reviewed=reviewed, limit=limit, cursor=cursor)
    a.read("access_flags", None, [])
    return out


@router.post("/flags/{flag_id}/review", response_model=FlagRead)
def review_flag(
    flag_id: str,
    p: Supervisor,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
    body: Annotated[FlagReviewCreate | None, Body()] = None,
) -> dict[str, Any]:
    """Mark a flag reviewed, with an optional note: once, by a supervisor of its agency
    other than the one whose access it flags (403); a second review is a 409."""
    note = body.note.strip() if body is not None and body.note else None
    record, flag = audit_flags.review(s, p, flag_id, note or None, c.clock.now())
    a.change(s, "review", "access_flag", flag.id, record.subjects)
    return audit_flags.flag_json(record, flag)
