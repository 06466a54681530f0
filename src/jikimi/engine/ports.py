"""The interfaces the engine needs; store and adapters implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from jikimi.domain.alerts import Alert, Evidence
from jikimi.domain.contacts import CaseFacts


@dataclass(frozen=True)
class PendingContact:
    """A stored contact event waiting to be judged."""

    id: str
    source: str
    victim_id: str | None
    victim_number: str | None
    kind: str
    number: str | None
    occurred_at: datetime
    hidden: bool = True  # False: a number was reported but could not be read (no match)


class Clock(Protocol):
    """The time now (a port so tests can hold it still)."""

    def now(self) -> datetime:
        """Aware UTC now."""
        ...


class Notifier(Protocol):
    """Tells live listeners (the console's SSE streams) that alerts changed."""

    def alerts_changed(self) -> None:
        """Wake listeners; they read what changed from the store."""
        ...


class ContactRepository(Protocol):
    """The contact inbox."""

    def pending_ids(self, limit: int) -> list[str]:
        """Ids of events not yet judged, oldest first, claimed for this transaction."""
        ...

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event when it still waits to be judged."""
        ...

    def victims_by_number(self, e164: str, at: datetime) -> list[str]:
        """People who are a case's victim and held this number at `at`."""
        ...

    def find_same_contact(self, event: PendingContact, victim_id: str) -> str | None:
        """An already judged event from the other source that reports the same contact."""
        ...

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Record that the event has been judged."""
        ...

    def mark_failed(self, event_id: str, at: datetime, error: str) -> None:
        """Set aside an event that cannot be judged, so it does not block the rest."""
        ...


class CaseRepository(Protocol):
    """What the rules need to know about cases."""

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Every case in which this person is the victim."""
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


class UnitOfWork(Protocol):
    """One transaction: everything in it commits together or not at all."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the transaction's changes durable."""
        ...

    def rollback(self) -> None:
        """Discard the transaction's changes."""
        ...

    def unavailable(self, exc: BaseException) -> bool:
        """True when `exc` means the store could not be reached or lost the connection:
        not the work's fault, and worth doing again once the store is back."""
        ...
