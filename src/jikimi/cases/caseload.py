"""An officer's and a supervisor's caseload: the case list with what is owed on each,
search, assigning officers, closing a case.

Search never unseals more than the caller may see: a phone number is found through the
numbers' keyed index, a case by the start of its id, and a name by opening the names of
the caller's own visible cases only (an officer's caseload, a supervisor's agency), never
the whole table, and no name is put in an index.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from jikimi.accounts.tables import Account
from jikimi.alerts.tables import AlertRow
from jikimi.cases.records import get_case
from jikimi.cases.tables import Case, CaseAssignment, Order, Person, PersonPhone
from jikimi.cases.visibility import visible_cases
from jikimi.core import pages
from jikimi.core import sealing as crypto
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Conflict, Invalid
from jikimi.core.phones import InvalidPhoneNumber, normalise
from jikimi.core.times import iso
from jikimi.risk.repo import latest_tier_of
from jikimi.tasks.tables import FollowUp, Task

NAME_SEARCH_MAX = 5000  # the most cases whose names one search opens


@dataclass(frozen=True)
class CaseFilter:
    """What a case list asks for."""

    mine: bool | None = None
    status: str = "open"  # open, closed or all
    tier: str | None = None
    q: str | None = None
    ids: tuple[str, ...] | None = None  # only these cases (of the caller's)


@dataclass(frozen=True)
class CaseSummary:
    """One row of the list: the case and what is owed on it."""

    case: Case
    officer_ids: list[str]
    victim_name: str | None
    perpetrator_name: str | None
    risk_tier: str | None
    open_alerts: int
    tasks_open: int
    tasks_overdue: int
    next_task_due_at: datetime | None
    next_order_end_at: datetime | None


def _assigned_to(account_id: str | None) -> Any:
    return exists(
        select(CaseAssignment.case_id).where(
            CaseAssignment.case_id == Case.id, CaseAssignment.account_id == account_id
        )
    )


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _matching(s: Session, scope: Any, q: str, region: str) -> Any:
    """A WHERE clause for the search text: a number, the start of a case id, or a name
    among the cases of `scope` (the caller's)."""
    found = []
    try:
        index = crypto.ring().index(normalise(q, region))
        people = select(PersonPhone.person_id).where(PersonPhone.e164_index == index)
        found.append(or_(Case.victim_id.in_(people), Case.perpetrator_id.in_(people)))
    except InvalidPhoneNumber:
        pass
    if q.isascii() and q.isalnum():
        found.append(Case.id.startswith(q.lower(), autoescape=True))
    wanted = _plain(q)
    if wanted:
        names = _names_in_scope(s, scope)
        ids = [pid for pid, name in names.items() if wanted in _plain(name)]
        if ids:
            found.append(or_(Case.victim_id.in_(ids), Case.perpetrator_id.in_(ids)))
    return or_(*found) if found else Case.id.is_(None)


def _names_in_scope(s: Session, scope: Any) -> dict[str, str]:
    """The names of the people of the caller's cases (at most NAME_SEARCH_MAX cases)."""
    cases = select(Case.victim_id, Case.perpetrator_id).where(scope).limit(NAME_SEARCH_MAX)
    ids = {pid for row in s.execute(cases) for pid in row}
    if not ids:
        return {}
    rows = s.execute(select(Person.id, Person.name_sealed).where(Person.id.in_(sorted(ids))))
    ring = crypto.ring()
    out = {}
    for person_id, sealed in rows:
        name = ring.open(sealed, f"people.name:{person_id}")
        if name is not None:
            out[person_id] = name
    return out


def page(
    s: Session,
    p: Principal,
    f: CaseFilter,
    now: datetime,
    region: str,
    limit: int,
    cursor: str | None,
) -> tuple[list[CaseSummary], str | None]:
    """A page of the caller's cases, newest first."""
    scope = visible_cases(p, write=True)
    if p.role is Role.OFFICER or f.mine:
        scope = and_(scope, _assigned_to(p.account_id))
    q = select(Case).where(scope)
    if f.status == "open":
        q = q.where(Case.closed_at.is_(None))
    elif f.status == "closed":
        q = q.where(Case.closed_at.is_not(None))
    if f.ids is not None:
        q = q.where(Case.id.in_(f.ids))
    if f.tier is not None:
        q = q.where(latest_tier_of(Case.id) == f.tier)
    if f.q:
        q = q.where(_matching(s, scope, f.q.strip(), region))
    if cursor:
        at, case_id = pages.decode(cursor)
        q = q.where(or_(Case.created_at < at, and_(Case.created_at == at, Case.id < case_id)))
    rows = list(s.scalars(q.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)))
    nxt = (
        pages.encode(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    )
    return summaries(s, rows[:limit], now), nxt


def summaries(s: Session, cases: list[Case], now: datetime) -> list[CaseSummary]:
    """What is owed on each case, in a few queries for the whole page."""
    ids = [c.id for c in cases]
    if not ids:
        return []
    officers: dict[str, list[str]] = {}
    assigned = select(CaseAssignment.case_id, CaseAssignment.account_id).where(
        CaseAssignment.case_id.in_(ids)
    )
    for case_id, account_id in s.execute(assigned.order_by(CaseAssignment.assigned_at)):
        officers.setdefault(case_id, []).append(account_id)
    tier_q = select(Case.id, latest_tier_of(Case.id)).where(Case.id.in_(ids))
    tiers: dict[str, str | None] = {case_id: tier for case_id, tier in s.execute(tier_q)}
    alerts = dict(
        s.execute(
            select(AlertRow.case_id, func.count(AlertRow.id))
            .where(AlertRow.case_id.in_(ids), AlertRow.status != "resolved")
            .group_by(AlertRow.case_id)
        ).all()
    )
    open_task = and_(Task.case_id.in_(ids), Task.status == "open")
    tasks = {
        case_id: (n, late, due)
        for case_id, n, late, due in s.execute(
            select(
                Task.case_id,
                func.count(Task.id),
                func.count(Task.id).filter(Task.due_at < now),
                func.min(Task.due_at),
            )
            .where(open_task)
            .group_by(Task.case_id)
        )
    }
    ends = dict(
        s.execute(
            select(Order.case_id, func.min(Order.ends_at))
            .where(Order.case_id.in_(ids), Order.revoked_at.is_(None), Order.ends_at > now)
            .group_by(Order.case_id)
        ).all()
    )
    people = {pid for c in cases for pid in (c.victim_id, c.perpetrator_id)}
    names = {
        person.id: person.name
        for person in s.scalars(select(Person).where(Person.id.in_(sorted(people))))
    }
    out = []
    for c in cases:
        n, late, due = tasks.get(c.id, (0, 0, None))
        out.append(
            CaseSummary(
                c,
                officers.get(c.id, []),
                names.get(c.victim_id),
                names.get(c.perpetrator_id),
                tiers.get(c.id),
                int(alerts.get(c.id, 0)),
                int(n),
                int(late),
                due,
                ends.get(c.id),
            )
        )
    return out


def assign(
    s: Session, p: Principal, case_id: str, officer_id: str, replace: bool, now: datetime
) -> Case:
    """Assign an officer of the case's agency (a supervisor's act); with `replace`, the
    officers assigned before are unassigned."""
    case = get_case(s, p, case_id, write=True)
    officer = s.get(Account, officer_id)
    same_agency = officer is not None and officer.agency == case.agency
    if not same_agency or officer is None or officer.role != Role.OFFICER.value:
        raise Invalid("officer_id is not an officer of the case's agency")
    if replace:
        for row in s.scalars(select(CaseAssignment).where(CaseAssignment.case_id == case_id)):
            if row.account_id != officer_id:
                s.delete(row)
    if s.get(CaseAssignment, (case_id, officer_id)) is None:
        s.add(CaseAssignment(case_id=case_id, account_id=officer_id, assigned_at=now))
    s.flush()
    return case


def close(s: Session, p: Principal, case_id: str, reason: str, now: datetime) -> Case:
    """Close a case no order protects any more: 409 while one is in force or scheduled,
    and while the victim is owed follow-up monitoring (closing must not drop a call
    nobody would then be reminded of); the case's other open tasks are cancelled."""
    case = get_case(s, p, case_id, write=True)
    if case.closed_at is not None:
        raise Conflict("the case is closed already")
    pending = select(Order.id).where(
        Order.case_id == case_id, Order.revoked_at.is_(None), Order.ends_at > now
    )
    if s.scalars(pending.limit(1)).first() is not None:
        raise Conflict("an order of the case is in force or scheduled: revoke it or let it end")
    owed = select(FollowUp.ends_at).where(FollowUp.case_id == case_id, FollowUp.ended_at.is_(None))
    until = s.scalar(owed.order_by(FollowUp.ends_at.desc()).limit(1))
    if until is not None:
        raise Conflict(f"the victim is owed follow-up monitoring until {iso(until)}")
    case.closed_at, case.closed_by = now, p.account_id
    case.close_reason = reason
    s.execute(
        update(Task)
        .where(Task.case_id == case_id, Task.status == "open")
        .values(status="cancelled", completed_at=now)
    )
    s.flush()
    return case


def officer_ids(s: Session, case_id: str) -> list[str]:
    """The officers assigned to a case, first assigned first."""
    q = select(CaseAssignment.account_id).where(CaseAssignment.case_id == case_id)
    return list(s.scalars(q.order_by(CaseAssignment.assigned_at)))
