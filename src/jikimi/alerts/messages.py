"""Commands of the alerts feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.alerts.rules import Outcome


@dataclass(frozen=True)
class EscalateDueAlerts:
    """Raise the level of open alerts that nobody acknowledged in time."""

    limit: int = 500


@dataclass(frozen=True)
class AcknowledgeAlert:
    """A dispatcher or officer has seen the alert."""

    alert_id: str
    actor: str


@dataclass(frozen=True)
class ResolveAlert:
    """Close an alert with its outcome."""

    alert_id: str
    actor: str
    outcome: Outcome
    note: str | None
