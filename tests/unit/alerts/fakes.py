"""A fake of the alerts' port: alerts, their evidence and timeline in dicts."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from jikimi.alerts.rules import Alert, AlertStatus, Evidence

if TYPE_CHECKING:
    from tests.unit.fakes import State


@dataclass
class Change:
    """One entry of an alert's timeline."""

    alert_id: str
    at: datetime
    action: str
    actor: str | None
    detail: dict[str, object]


class FakeAlerts:
    """Alerts, evidence and timeline; one unresolved alert per (case, kind), as in SQL."""

    def __init__(self, state: State) -> None:
        self.state = state

    def _check_unique(self, alert: Alert) -> None:
        if alert.status is AlertStatus.RESOLVED:
            return
        for other in self.state.alerts.values():
            if (
                other.id != alert.id
                and other.case_id == alert.case_id
                and other.kind == alert.kind
                and other.status is not AlertStatus.RESOLVED
            ):
                raise AssertionError(f"two unresolved {alert.kind} alerts in {alert.case_id}")

    def get(self, alert_id: str) -> Alert | None:
        """A copy of one alert."""
        alert = self.state.alerts.get(alert_id)
        return replace(alert) if alert else None

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """A copy of the open or acknowledged alert of this kind in this case."""
        for alert in self.state.alerts.values():
            if (
                alert.case_id == case_id
                and alert.kind.value == kind
                and alert.status is not AlertStatus.RESOLVED
            ):
                return replace(alert)
        return None

    def add(self, alert: Alert) -> None:
        """Store a new alert."""
        assert alert.id not in self.state.alerts
        self._check_unique(alert)
        self.state.alerts[alert.id] = replace(alert)

    def save(self, alert: Alert) -> None:
        """Write an alert's state back."""
        if alert.id not in self.state.alerts:
            raise LookupError(alert.id)
        self._check_unique(alert)
        self.state.alerts[alert.id] = replace(alert)

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event."""
        self.state.evidence.append((alert_id, copy.deepcopy(evidence)))

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Add a second source to every piece of evidence of `event_id`."""
        ids = []
        for alert_id, ev in self.state.evidence:
            if ev.event_id == event_id:
                if source not in ev.sources:
                    ev.sources.append(source)
                ids.append(alert_id)
        return ids

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the timeline."""
        self.state.changes.append(Change(alert_id, at, action, actor, dict(detail)))

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose escalation time has come, earliest first."""
        due = [
            a
            for a in self.state.alerts.values()
            if a.status is AlertStatus.OPEN
            and a.next_escalation_at is not None
            and a.next_escalation_at <= now
        ]
        due.sort(key=lambda a: a.next_escalation_at or now)
        return [replace(a) for a in due[:limit]]
