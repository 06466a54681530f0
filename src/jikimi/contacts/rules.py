"""Telecom-ban matching: is this call or text from the perpetrator, while a no-contact order
holds?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jikimi.alerts.rules import AlertKind
from jikimi.cases.orders import OrderWindow

CONTACT_KINDS = ("call", "missed_call", "sms", "mms")
_FAMILY = {"call": "voice", "missed_call": "voice", "sms": "text", "mms": "text"}


@dataclass(frozen=True)
class NumberSpan:
    """A number a person used, and when (None: since/until an unknown time)."""

    e164: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    def valid_at(self, at: datetime) -> bool:
        """True when the person held this number at `at`."""
        if self.valid_from is not None and at < self.valid_from:
            return False
        return not (self.valid_to is not None and at >= self.valid_to)


@dataclass(frozen=True)
class CaseFacts:
    """What one case contributes to judging a contact: its orders and the perpetrator's numbers."""

    case_id: str
    orders: tuple[OrderWindow, ...]
    perpetrator_numbers: tuple[NumberSpan, ...]


@dataclass(frozen=True)
class Contact:
    """A call or text the victim received; `number` None means hidden or unknown."""

    kind: str
    number: str | None
    occurred_at: datetime


def no_contact_in_force(case: CaseFacts, at: datetime) -> bool:
    """True when one of the case's telecom bans holds at `at`."""
    return any(o.kind.no_contact and o.in_force_at(at) for o in case.orders)


def judge_contact(contact: Contact, case: CaseFacts) -> AlertKind | None:
    """The violation this contact is in this case, judged at the contact's own time."""
    if not no_contact_in_force(case, contact.occurred_at):
        return None
    if contact.number is None:
        return AlertKind.HIDDEN_NUMBER_CONTACT
    for span in case.perpetrator_numbers:
        if span.e164 == contact.number and span.valid_at(contact.occurred_at):
            return AlertKind.CONTACT_VIOLATION
    return None


def _family(kind: str) -> str:
    # A kind outside the known families is a family of its own, as in the store's query.
    return _FAMILY.get(kind, f"other:{kind}")


def same_contact(a: Contact, b: Contact, window: timedelta = timedelta(seconds=60)) -> bool:
    """True when two reports (phone and operator) describe one call or text."""
    return (
        a.number == b.number
        and _family(a.kind) == _family(b.kind)
        and abs(a.occurred_at - b.occurred_at) <= window
    )
