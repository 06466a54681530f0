"""Break-glass: an emergency read of a case of one's agency outside one's caseload, for a
few minutes, with a typed reason, flagged for review; never a write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jikimi.cases.tables import BreakGlass, Case, Person
from jikimi.cases.visibility import visible_cases
from jikimi.core.access import Principal, Role
from jikimi.core.errors import NotFound

FLAG = "break_glass"


def open_case(s: Session, p: Principal, case_id: str, reason: str, minutes: int) -> Case:
    """Grant the caller a read of a case of their own agency for `minutes`; `reason` is
    already checked (`domain.access.break_glass_reason`)."""
    case = s.get(Case, case_id)
    if case is None or p.agency is None or case.agency != p.agency or p.account_id is None:
        raise NotFound("case")
    now = datetime.now(UTC)
    s.add(
        BreakGlass(
            case_id=case.id,
            account_id=p.account_id,
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    s.flush()
    return case


def case_flags(s: Session, p: Principal, case_id: str) -> tuple[str, ...]:
    """`("break_glass",)` when the caller, who may read the case, reads it only through a
    break-glass: every such read is flagged for the review."""
    if p.role is not Role.OFFICER:
        return ()
    q = select(Case.id).where(Case.id == case_id, visible_cases(p, write=True))
    return () if s.scalars(q).first() is not None else (FLAG,)


def person_flags(s: Session, p: Principal, person: Person) -> tuple[str, ...]:
    """As `case_flags`, for a person the caller may read."""
    if p.role is not Role.OFFICER or person.created_by == p.account_id:
        return ()
    q = select(Case.id).where(
        or_(Case.victim_id == person.id, Case.perpetrator_id == person.id),
        visible_cases(p, write=True),
    )
    return () if s.scalars(q.limit(1)).first() is not None else (FLAG,)
