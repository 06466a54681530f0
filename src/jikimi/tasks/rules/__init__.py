"""Pure scheduling rules for tasks: kinds, the follow-up policy, working days and due dates.

The time-of-day and shift decisions are in `jikimi.tasks.rules.schedule`'s docstring.
"""

from jikimi.risk.rules import Tier
from jikimi.tasks.rules.kinds import (
    DecisionKind,
    FollowUpReason,
    NextTask,
    Outcome,
    TaskKind,
    TaskStatus,
)
from jikimi.tasks.rules.policy import FollowUpPolicy, PolicyError, policy_from
from jikimi.tasks.rules.schedule import (
    first_monitoring_due,
    follow_up_ends,
    is_overdue,
    measure_review_due,
    next_after_outcome,
    next_monitoring_due,
    order_review_due,
    retry_due,
    shift_due,
)
from jikimi.tasks.rules.working_days import WorkingCalendar, calendar_for

__all__ = [
    "DecisionKind",
    "FollowUpPolicy",
    "FollowUpReason",
    "NextTask",
    "Outcome",
    "PolicyError",
    "TaskKind",
    "TaskStatus",
    "Tier",
    "WorkingCalendar",
    "calendar_for",
    "first_monitoring_due",
    "follow_up_ends",
    "is_overdue",
    "measure_review_due",
    "next_after_outcome",
    "next_monitoring_due",
    "order_review_due",
    "policy_from",
    "retry_due",
    "shift_due",
]
