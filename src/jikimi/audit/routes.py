"""The supervisor's view of flagged access: bulk look-ups, look-ups outside one's cases,
break-glass reads; and their review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from jikimi.audit.schemas import FlagPage, FlagRead, FlagReviewCreate
from jikimi.audit.service import FlagReading, FlagWork
from jikimi.core.access import Principal, Role
from jikimi.http.deps import Allow

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Supervisor = Annotated[Principal, Depends(Allow(Role.SUPERVISOR))]


@router.get("/flags", response_model=FlagPage)
def flags(
    p: Supervisor,
    work: FlagReading,
    reviewed: Annotated[bool | None, Query(description="only reviewed (true) or not")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Access records of the supervisor's agency that are flagged for review, newest
    first, a page at a time; reading them is itself recorded."""
    return work.page(p, reviewed, limit, cursor)


@router.post("/flags/{flag_id}/review", response_model=FlagRead)
def review_flag(
    flag_id: str,
    p: Supervisor,
    work: FlagWork,
    body: Annotated[FlagReviewCreate | None, Body()] = None,
) -> dict[str, Any]:
    """Mark a flag reviewed, with an optional note: once, by a supervisor of its agency
    other than the one whose access it flags (403); a second review is a 409."""
    note = body.note.strip() if body is not None and body.note else None
    return work.review(p, flag_id, note or None)
