"""The vocabulary of tasks: kinds, statuses, outcomes and the decisions that owe follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TaskKind(StrEnum):
    """What a task asks the officer to do."""

    MONITORING_CALL = "monitoring_call"
    MONITORING_VISIT = "monitoring_visit"
    ORDER_EXPIRY_REVIEW = "order_expiry_review"
    MEASURE_EXPIRY_REVIEW = "measure_expiry_review"
    RISK_REASSESSMENT = "risk_reassessment"
    REFERRAL_FOLLOW_UP = "referral_follow_up"
    COUNSELLOR_CONCERN = "counsellor_concern"
    PATROL_MISSED = "patrol_missed"  # a planned patrol stop went without a visit
    OTHER = "other"


class TaskStatus(StrEnum):
    """Where a task stands."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """What the officer recorded on completing a task."""

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    VISITED = "visited"
    CONCERN = "concern"
    DONE = "done"


class DecisionKind(StrEnum):
    """A decision after which the victim is owed follow-up monitoring."""

    PROVISIONAL_MEASURE_DISMISSED = "provisional_measure_dismissed"
    ARREST_WARRANT_DISMISSED = "arrest_warrant_dismissed"
    DETENTION_REQUEST_DISMISSED = "detention_request_dismissed"
    RELEASED_FROM_DETENTION = "released_from_detention"
    RELEASED_ON_BAIL = "released_on_bail"


class FollowUpReason(StrEnum):
    """Why a monitoring task was scheduled."""

    FIRST_CALL = "first_call"
    CADENCE = "cadence"
    RETRY = "retry"
    VISIT = "visit"


@dataclass(frozen=True)
class NextTask:
    """A monitoring task to schedule: its kind, when it is due (UTC) and why."""

    kind: TaskKind
    due_at: datetime
    reason: FollowUpReason
