"""What the scheduling pass looks for: orders and measures owing a review, orders and
decisions owing a follow-up, follow-ups to end, cadences to re-count, overdue tasks to
escalate; and `anything_owed`, the same questions asked read-only before a pass takes
the write lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from jikimi.cases.tables import Case, Order
from jikimi.measures.tables import SafetyMeasure
from jikimi.risk.tables import RiskAssessmentRow
from jikimi.tasks.rules import TaskKind, TaskStatus
from jikimi.tasks.tables import CaseDecision, FollowUp, Task

_O2 = aliased(Order, name="other_order")
_REVIEW = aliased(Task, name="review")


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


def _ended_measure_reviews() -> Select[Any]:
    return (
        select(Task.id)
        .join(SafetyMeasure, Task.key == literal("review:measure:") + SafetyMeasure.id)
        .where(Task.status == TaskStatus.OPEN.value, SafetyMeasure.ended_at.is_not(None))
    )


def cancel_reviews_of_ended_measures(s: Session, now: datetime, limit: int) -> None:
    """Cancel the open reviews of measures ended early: nothing is left to review."""
    ended = _ended_measure_reviews().limit(limit)
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
    ids = _overdue(now).limit(limit)
    s.execute(update(Task).where(Task.id.in_(ids)).values(escalated_at=now))


def since(now: datetime, days: int) -> datetime:
    """How far back the pass looks for endings: a follow-up period (older ones owe nothing
    any more, so a first start-up does not flood officers with what was long due)."""
    return now - timedelta(days=days)


def _overdue(now: datetime) -> Select[Any]:
    return select(Task.id).where(
        Task.status == TaskStatus.OPEN.value, Task.due_at <= now, Task.escalated_at.is_(None)
    )


def anything_owed(s: Session, now: datetime, since_at: datetime) -> bool:
    """Whether a pass would write anything: each of its questions asked for one row. Read
    on a read-only session, so an idle pass takes no write lock (SQLite has one writer,
    which contact ingest must not wait for every 30 s)."""
    return bool(
        orders_owing_review(s, now, 1)
        or measures_owing_review(s, now, 1)
        or ended_orders(s, now, since_at, 1)
        or decisions_owing(s, now, since_at, 1)
        or follow_ups_to_end(s, now)
        or tiers_to_recount(s, now, 1)
        or s.scalars(_overdue(now).limit(1)).first() is not None
        or s.scalars(_ended_measure_reviews().limit(1)).first() is not None
    )
