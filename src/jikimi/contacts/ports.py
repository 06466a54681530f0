"""The contact inbox and the case facts the contact rules judge by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from jikimi.contacts.rules import CaseFacts
from jikimi.risk.rules import Tier


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

    def lock_victim(self, victim_id: str) -> None:
        """Judge one victim's events one transaction at a time (until this one ends), so a
        call reported by the victim's phone and by the operator at the same instant is still found
        to be one contact."""
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

    def risk_tier(self, case_id: str) -> Tier | None:
        """The effective tier (override applied) of the case's latest risk assessment;
        None when the case was never assessed."""
        ...
