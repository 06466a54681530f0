"""Alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Out, Strict

if TYPE_CHECKING:
    from jikimi.alerts.tables import AlertChange, AlertRow
    from jikimi.alerts.timeline import Position


class EvidenceRead(Out):
    """One event held by an alert."""

    event_id: str
    kind: str
    number: str | None = Field(description="E.164; null when the caller hid it")
    number_display: str | None = Field(
        None, description="the number as people write it (Korean ones: 010-1234-5678)"
    )
    occurred_at: str
    sources: list[str]
    # Positional evidence (proximity, encounter, SOS):
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    distance_m: float | None = None
    zone: str | None = None
    possibly_inside: bool | None = None
    eta_s: float | None = None


class AlertRead(Out):
    """An alert."""

    id: str
    case_id: str
    kind: str
    severity: Literal["low", "medium", "high", "critical"]
    status: Literal["open", "acknowledged", "resolved"]
    escalation_level: int
    count: int
    first_at: str
    last_at: str
    acknowledged_by: str | None
    evidence: list[EvidenceRead] = Field(
        description="oldest first; in the queue and the live stream only the latest "
        "JIKIMI_ALERT_EVIDENCE_SHOWN pieces (GET /alerts/{id}: all)"
    )
    evidence_total: int = Field(description="pieces of evidence the alert holds in all")


class AlertPage(Out):
    """A page of alerts, newest first."""

    items: list[AlertRead]
    next: str | None


class AlertResolve(Strict):
    """How the alert ended."""

    outcome: Literal["dispatched", "false_alarm", "arrested", "other"]
    note: StrictStr | None = Field(None, max_length=2000)


class TimelineEntry(Out):
    """One change of an alert."""

    seq: int
    at: str
    action: str
    actor: str | None
    detail: dict[str, object]


def render_alert(alert: dict[str, Any]) -> str:
    """An alert as the live stream sends it: `AlertRead`'s JSON."""
    return AlertRead.model_validate(alert).model_dump_json()


def identified(rendered: list[str], reached: Position) -> list[tuple[str | None, str]]:
    """Events to send: the last carries the position they bring the console to (a console
    cut off part-way resumes from the position before them, and gets them again)."""
    last = len(rendered) - 1
    return [(reached.token() if i == last else None, x) for i, x in enumerate(rendered)]


def alert_json(r: AlertRow) -> dict[str, Any]:
    """An alert's own fields as `AlertRead` shows them (its evidence is added by
    `queries.with_evidence`)."""
    return {
        "id": r.id,
        "case_id": r.case_id,
        "kind": r.kind,
        "severity": r.severity,
        "status": r.status,
        "escalation_level": r.escalation_level,
        "count": r.count,
        "first_at": iso(r.first_at),
        "last_at": iso(r.last_at),
        "opened_at": iso(r.opened_at),
        "acknowledged_by": r.acknowledged_by,
        "acknowledged_at": iso(r.acknowledged_at),
        "resolved_by": r.resolved_by,
        "resolved_at": iso(r.resolved_at),
        "outcome": r.outcome,
        "note": r.note,
    }


def timeline_json(changes: list[AlertChange]) -> list[dict[str, Any]]:
    """An alert's changes as `TimelineEntry` shows them."""
    return [
        {"seq": c.seq, "at": iso(c.at), "action": c.action, "actor": c.actor, "detail": c.detail}
        for c in changes
    ]
