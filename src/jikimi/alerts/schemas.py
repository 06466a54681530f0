"""Alerts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from jikimi.http.schemas import Out, Strict


class EvidenceRead(Out):
    """One event held by an alert."""

    event_id: str
    kind: str
    number: str | None
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
