"""Alerts, their evidence and timeline, and the notifier that tells live listeners they
changed."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from jikimi.alerts.rules import Alert, Evidence


class Notifier(Protocol):
    """Tells live listeners (the console's SSE streams) that alerts changed."""

    def alerts_changed(self) -> None:
        """Wake listeners; they read what changed from the store."""
        ...


class AlertRepository(Protocol):
    """Alerts, their evidence and their timeline."""

    def get(self, alert_id: str) -> Alert | None:
        """One alert, for update."""
        ...

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """The open or acknowledged alert of this kind in this case."""
        ...

    def add(self, alert: Alert) -> None:
        """Store a new alert."""
        ...

    def save(self, alert: Alert) -> None:
        """Store an alert's changed state."""
        ...

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event to an alert."""
        ...

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Mark evidence of `event_id` as also reported by `source`; return alert ids."""
        ...

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the alert's timeline."""
        ...

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose next escalation time has come."""
        ...
