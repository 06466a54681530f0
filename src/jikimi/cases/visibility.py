"""Need-to-know as SQL: which cases a principal may read, and which it may change
(`core/access.py` states the same rules as plain data)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from jikimi.alerts.tables import AlertRow
from jikimi.cases.tables import BreakGlass, CallerLookup, Case, CaseAssignment
from jikimi.core.access import DISPATCH_AFTER_RESOLVED, Principal, Role

# The alert that gives a dispatcher a reason is any alert of the case, not the row a query
# over alerts is looking at: an alias keeps the subquery from correlating to that row.
_REASON = aliased(AlertRow, name="reason_alert")


def _now() -> datetime:
    return datetime.now(UTC)


def _assigned(p: Principal) -> ColumnElement[bool]:
    return exists(
        select(CaseAssignment.case_id).where(
            CaseAssignment.case_id == Case.id,
            CaseAssignment.account_id == p.account_id,
        )
    )


def _broke_glass(p: Principal, now: datetime) -> ColumnElement[bool]:
    return exists(
        select(BreakGlass.id).where(
            BreakGlass.case_id == Case.id,
            BreakGlass.account_id == p.account_id,
            BreakGlass.expires_at > now,
        )
    )


def _dispatch_reason(p: Principal, now: datetime) -> ColumnElement[bool]:
    """An alert of the case unresolved or resolved lately, or the dispatcher's own 112
    look-up of it still in force."""
    alert = exists(
        select(_REASON.id).where(
            _REASON.case_id == Case.id,
            or_(
                _REASON.status != "resolved",
                _REASON.resolved_at > now - DISPATCH_AFTER_RESOLVED,
            ),
        )
    )
    if p.account_id is None:
        return alert
    looked_up = exists(
        select(CallerLookup.id).where(
            CallerLookup.case_id == Case.id,
            CallerLookup.account_id == p.account_id,
            CallerLookup.expires_at > now,
        )
    )
    return or_(alert, looked_up)


def visible_cases(p: Principal, *, write: bool = False) -> ColumnElement[bool]:
    """A WHERE clause over `cases` that keeps what `p` may read, or with `write` what it
    may change (a break-glass opens a case to read only)."""
    if p.agency is None:
        return false()
    agency = Case.agency == p.agency
    if p.role is Role.SUPERVISOR:
        return agency
    if p.role is Role.DISPATCHER:
        return and_(agency, _dispatch_reason(p, _now()))
    if p.role is Role.OFFICER:
        if write:
            return and_(agency, _assigned(p))
        return and_(agency, or_(_assigned(p), _broke_glass(p, _now())))
    return false()
