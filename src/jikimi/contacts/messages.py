"""Commands of the contacts feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.contacts.ports import PendingContact


@dataclass(frozen=True)
class JudgeContacts:
    """Judge up to `limit` stored contact events that wait in the inbox."""

    limit: int = 200


@dataclass(frozen=True)
class JudgeStoredContacts:
    """Judge these events, just stored, in the transaction that stores them."""

    events: tuple[PendingContact, ...]
