"""The supervisor's view of flagged access: bulk look-ups, look-ups outside one's cases,
break-glass reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from jikimi.api.deps import Allow, ReadDb
from jikimi.domain.access import Principal, Role
from jikimi.store import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Supervisor = Annotated[Principal, Depends(Allow(Role.SUPERVISOR))]


@router.get("/flags")
def flags(p: Supervisor, s: ReadDb) -> dict[str, Any]:
    """Access records of the supervisor's agency that are flagged for review, newest first."""
    return {"items": audit.flagged(s, p.agency)}
