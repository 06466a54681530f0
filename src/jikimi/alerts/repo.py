"""The engine's alert repository: alerts, their evidence and their timeline.

On the alert path every event reads and writes here, so it speaks plain SQL through
statements built once (SQLAlchemy then reuses their compiled form): no ORM objects, no
unit-of-work flush. Sealed columns are sealed and opened as the models' attributes do
(same associated data), so either side reads what the other wrote.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from jikimi.alerts.rules import Alert, AlertKind, AlertStatus, Evidence, Outcome, Severity
from jikimi.alerts.tables import AlertChange, AlertEvidence, AlertRow
from jikimi.core import sealing as crypto
from jikimi.core.tables import new_id, table_of

_A = table_of(AlertRow).c
_SELECT = select(table_of(AlertRow))
_BY_ID = _SELECT.where(_A.id == bindparam("alert_id"))
_BY_OPEN_KEY = _SELECT.where(_A.open_key == bindparam("open_key"))
_INSERT = insert(table_of(AlertRow))
_INSERT_EVIDENCE = insert(table_of(AlertEvidence))
_INSERT_CHANGE = insert(table_of(AlertChange))
# The columns set are those in the parameters (SQLAlchemy compiles one form per set).
_UPDATE = update(table_of(AlertRow)).where(_A.id == bindparam("b_alert_id"))
_FIELDS = [f.name for f in dataclasses.fields(Alert)]


def _note_aad(alert_id: str) -> str:
    return f"alerts.note:{alert_id}"


def _to_domain(row: Row[Any]) -> Alert:
    m = row._mapping
    return Alert(
        id=m["id"],
        case_id=m["case_id"],
        kind=AlertKind(m["kind"]),
        severity=Severity(m["severity"]),
        status=AlertStatus(m["status"]),
        opened_at=m["opened_at"],
        first_at=m["first_at"],
        last_at=m["last_at"],
        count=m["count"],
        escalation_level=m["escalation_level"],
        next_escalation_at=m["next_escalation_at"],
        acknowledged_by=m["acknowledged_by"],
        acknowledged_at=m["acknowledged_at"],
        resolved_by=m["resolved_by"],
        resolved_at=m["resolved_at"],
        outcome=Outcome(m["outcome"]) if m["outcome"] else None,
        note=crypto.ring().open(m["note"], _note_aad(m["id"])),
    )


def _column(a: Alert, name: str) -> Any:
    """One field of the alert as its column holds it."""
    value = getattr(a, name)
    if name == "note":
        return crypto.ring().seal(value, _note_aad(a.id))
    if isinstance(value, AlertKind | Severity | AlertStatus | Outcome):
        return value.value
    return value


def _open_key(a: Alert) -> str | None:
    # One unresolved alert per (case, kind): the unique key is cleared on resolution.
    return None if a.status is AlertStatus.RESOLVED else f"{a.case_id}:{a.kind.value}"


class SqlAlerts:
    """Alerts, evidence and the timeline."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._pg = session.get_bind().dialect.name == "postgresql"
        # The state each alert had when read, so `save` writes only what changed.
        self._read: dict[str, Alert] = {}

    def _one(self, q: Any, params: dict[str, Any]) -> Alert | None:
        if self._pg:
            q = q.with_for_update()
        row = self.s.execute(q, params).first()
        if row is None:
            return None
        alert = _to_domain(row)
        self._read[alert.id] = dataclasses.replace(alert)
        return alert

    def get(self, alert_id: str) -> Alert | None:
        """One alert, locked for update on PostgreSQL."""
        return self._one(_BY_ID, {"alert_id": alert_id})

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """The alert that absorbs repeats, found by its unique open key."""
        return self._one(_BY_OPEN_KEY, {"open_key": f"{case_id}:{kind}"})

    def add(self, alert: Alert) -> None:
        """A new alert row; a second open alert for (case, kind) fails here."""
        values = {name: _column(alert, name) for name in _FIELDS}
        self.s.execute(_INSERT, {**values, "open_key": _open_key(alert)})
        self._read[alert.id] = dataclasses.replace(alert)

    def save(self, alert: Alert) -> None:
        """Write the alert's changed state back."""
        before = self._read.get(alert.id)
        changed = [
            name
            for name in _FIELDS
            if before is None or getattr(before, name) != getattr(alert, name)
        ]
        if not changed:
            return
        values = {name: _column(alert, name) for name in changed if name != "id"}
        values["open_key"] = _open_key(alert)
        done = self.s.execute(_UPDATE, {**values, "b_alert_id": alert.id})
        if getattr(done, "rowcount", 1) == 0:
            raise LookupError(alert.id)
        self._read[alert.id] = dataclasses.replace(alert)

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event."""
        evidence_id = new_id()
        self.s.execute(
            _INSERT_EVIDENCE,
            {
                "id": evidence_id,
                "alert_id": alert_id,
                "event_id": evidence.event_id,
                "kind": evidence.kind,
                "number": crypto.ring().seal(
                    evidence.number, f"alert_evidence.number:{evidence_id}"
                ),
                "occurred_at": evidence.occurred_at,
                "sources": list(evidence.sources),
                "corroborated": False,
                "detail": crypto.ring().seal(
                    json.dumps(evidence.detail) if evidence.detail else None,
                    f"alert_evidence.detail:{evidence_id}",
                ),
            },
        )

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Add a second source to the evidence of one event."""
        ids = []
        for ev in self.s.scalars(select(AlertEvidence).where(AlertEvidence.event_id == event_id)):
            if source not in ev.sources:
                ev.sources = [*ev.sources, source]
                ev.corroborated = True
            ids.append(ev.alert_id)
        return ids

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the timeline."""
        self.s.execute(
            _INSERT_CHANGE,
            {"alert_id": alert_id, "at": at, "action": action, "actor": actor, "detail": detail},
        )

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose escalation time has come."""
        q = (
            _SELECT.where(
                _A.status == AlertStatus.OPEN.value,
                _A.next_escalation_at.is_not(None),
                _A.next_escalation_at <= now,
            )
            .order_by(_A.next_escalation_at)
            .limit(limit)
        )
        if self._pg:
            q = q.with_for_update(skip_locked=True)
        out = []
        for row in self.s.execute(q):
            alert = _to_domain(row)
            self._read[alert.id] = dataclasses.replace(alert)
            out.append(alert)
        return out


# Whether any open alert is due to escalate, as `SqlAlerts.due_for_escalation` chooses
# them (the worker asks it with its other inboxes, `now` bound to the clock).
ESCALATION_DUE = exists().where(
    _A.status == AlertStatus.OPEN.value,
    _A.next_escalation_at.is_not(None),
    _A.next_escalation_at <= bindparam("now"),
)
