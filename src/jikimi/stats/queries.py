"""The statistics' read side: the open cases and officers a caseload weighs, and counts by
period and category. Nothing here opens a sealed field: no name, number or note is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from jikimi.accounts.tables import Account
from jikimi.alerts.tables import AlertRow
from jikimi.cases.tables import Case, CaseAssignment, Order
from jikimi.core.access import Role
from jikimi.measures.tables import SafetyMeasure
from jikimi.risk.repo import latest_tier_of
from jikimi.stats.counting import SUPPRESS_BELOW, Counts, Measure, Period
from jikimi.stats.rules import Officer, OpenCase
from jikimi.support.tables import LedgerEntry
from jikimi.tasks.tables import Task


def officers(s: Session, agency: str | None) -> list[Officer]:
    """The dedicated officers (officer accounts not suspended) of `agency`, or of every
    agency when None."""
    q = select(Account.id, Account.agency).where(
        Account.role == Role.OFFICER.value,
        Account.suspended_at.is_(None),
        Account.agency.is_not(None),
    )
    if agency is not None:
        q = q.where(Account.agency == agency)
    return [Officer(account_id, str(agency_of)) for account_id, agency_of in s.execute(q)]


def national_counts(s: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Dedicated officers and open cases by agency, over every agency."""
    staff_q = (
        select(Account.agency, func.count(Account.id))
        .where(
            Account.role == Role.OFFICER.value,
            Account.suspended_at.is_(None),
            Account.agency.is_not(None),
        )
        .group_by(Account.agency)
    )
    cases_q = _open(select(Case.agency, func.count(Case.id)), None).group_by(Case.agency)
    staff = {str(agency): int(n) for agency, n in s.execute(staff_q)}
    return staff, {str(agency): int(n) for agency, n in s.execute(cases_q)}


def _open(q: Any, agency: str | None) -> Any:
    """`q` kept to open cases (of `agency`, when one is named)."""
    q = q.where(Case.closed_at.is_(None))
    return q if agency is None else q.where(Case.agency == agency)


def open_cases(s: Session, agency: str | None, now: datetime, window: timedelta) -> list[OpenCase]:
    """Every open case of `agency` (every agency when None) with what weighs on it: its
    officers (first assigned first), latest tier, open alerts and open tasks."""
    rows = s.execute(_open(select(Case.id, Case.agency, latest_tier_of(Case.id)), agency))
    cases = {case_id: (agency_of, tier) for case_id, agency_of, tier in rows}
    if not cases:
        return []
    officers_of: dict[str, list[str]] = {}
    assigned = _open(
        select(CaseAssignment.case_id, CaseAssignment.account_id).join(
            Case, Case.id == CaseAssignment.case_id
        ),
        agency,
    ).order_by(CaseAssignment.assigned_at, CaseAssignment.account_id)
    for case_id, account_id in s.execute(assigned):
        officers_of.setdefault(case_id, []).append(account_id)
    alerts_q = _open(
        select(AlertRow.case_id, func.count(AlertRow.id))
        .join(Case, Case.id == AlertRow.case_id)
        .where(AlertRow.status != "resolved"),
        agency,
    ).group_by(AlertRow.case_id)
    alerts = {case_id: int(n) for case_id, n in s.execute(alerts_q)}
    soon = now + window
    tasks_q = _open(
        select(
            Task.case_id,
            func.count(Task.id).filter(Task.due_at < now),
            func.count(Task.id).filter(Task.due_at >= now, Task.due_at < soon),
            func.min(Task.due_at),
        )
        .join(Case, Case.id == Task.case_id)
        .where(Task.status == "open"),
        agency,
    ).group_by(Task.case_id)
    tasks = {row[0]: (int(row[1]), int(row[2]), row[3]) for row in s.execute(tasks_q)}
    out = []
    for case_id, (agency_of, tier) in cases.items():
        overdue, due, next_due = tasks.get(case_id, (0, 0, None))
        out.append(
            OpenCase(
                case_id,
                agency_of,
                tuple(officers_of.get(case_id, ())),
                tier,
                alerts.get(case_id, 0),
                overdue,
                due,
                next_due,
            )
        )
    return sorted(out, key=lambda c: c.case_id)


def _bucket(column: Any, spans: Sequence[Period]) -> Any:
    """The index of the period an instant falls in (the caller keeps to the spans)."""
    return case(*((column < p.ends_at, i) for i, p in enumerate(spans)), else_=-1)


def _counted(
    s: Session,
    at: Any,
    category: Any,
    spans: Sequence[Period],
    agency: str | None,
    joined: Any = None,
    where: Sequence[Any] = (),
) -> Counts:
    """Rows by (period, category) whose instant `at` falls in the spans."""
    bucket = _bucket(at, spans)
    q = select(bucket, category, func.count()).where(
        at >= spans[0].starts_at, at < spans[-1].ends_at, *where
    )
    if joined is not None:
        q = q.join(Case, Case.id == joined)
    if agency is not None:
        q = q.where(Case.agency == agency)
    q = q.group_by(bucket, category)
    return {(int(i), str(c)): int(n) for i, c, n in s.execute(q) if i >= 0}


def counts(s: Session, spans: Sequence[Period], agency: str | None) -> dict[Measure, Counts]:
    """Every measure's counts by period and category, of `agency` (None: all): cases by
    the instant they were opened, orders and safety measures by the start of their
    window, alerts by the instant they opened, tasks done by their completion."""
    on_time = case((Task.completed_at <= Task.due_at, "on_time"), else_="late")
    return {
        Measure.CASES_OPENED: _counted(s, Case.created_at, Case.offense, spans, agency),
        Measure.ORDERS: _counted(s, Order.starts_at, Order.kind, spans, agency, Order.case_id),
        Measure.ALERTS: _counted(
            s, AlertRow.opened_at, AlertRow.kind, spans, agency, AlertRow.case_id
        ),
        Measure.SAFETY_MEASURES: _counted(
            s, SafetyMeasure.starts_at, SafetyMeasure.kind, spans, agency, SafetyMeasure.case_id
        ),
        Measure.TASKS_DONE: _counted(
            s,
            Task.completed_at,
            on_time,
            spans,
            agency,
            Task.case_id,
            (Task.status == "done",),
        ),
    }


def support_paid_krw(s: Session, span: Period, agency: str | None) -> int | None:
    """Emergency support paid in the period, in won, of `agency` (None: all): the sum of
    the ledger's entries (corrections included) whose payment falls in the span. None when
    fewer than five payments (positive entries) fall in it: a sum of one to four payments
    could be one victim's, so it is withheld as a count under five is."""
    q = select(
        func.coalesce(func.sum(LedgerEntry.amount_krw), 0),
        func.count().filter(LedgerEntry.amount_krw > 0),
    ).where(LedgerEntry.paid_at >= span.starts_at, LedgerEntry.paid_at < span.ends_at)
    if agency is not None:
        q = q.where(LedgerEntry.agency == agency)
    total, payments = s.execute(q).one()
    if int(payments) < SUPPRESS_BELOW:
        return None
    return int(total)
