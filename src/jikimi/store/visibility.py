"""Need-to-know as SQL: which cases a principal may see."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from jikimi.domain.access import Principal, Role, sees_whole_agency
from jikimi.store import tables as t


def _broke_glass(p: Principal) -> ColumnElement[bool]:
    return exists(
        select(t.BreakGlass.id).where(
            t.BreakGlass.case_id == t.Case.id,
            t.BreakGlass.account_id == p.account_id,
            t.BreakGlass.expires_at > _now(),
        )
    )


def _now() -> datetime:
    return datetime.now(UTC)


def visible_cases(p: Principal) -> ColumnElement[bool]:
    """A WHERE clause over `cases` that keeps only what `p` may see."""
    if p.agency is None:
        return false()
    if sees_whole_agency(p):
        return t.Case.agency == p.agency
    if p.role is Role.OFFICER:
        assigned = exists(
            select(t.CaseAssignment.case_id).where(
                t.CaseAssignment.case_id == t.Case.id,
                t.CaseAssignment.account_id == p.account_id,
            )
        )
        return and_(t.Case.agency == p.agency, or_(assigned, _broke_glass(p)))
    return false()
