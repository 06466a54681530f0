"""Alert handlers: opening or growing an alert for a violation (every feature that
judges calls `open_or_grow`), escalation, acknowledgement and resolution. Each runs inside
one unit of work and returns the ids of alerts it changed."""

from __future__ import annotations

import logging
import uuid

from jikimi.alerts.messages import AcknowledgeAlert, EscalateDueAlerts, ResolveAlert
from jikimi.alerts.rules import (
    VIOLATION_KINDS,
    Alert,
    AlertKind,
    AlertStateError,
    EscalationPolicy,
    Evidence,
)
from jikimi.ports import Clock, UnitOfWork

log = logging.getLogger(__name__)


class AlertNotFound(LookupError):
    """No such alert."""


def open_or_grow(
    uow: UnitOfWork,
    case_id: str,
    kind: AlertKind,
    evidence: Evidence,
    clock: Clock,
    policy: EscalationPolicy,
) -> str:
    """Open an alert of this kind for the case, or grow the unresolved one; keep the
    evidence either way. Returns the alert's id.

    The case's effective risk tier sets the severity (`severity_for`), and a violation in
    an assessed case marks it for a re-score in this same transaction.
    """
    now = clock.now()
    tier = uow.cases.risk_tier(case_id)
    alert = uow.alerts.find_unresolved(case_id, kind.value)
    if alert is None:
        alert = Alert.open(uuid.uuid4().hex, case_id, kind, evidence.occurred_at, now, policy, tier)
        uow.alerts.add(alert)
        uow.alerts.record_change(alert.id, now, "opened", None, {"event_id": evidence.event_id})
    else:
        alert.grow(evidence.occurred_at, tier)
        uow.alerts.save(alert)
        uow.alerts.record_change(alert.id, now, "grew", None, {"event_id": evidence.event_id})
    uow.alerts.add_evidence(alert.id, evidence)
    if tier is not None and kind in VIOLATION_KINDS:
        uow.risk.mark_rescore_due(case_id, now)
    return alert.id


def escalate_due_alerts(
    cmd: EscalateDueAlerts, uow: UnitOfWork, *, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Raise open alerts one level for each period they waited unacknowledged."""
    changed: set[str] = set()
    with uow:
        now = clock.now()
        for alert in uow.alerts.due_for_escalation(now, cmd.limit):
            if alert.escalate(now, policy):
                uow.alerts.save(alert)
                uow.alerts.record_change(
                    alert.id, now, "escalated", None, {"level": alert.escalation_level}
                )
                changed.add(alert.id)
            else:
                uow.alerts.save(alert)  # moves next_escalation_at on
        uow.commit()
    return changed


def acknowledge_alert(
    cmd: AcknowledgeAlert, uow: UnitOfWork, *, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Acknowledge an alert; raises AlertNotFound or AlertStateError."""
    with uow:
        alert = uow.alerts.get(cmd.alert_id)
        if alert is None:
            raise AlertNotFound(cmd.alert_id)
        now = clock.now()
        if not alert.acknowledge(cmd.actor, now):
            return set()
        uow.alerts.save(alert)
        uow.alerts.record_change(alert.id, now, "acknowledged", cmd.actor, {})
        uow.commit()
    return {cmd.alert_id}


def resolve_alert(
    cmd: ResolveAlert, uow: UnitOfWork, *, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Resolve an alert with its outcome; raises AlertNotFound or AlertStateError."""
    with uow:
        alert = uow.alerts.get(cmd.alert_id)
        if alert is None:
            raise AlertNotFound(cmd.alert_id)
        now = clock.now()
        alert.resolve(cmd.actor, cmd.outcome, cmd.note, now)
        uow.alerts.save(alert)
        uow.alerts.record_change(
            alert.id, now, "resolved", cmd.actor, {"outcome": cmd.outcome.value}
        )
        uow.commit()
    return {cmd.alert_id}


__all__ = [
    "AlertNotFound",
    "AlertStateError",
    "acknowledge_alert",
    "escalate_due_alerts",
    "open_or_grow",
    "resolve_alert",
]
