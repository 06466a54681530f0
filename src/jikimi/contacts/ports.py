"""The contact inbox and the case facts the contact rules judge by."""

from __future__ import annotations

from collections.abc import Collection, Iterable
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

    def pending_ids(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Ids of events not yet judged, oldest first, claimed for this transaction;
        none of `skip` (events this pass has passed over already)."""
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

    def victims_of(self, case_ids: Collection[str]) -> dict[str, str]:
        """Case id → its victim's id."""
        ...

    def risk_tier(self, case_id: str) -> Tier | None:
        """The effective tier (override applied) of the case's latest risk assessment;
        None when the case was never assessed."""
        ...


class VictimLocks(Protocol):
    """The victims' locks: a pass that writes a victim's alerts or case rows holds her lock
    until its transaction ends, so a call reported by her phone and by the operator at
    the same instant is still found to be one contact, and two passes never write one
    case's alerts at once. Taken all at once, in one order, before those rows."""

    def take(self, victim_ids: Iterable[str], *, wait: bool = False) -> set[str]:
        """Lock these victims; return those now held. Without `wait` a victim another
        transaction holds is left out at once (the caller passes over her work)."""
        ...
