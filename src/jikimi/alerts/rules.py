"""Alert kinds, severities, aggregation and the escalation clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from jikimi.risk.rules import Tier


class AlertKind(StrEnum):
    """What happened, as the dispatcher sees it."""

    CONTACT_VIOLATION = "contact_violation"
    HIDDEN_NUMBER_CONTACT = "hidden_number_contact"
    PROXIMITY_WARNING = "proximity_warning"
    PROXIMITY_VIOLATION = "proximity_violation"
    ENCOUNTER = "encounter"
    DEVICE_TAMPER = "device_tamper"
    DEVICE_OFFLINE = "device_offline"
    SOS = "sos"


class Severity(StrEnum):
    """How urgent: critical is a life at stake now."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    """Open until someone acknowledges it; resolved with an outcome."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Outcome(StrEnum):
    """How a resolved alert ended."""

    DISPATCHED = "dispatched"
    FALSE_ALARM = "false_alarm"
    ARRESTED = "arrested"
    OTHER = "other"


SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}

DEFAULT_SEVERITY: dict[AlertKind, Severity] = {
    AlertKind.CONTACT_VIOLATION: Severity.HIGH,
    # It may or may not be the perpetrator: lower than a known number.
    AlertKind.HIDDEN_NUMBER_CONTACT: Severity.MEDIUM,
    AlertKind.PROXIMITY_WARNING: Severity.MEDIUM,
    AlertKind.PROXIMITY_VIOLATION: Severity.CRITICAL,
    AlertKind.ENCOUNTER: Severity.CRITICAL,
    AlertKind.DEVICE_TAMPER: Severity.CRITICAL,
    AlertKind.DEVICE_OFFLINE: Severity.HIGH,
    AlertKind.SOS: Severity.CRITICAL,
}


# Alerts that speak of the perpetrator's behaviour: a new one re-assesses the case's risk. (A silent
# anklet may be a flat battery.)
VIOLATION_KINDS = frozenset(
    {
        AlertKind.CONTACT_VIOLATION,
        AlertKind.HIDDEN_NUMBER_CONTACT,
        AlertKind.PROXIMITY_VIOLATION,
        AlertKind.PROXIMITY_WARNING,
        AlertKind.ENCOUNTER,
        AlertKind.DEVICE_TAMPER,
        AlertKind.SOS,
    }
)
_BY_RANK = {rank: severity for severity, rank in SEVERITY_RANK.items()}


def severity_for(kind: AlertKind, tier: Tier | None) -> Severity:
    """The kind's severity in a case of this (effective) risk tier: high raises it one
    step, very high makes every alert critical; low, medium or unassessed leave it."""
    base = DEFAULT_SEVERITY[kind]
    if tier is Tier.VERY_HIGH:
        return Severity.CRITICAL
    if tier is Tier.HIGH:
        return _BY_RANK[min(SEVERITY_RANK[base] + 1, SEVERITY_RANK[Severity.CRITICAL])]
    return base


def is_unresolved(status: AlertStatus) -> bool:
    """Unresolved alerts absorb repeats of their kind in their case."""
    return status is not AlertStatus.RESOLVED


def escalation_level(opened_at: datetime, now: datetime, period: timedelta, max_level: int) -> int:
    """The level an open, unacknowledged alert has reached: one per full period."""
    if period <= timedelta(0) or now <= opened_at:
        return 0
    return min(max_level, int((now - opened_at) / period))


def next_escalation_at(
    opened_at: datetime, level: int, period: timedelta, max_level: int
) -> datetime | None:
    """When the alert rises next, or None once it is at the top level."""
    if level >= max_level:
        return None
    return opened_at + period * (level + 1)


class AlertStateError(ValueError):
    """An action the alert's status does not allow (e.g. acknowledging a resolved alert)."""


@dataclass
class Evidence:
    """One event held by an alert."""

    event_id: str
    kind: str
    number: str | None
    occurred_at: datetime
    sources: list[str] = field(default_factory=list)
    # Positional evidence: lat, lon, accuracy_m, distance_m, zone, possibly_inside, eta_s.
    detail: dict[str, Any] | None = None


@dataclass
class Alert:
    """An alert's state and the rules that change it."""

    id: str
    case_id: str
    kind: AlertKind
    severity: Severity
    status: AlertStatus
    opened_at: datetime
    first_at: datetime
    last_at: datetime
    count: int = 1
    escalation_level: int = 0
    next_escalation_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    outcome: Outcome | None = None
    note: str | None = None

    @classmethod
    def open(
        cls,
        alert_id: str,
        case_id: str,
        kind: AlertKind,
        occurred_at: datetime,
        now: datetime,
        policy: EscalationPolicy,
        tier: Tier | None = None,
    ) -> Alert:
        """A new open alert for a first violation, as severe as the case's risk says."""
        return cls(
            id=alert_id,
            case_id=case_id,
            kind=kind,
            severity=severity_for(kind, tier),
            status=AlertStatus.OPEN,
            opened_at=now,
            first_at=occurred_at,
            last_at=occurred_at,
            next_escalation_at=next_escalation_at(now, 0, policy.period, policy.max_level),
        )

    def grow(self, occurred_at: datetime, tier: Tier | None = None) -> None:
        """Absorb one more violation of the same kind; a risk tier raised since the alert
        opened raises its severity too (never lowers it)."""
        if not is_unresolved(self.status):
            raise AlertStateError("a resolved alert does not grow")
        wanted = severity_for(self.kind, tier)
        if SEVERITY_RANK[wanted] > SEVERITY_RANK[self.severity]:
            self.severity = wanted
        self.count += 1
        self.first_at = min(self.first_at, occurred_at)
        self.last_at = max(self.last_at, occurred_at)

    def acknowledge(self, actor: str, now: datetime) -> bool:
        """Acknowledge; True when this changed anything. Stops escalation."""
        if self.status is AlertStatus.RESOLVED:
            raise AlertStateError("the alert is already resolved")
        if self.status is AlertStatus.ACKNOWLEDGED:
            return False
        self.status, self.acknowledged_by, self.acknowledged_at = (
            AlertStatus.ACKNOWLEDGED,
            actor,
            now,
        )
        self.next_escalation_at = None
        return True

    def resolve(self, actor: str, outcome: Outcome, note: str | None, now: datetime) -> None:
        """Close the alert with its outcome."""
        if self.status is AlertStatus.RESOLVED:
            raise AlertStateError("the alert is already resolved")
        if self.acknowledged_at is None:
            self.acknowledged_by, self.acknowledged_at = actor, now
        self.status, self.resolved_by, self.resolved_at = AlertStatus.RESOLVED, actor, now
        self.outcome, self.note, self.next_escalation_at = outcome, note, None

    def escalate(self, now: datetime, policy: EscalationPolicy) -> bool:
        """Raise the level for the periods that passed unacknowledged; True if it rose."""
        if self.status is not AlertStatus.OPEN:
            return False
        level = escalation_level(self.opened_at, now, policy.period, policy.max_level)
        rose = level > self.escalation_level
        if rose:
            self.escalation_level = level
        # Moved on even when the level did not rise (the policy changed since the alert
        # opened), or the alert would be due again on every pass.
        self.next_escalation_at = next_escalation_at(
            self.opened_at, self.escalation_level, policy.period, policy.max_level
        )
        return rose


@dataclass(frozen=True)
class EscalationPolicy:
    """How long an open alert waits before it rises a level, and the top level."""

    period: timedelta = timedelta(seconds=60)
    max_level: int = 3
