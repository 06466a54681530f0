"""Commands the engine carries out. Imperative names; plain data."""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.domain.alerts import Outcome
from jikimi.engine.ports import PendingContact


@dataclass(frozen=True)
class JudgeContacts:
    """Judge up to `limit` stored contact events that wait in the inbox."""

    limit: int = 200


@dataclass(frozen=True)
class JudgeStoredContacts:
    """Judge these events, just stored, in the transaction that stores them."""

    events: tuple[PendingContact, ...]


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


Command = JudgeContacts | JudgeStoredContacts | EscalateDueAlerts | AcknowledgeAlert | ResolveAlert
