"""When a task is due: follow-up monitoring, retries, visits and expiry reviews.

Every function takes its instants explicitly (aware datetimes) and returns an aware UTC
datetime. The time of day, decided once for all of them:

- "within N hours" is exactly N hours later (the first monitoring call);
- "N days" later or earlier is the same local wall-clock time N calendar days away, in the
  calendar's zone (cadence, follow-up period, review leads);
- "within N working days" is the same local time on the N-th working day after the day
  the call was completed (a retry after `not_reached`);
- a due date moved off a Saturday, Sunday or public holiday keeps its local time of day.

The shift rule: a due date on a non-working day moves to the next working day unless it
is owed within `no_shift_within_hours` (72 h, inclusive) of being scheduled, since urgent
work must not wait for a weekend. Reviews always move to the previous working day
instead, so that the review still happens before the end it reviews; moving earlier never
delays anything, so the 72-hour exception does not apply to them. A review whose due is
already past when the order or measure is recorded is due at once (the recorded time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from jikimi.risk.rules import Tier
from jikimi.tasks.rules.kinds import FollowUpReason, NextTask, Outcome, TaskKind, TaskStatus
from jikimi.tasks.rules.policy import FollowUpPolicy
from jikimi.tasks.rules.working_days import WorkingCalendar


def _aware(**instants: datetime) -> None:
    for name, at in instants.items():
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")


def _tier(tier: Tier | None) -> Tier:
    return Tier.MEDIUM if tier is None else Tier(tier)


def _days_later(at: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    return (at.astimezone(calendar.tz) + timedelta(days=days)).astimezone(UTC)


def _on_day(at: datetime, day: date, calendar: WorkingCalendar) -> datetime:
    local_time = at.astimezone(calendar.tz).time()
    return datetime.combine(day, local_time, tzinfo=calendar.tz).astimezone(UTC)


def _local_day(at: datetime, calendar: WorkingCalendar) -> date:
    return at.astimezone(calendar.tz).date()


def shift_due(
    due_at: datetime, scheduled_at: datetime, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> datetime:
    """Move a due date off a non-working day, unless it is owed within 72 h of scheduling."""
    _aware(due_at=due_at, scheduled_at=scheduled_at)
    if due_at - scheduled_at <= timedelta(hours=policy.no_shift_within_hours):
        return due_at.astimezone(UTC)
    day = _local_day(due_at, calendar)
    if calendar.is_working_day(day):
        return due_at.astimezone(UTC)
    return _on_day(due_at, calendar.next_working_day(day), calendar)


def _review_due(
    lead_days: int,
    starts_at: datetime,
    ends_at: datetime,
    recorded_at: datetime,
    calendar: WorkingCalendar,
) -> datetime:
    _aware(starts_at=starts_at, ends_at=ends_at, recorded_at=recorded_at)
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")
    # The lead is the configured one, or half the window when that is shorter.
    due = max(_days_later(ends_at, -lead_days, calendar), ends_at - (ends_at - starts_at) / 2)
    day = _local_day(due, calendar)
    if not calendar.is_working_day(day):
        due = _on_day(due, calendar.previous_working_day(day), calendar)
    return max(due, recorded_at).astimezone(UTC)


def order_review_due(
    starts_at: datetime,
    ends_at: datetime,
    recorded_at: datetime,
    policy: FollowUpPolicy,
    calendar: WorkingCalendar,
) -> datetime:
    """When an order's `order_expiry_review` is due: a lead before its end, on a working day."""
    return _review_due(policy.order_review_lead_days, starts_at, ends_at, recorded_at, calendar)


def measure_review_due(
    starts_at: datetime,
    ends_at: datetime,
    recorded_at: datetime,
    policy: FollowUpPolicy,
    calendar: WorkingCalendar,
) -> datetime:
    """When a safety measure's `measure_expiry_review` is due (the measure lead)."""
    return _review_due(policy.measure_review_lead_days, starts_at, ends_at, recorded_at, calendar)


def first_monitoring_due(
    trigger_at: datetime, tier: Tier | None, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> datetime:
    """When the first monitoring call after the triggering event is due (by risk tier)."""
    _aware(trigger_at=trigger_at)
    hours = policy.first_call_within_hours[_tier(tier)]
    return shift_due(trigger_at + timedelta(hours=hours), trigger_at, policy, calendar)


def next_monitoring_due(
    completed_at: datetime, tier: Tier | None, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> datetime:
    """When the next monitoring call is due: the tier's cadence after the last completion."""
    _aware(completed_at=completed_at)
    due = _days_later(completed_at, policy.cadence_days[_tier(tier)], calendar)
    return shift_due(due, completed_at, policy, calendar)


def retry_due(
    completed_at: datetime, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> datetime:
    """When a call that did not reach the victim is retried: within one working day."""
    _aware(completed_at=completed_at)
    day = calendar.add_working_days(
        _local_day(completed_at, calendar), policy.retry_within_working_days
    )
    return _on_day(completed_at, day, calendar)


def follow_up_ends(
    trigger_at: datetime, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> datetime:
    """The end of the follow-up period that the triggering event opened."""
    _aware(trigger_at=trigger_at)
    return _days_later(trigger_at, policy.period_days, calendar)


def next_after_outcome(
    outcome: Outcome,
    not_reached_in_a_row: int,
    completed_at: datetime,
    trigger_at: datetime,
    tier: Tier | None,
    policy: FollowUpPolicy,
    calendar: WorkingCalendar,
) -> NextTask | None:
    """What a completed monitoring task owes next, or None once the follow-up has ended.

    `not_reached_in_a_row` counts the consecutive `not_reached` outcomes of the case's
    monitoring tasks, this one included. A retry or visit is owed for any outcome recorded
    before the period ends; a cadence call only when it falls due (before any shift)
    before the period ends. Any other outcome counts as a contact: the cadence goes on.
    """
    _aware(completed_at=completed_at, trigger_at=trigger_at)
    if completed_at >= follow_up_ends(trigger_at, policy, calendar):
        return None
    if outcome is Outcome.NOT_REACHED:
        if not_reached_in_a_row < 1:
            raise ValueError("a not_reached outcome makes not_reached_in_a_row at least 1")
        due = retry_due(completed_at, policy, calendar)
        if not_reached_in_a_row >= policy.visit_after_not_reached:
            return NextTask(TaskKind.MONITORING_VISIT, due, FollowUpReason.VISIT)
        return NextTask(TaskKind.MONITORING_CALL, due, FollowUpReason.RETRY)
    cadence_due = _days_later(completed_at, policy.cadence_days[_tier(tier)], calendar)
    if cadence_due >= follow_up_ends(trigger_at, policy, calendar):
        return None
    return NextTask(
        TaskKind.MONITORING_CALL,
        next_monitoring_due(completed_at, tier, policy, calendar),
        FollowUpReason.CADENCE,
    )


def is_overdue(due_at: datetime, status: TaskStatus, now: datetime) -> bool:
    """True when an open task was not done by its due time."""
    _aware(due_at=due_at, now=now)
    return status is TaskStatus.OPEN and now > due_at
