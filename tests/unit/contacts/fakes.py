"""A fake of the contacts' port: the contact inbox in a dict."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from jikimi.contacts.rules import Contact, same_contact
from jikimi.ports import PendingContact

if TYPE_CHECKING:
    from tests.unit.fakes import State


class PoisonError(RuntimeError):
    """What the fake store raises for an event the test marked as poison."""


@dataclass
class StoredContact:
    """One row of the contact inbox."""

    event: PendingContact
    victim_id: str | None
    processed_at: datetime | None = None
    corroborates: str | None = None
    error: str | None = None


class FakeContacts:
    """The contact inbox over `State.contacts` (insertion order is arrival order)."""

    def __init__(self, state: State, poison: set[str], cut_off: set[str]) -> None:
        self.state, self.poison, self.cut_off = state, poison, cut_off

    def pending_ids(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Unjudged events but `skip`, oldest arrival first."""
        ids = [
            i
            for i, row in self.state.contacts.items()
            if row.processed_at is None and i not in skip
        ]
        return ids[:limit]

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event while it waits; raises for poison ids, and once for cut-off ids."""
        if event_id in self.poison:
            raise PoisonError(event_id)
        if event_id in self.cut_off:
            self.cut_off.discard(event_id)
            raise ConnectionError("the fake database dropped the connection")
        row = self.state.contacts.get(event_id)
        if row is None or row.processed_at is not None:
            return None
        return row.event

    def victims_by_number(self, e164: str, at: datetime) -> list[str]:
        """Victims of some case who held `e164` at `at`."""
        victims = {victim for victim, _ in self.state.cases.values()}
        return sorted(
            person
            for person, spans in self.state.victim_phones.items()
            if person in victims and any(s.e164 == e164 and s.valid_at(at) for s in spans)
        )

    def find_same_contact(self, event: PendingContact, victim_id: str) -> str | None:
        """A judged, uncorroborated event of the other source reporting the same contact."""
        mine = Contact(event.kind, event.number, event.occurred_at)
        found = [
            row.event
            for row in self.state.contacts.values()
            if row.event.source != event.source
            and row.victim_id == victim_id
            and row.processed_at is not None
            and row.corroborates is None
            and same_contact(mine, Contact(row.event.kind, row.event.number, row.event.occurred_at))
        ]
        found.sort(key=lambda e: e.occurred_at)
        return found[0].id if found else None

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Judged; remember the victim an operator's event resolved to."""
        row = self.state.contacts[event_id]
        row.processed_at, row.corroborates = at, corroborates
        if row.victim_id is None and victim_id is not None:
            row.victim_id = victim_id

    def mark_failed(self, event_id: str, at: datetime, error: str) -> None:
        """Set the event aside."""
        row = self.state.contacts[event_id]
        row.processed_at, row.error = at, error
