"""The tasks feature's queries: writing tasks and follow-ups once (by their unique keys),
what the scheduling pass looks for, and the lists officers and supervisors read."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from jikimi.cases.tables import Case, CaseAssignment, Order
from jikimi.core import pages
from jikimi.core import sealing as crypto
from jikimi.core.tables import new_id
from jikimi.measures.tables import SafetyMeasure
from jikimi.risk.tables import RiskAssessmentRow
from jikimi.tasks.rules import TaskKind, TaskStatus, Tier
from jikimi.tasks.tables import CaseDecision, FollowUp, Task

_O2 = aliased(Order, name="other_order")
_REVIEW = aliased(Task, name="review")
MONITORING = (TaskKind.MONITORING_CALL.value, TaskKind.MONITORING_VISIT.value)


@dataclass(frozen=True)
class NewTask:
    """A task the scheduling pass or an officer adds."""

    case_id: str
    kind: TaskKind
    due_at: datetime
    reason: str | None
    now: datetime
    key: str | None = None
    owner_id: str | None = None
    created_by: str | None = None
    follow_up_id: str | None = None
    basis_at: datetime | None = None
    tier: Tier | None = None
    subject_ends_at: datetime | None = None
    not_reached_in_a_row: int = 0


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


@cache
def _insert_once(dialect: str, table: Table, unique: str) -> Any:
    """The statement of `_insert`, built once: a Core insert of the row's values given as
    parameters (the ORM's bulk path and a VALUES clause built per row cost more than the
    insert itself, thousands of times in a first pass)."""
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_of(table).on_conflict_do_nothing(index_elements=[unique])
    # RETURNING, not rowcount: the PostgreSQL driver's rowcount here is -1.
    return stmt.returning(literal(1))


def _insert(s: Session, table: Any, values: dict[str, object], unique: str) -> bool:
    """Insert unless a row with the same `unique` value exists; True when inserted (a
    pass on another worker that got there first makes this one a no-op)."""
    stmt = _insert_once(s.get_bind().dialect.name, _table(table), unique)
    return s.execute(stmt, values).first() is not None


def add_task(s: Session, t: NewTask) -> str | None:
    """Write a task; with a `key`, only if no task has that key. Its id, or None."""
    task_id = new_id()
    values: dict[str, object] = {
        "id": task_id,
        "case_id": t.case_id,
        "kind": t.kind.value,
        "reason": crypto.ring().seal(t.reason, f"tasks.reason:{task_id}"),
        "due_at": t.due_at,
        "status": TaskStatus.OPEN.value,
        "owner_id": t.owner_id,
        "created_at": t.now,
        "created_by": t.created_by,
        "key": t.key,
        "follow_up_id": t.follow_up_id,
        "basis_at": t.basis_at,
        "tier": t.tier.value if t.tier is not None else None,
        "tier_checked_at": t.now,
        "subject_ends_at": t.subject_ends_at,
        "not_reached_in_a_row": t.not_reached_in_a_row,
    }
    if t.key is None:
        s.execute(insert(_table(Task)), values)
        return task_id
    return task_id if _insert(s, Task, values, "key") else None


def start_follow_up(
    s: Session,
    case_id: str,
    trigger: str,
    reason: str,
    started_at: datetime,
    ends_at: datetime,
    *,
    owed: bool,
) -> str | None:
    """Record the follow-up period an event opened, once per event; `owed` False: another
    order was in force, so nothing is owed (recorded ended, so it is not looked at again)."""
    follow_up_id = new_id()
    values: dict[str, object] = {
        "id": follow_up_id,
        "case_id": case_id,
        "trigger": trigger,
        "reason": reason,
        "started_at": started_at,
        "ends_at": ends_at,
        "ended_at": None if owed else started_at,
        "end_reason": None if owed else "order_in_force",
    }
    return follow_up_id if _insert(s, FollowUp, values, "trigger") else None


def officer_of(s: Session, case_id: str) -> str | None:
    """The officer first assigned to the case (who owes its tasks), if any."""
    q = (
        select(CaseAssignment.account_id)
        .where(CaseAssignment.case_id == case_id)
        .order_by(CaseAssignment.assigned_at, CaseAssignment.account_id)
        .limit(1)
    )
    return s.scalar(q)


def officers_of(s: Session, case_ids: Collection[str]) -> dict[str, str]:
    """`officer_of` for many cases in one query (the cases without one are left out)."""
    if not case_ids:
        return {}
    a = CaseAssignment
    q = (
        select(a.case_id, a.account_id)
        .where(a.case_id.in_(sorted(case_ids)))
        .order_by(a.case_id, a.assigned_at, a.account_id)
    )
    first: dict[str, str] = {}
    for case_id, account_id in s.execute(q):
        first.setdefault(case_id, account_id)
    return first


def in_force(case_id: Any, at: Any) -> Select[Any]:
    """An order of the case in force at `at` (a correlated EXISTS body)."""
    return select(_O2.id).where(
        _O2.case_id == case_id,
        _O2.starts_at <= at,
        _O2.ends_at > at,
        or_(_O2.revoked_at.is_(None), _O2.revoked_at > at),
    )


def order_in_force(s: Session, case_id: str, at: datetime) -> bool:
    """Whether an order of the case was in force at `at`."""
    return s.scalar(select(exists(in_force(case_id, at)))) is True


# --- what the scheduling pass looks for ------------------------------------------------


def orders_owing_review(
    s: Session, now: datetime, limit: int
) -> Sequence[tuple[Order, Task | None]]:
    """Orders in force or scheduled whose review is not written, or was written for an end
    the order no longer has (an extension moved it)."""
    key = literal("review:order:") + Order.id
    # Settled: a review done, cancelled or for the order's present end. The orders owing
    # one are found first, in full (MATERIALIZED), and only then sorted and cut to
    # `limit`: planned under the LIMIT, PostgreSQL sorted every order in force and probed
    # its review one by one (most have theirs) on every pass, where a hash anti-join over
    # the reviews costs a fraction.
    settled = select(_REVIEW.id).where(
        _REVIEW.key == key,
        or_(
            _REVIEW.status != TaskStatus.OPEN.value,
            _REVIEW.subject_ends_at == Order.ends_at,
            _REVIEW.subject_ends_at.is_(None),
        ),
    )
    owing = (
        select(Order.id)
        .join(Case, Case.id == Order.case_id)
        .where(
            Case.closed_at.is_(None),
            Order.revoked_at.is_(None),
            Order.ends_at > now,
            ~exists(settled),
        )
        .cte("owing")
        .prefix_with("MATERIALIZED")
    )
    q = (
        select(Order, Task)
        .join(owing, owing.c.id == Order.id)
        .outerjoin(Task, Task.key == key)
        .order_by(Order.ends_at)
        .limit(limit)
    )
    return [(o, t) for o, t in s.execute(q)]


def measures_owing_review(
    s: Session, now: datetime, limit: int
) -> Sequence[tuple[SafetyMeasure, Task | None]]:
    """Safety measures in force or scheduled whose review is not written, or was written
    for an end the measure no longer has (an extension moved it)."""
    key = literal("review:measure:") + SafetyMeasure.id
    q = (
        select(SafetyMeasure, Task)
        .join(Case, Case.id == SafetyMeasure.case_id)
        .outerjoin(Task, Task.key == key)
        .where(
            Case.closed_at.is_(None),
            SafetyMeasure.ended_at.is_(None),
            SafetyMeasure.ends_at > now,
            or_(
                Task.id.is_(None),
                and_(
                    Task.status == TaskStatus.OPEN.value,
                    Task.subject_ends_at != SafetyMeasure.ends_at,
                ),
            ),
        )
        .order_by(SafetyMeasure.ends_at)
        .limit(limit)
    )
    return [(m, t) for m, t in s.execute(q)]


def cancel_reviews_of_ended_measures(s: Session, now: datetime, limit: int) -> None:
    """Cancel the open reviews of measures ended early: nothing is left to review."""
    ended = (
        select(Task.id)
        .join(SafetyMeasure, Task.key == literal("review:measure:") + SafetyMeasure.id)
        .where(Task.status == TaskStatus.OPEN.value, SafetyMeasure.ended_at.is_not(None))
        .limit(limit)
    )
    cancelled = {"status": TaskStatus.CANCELLED.value, "completed_at": now}
    s.execute(update(Task).where(Task.id.in_(list(s.scalars(ended)))).values(**cancelled))


def ended_orders(
    s: Session, now: datetime, since: datetime, limit: int
) -> Sequence[tuple[Order, datetime, bool]]:
    """Orders that ended (expired or revoked) since `since` and have no follow-up yet: the
    order, when it ended, and whether another order of the case was in force then."""
    ended_at = func.coalesce(Order.revoked_at, Order.ends_at)
    trigger = literal("order:") + Order.id
    other = in_force(Order.case_id, ended_at).where(_O2.id != Order.id)
    q = (
        select(Order, ended_at, exists(other))
        .join(Case, Case.id == Order.case_id)
        .where(
            Case.closed_at.is_(None),
            ended_at <= now,
            ended_at > since,
            ~exists(select(FollowUp.id).where(FollowUp.trigger == trigger)),
        )
        .order_by(ended_at)
        .limit(limit)
    )
    return [(o, at, bool(busy)) for o, at, busy in s.execute(q)]


def decisions_owing(
    s: Session, now: datetime, since: datetime, limit: int
) -> Sequence[tuple[CaseDecision, bool]]:
    """Decisions recorded since `since` without a follow-up yet, and whether an order of
    the case was in force when decided."""
    trigger = literal("decision:") + CaseDecision.id
    q = (
        select(CaseDecision, exists(in_force(CaseDecision.case_id, CaseDecision.decided_at)))
        .join(Case, Case.id == CaseDecision.case_id)
        .where(
            Case.closed_at.is_(None),
            CaseDecision.decided_at <= now,
            CaseDecision.decided_at > since,
            ~exists(select(FollowUp.id).where(FollowUp.trigger == trigger)),
        )
        .order_by(CaseDecision.decided_at)
        .limit(limit)
    )
    return [(d, bool(busy)) for d, busy in s.execute(q)]


def follow_ups_to_end(s: Session, now: datetime) -> Sequence[tuple[FollowUp, str]]:
    """Open follow-ups that end now: their period is over, or a new order is in force."""
    newer = in_force(FollowUp.case_id, now).where(_O2.starts_at >= FollowUp.started_at)
    q = select(FollowUp, FollowUp.ends_at <= now).where(
        FollowUp.ended_at.is_(None), or_(FollowUp.ends_at <= now, exists(newer))
    )
    return [(f, "period_over" if over else "new_order") for f, over in s.execute(q)]


def end_follow_up(s: Session, f: FollowUp, now: datetime, reason: str) -> None:
    """End a follow-up; a new order cancels what it still owed."""
    f.ended_at = min(now, f.ends_at) if reason == "period_over" else now
    f.end_reason = reason
    if reason == "new_order":
        s.execute(
            update(Task)
            .where(Task.follow_up_id == f.id, Task.status == TaskStatus.OPEN.value)
            .values(status=TaskStatus.CANCELLED.value, completed_at=now)
        )


def tiers_to_recount(s: Session, now: datetime, limit: int) -> Sequence[Task]:
    """Open monitoring calls not yet due whose case was assessed since they were counted."""
    assessed = select(RiskAssessmentRow.id).where(
        RiskAssessmentRow.case_id == Task.case_id,
        or_(
            RiskAssessmentRow.assessed_at > Task.tier_checked_at,
            RiskAssessmentRow.override_at > Task.tier_checked_at,
        ),
    )
    q = (
        select(Task)
        .where(
            Task.status == TaskStatus.OPEN.value,
            Task.kind == TaskKind.MONITORING_CALL.value,
            Task.due_at > now,
            Task.basis_at.is_not(None),
            exists(assessed),
        )
        .limit(limit)
    )
    return list(s.scalars(q))


def escalate_overdue(s: Session, now: datetime, limit: int) -> None:
    """Mark open tasks past their due time escalated (to the agency's supervisors)."""
    ids = select(Task.id).where(
        Task.status == TaskStatus.OPEN.value, Task.due_at <= now, Task.escalated_at.is_(None)
    )
    ids = ids.limit(limit)
    s.execute(update(Task).where(Task.id.in_(ids)).values(escalated_at=now))


# --- lists -------------------------------------------------------------------------------


def page(
    q: Select[Any], s: Session, limit: int, cursor: str | None
) -> tuple[list[Task], str | None]:
    """A page of tasks, soonest due first."""
    if cursor:
        at, task_id = pages.decode(cursor)
        q = q.where(or_(Task.due_at > at, and_(Task.due_at == at, Task.id > task_id)))
    rows: list[Task] = list(s.scalars(q.order_by(Task.due_at, Task.id).limit(limit + 1)))
    nxt = pages.encode(rows[limit - 1].due_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], nxt


def previous_in_follow_up(s: Session, follow_up_id: str) -> int:
    """How many tasks a follow-up has had (the next key's number)."""
    q = select(func.count(Task.id)).where(Task.follow_up_id == follow_up_id)
    return int(s.scalar(q) or 0)


def since(now: datetime, days: int) -> datetime:
    """How far back the pass looks for endings: a follow-up period (older ones owe nothing
    any more, so a first start-up does not flood officers with what was long due)."""
    return now - timedelta(days=days)
