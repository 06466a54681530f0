"""The engine's contact inbox over SQLAlchemy (`contact_events`). It never commits."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    Text,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from jikimi.cases.repo import FACT_PARTS, SqlCases
from jikimi.cases.tables import Case, PersonPhone
from jikimi.contacts.tables import ContactEvent
from jikimi.core import sealing as crypto
from jikimi.core.tables import UtcDateTime, table_of
from jikimi.ports import PendingContact

SAME_CONTACT_WINDOW = timedelta(seconds=60)
_E = table_of(ContactEvent).c
_MARK_PROCESSED = (
    update(table_of(ContactEvent))
    .where(_E.id == bindparam("event_id"))
    .values(
        processed_at=bindparam("at"),
        corroborates=bindparam("corroborates"),
        # An operator's event keeps the victim it resolved to.
        victim_id=func.coalesce(_E.victim_id, bindparam("victim_id")),
    )
)


def _same_contact(number_known: bool) -> Select[str]:
    """Built once for each shape: a judged event from the other source, same victim,
    number (or both hidden), kind family, within the window."""
    number_match = (
        _E.number_index == bindparam("number_index") if number_known else _E.number_index.is_(None)
    )
    return (
        select(_E.id)
        .where(
            _E.source != bindparam("source"),
            _E.victim_id == bindparam("victim_id"),
            number_match,
            # Two fixed parameters, not an expanding list: compiled once, not per call.
            _E.kind.in_([bindparam("kind"), bindparam("kind_alike")]),
            _E.occurred_at >= bindparam("since"),
            _E.occurred_at <= bindparam("until"),
            _E.processed_at.is_not(None),
            _E.corroborates.is_(None),
        )
        .order_by(_E.occurred_at)
        .limit(1)
    )


_SAME_NUMBER, _SAME_HIDDEN = _same_contact(True), _same_contact(False)


def _facts_and_same(same: Select[str]) -> Any:
    """The case facts with the same-contact lookup as one more row ("s": its id or NULL):
    an event's first look at its victim in one round trip instead of two."""
    found = select(
        literal("s"),
        same.scalar_subquery(),
        cast(null(), String()),
        cast(null(), Text()),
        cast(null(), UtcDateTime()),
        cast(null(), UtcDateTime()),
        cast(null(), UtcDateTime()),
        cast(null(), String()),
    )
    return union_all(*FACT_PARTS, found)


_FACTS_SAME_NUMBER, _FACTS_SAME_HIDDEN = (
    _facts_and_same(_SAME_NUMBER),
    _facts_and_same(_SAME_HIDDEN),
)
# Kinds of one family (a call the other side saw as missed, an SMS sent as MMS).
_ALIKE = {"call": "missed_call", "missed_call": "call", "sms": "mms", "mms": "sms"}


class SqlContacts:
    """The contact inbox in the `contact_events` table."""

    def __init__(
        self,
        session: Session,
        marked: Mapping[str, str | None] | None = None,
        cases: SqlCases | None = None,
    ) -> None:
        self.s = session
        # The unit of work's case facts, read along with the first same-contact lookup.
        self._cases = cases
        self._loaded: dict[str, ContactEvent] = {}
        # Events stored already marked judged in this transaction, with the victim stored.
        self._marked = marked or {}

    def pending_ids(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Oldest waiting events but `skip`; on PostgreSQL other workers skip the ones we
        hold.

        Whole rows are loaded and held, so `get_pending` then needs no query.
        """
        q = (
            select(ContactEvent)
            .where(ContactEvent.processed_at.is_(None))
            .order_by(ContactEvent.received_at)
            .limit(limit)
        )
        if skip:
            q = q.where(ContactEvent.id.not_in(list(skip)))
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        rows = list(self.s.scalars(q))
        # The session's identity map holds rows weakly: keep them for `get_pending`.
        self._loaded = {row.id: row for row in rows}
        return list(self._loaded)

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event, if it still waits."""
        row = self._loaded.pop(event_id, None) or self.s.get(ContactEvent, event_id)
        if row is None or row.processed_at is not None:
            return None
        return PendingContact(
            row.id,
            row.source,
            row.victim_id,
            row.victim_number if row.victim_number_sealed is not None else None,
            row.kind,
            row.number if row.number_sealed is not None else None,
            row.occurred_at,
            hidden=row.number_raw_sealed is None,
        )

    def victims_by_number(self, e164: str, at: datetime) -> list[str]:
        """Victims of some case who held `e164` at `at`."""
        q = (
            select(PersonPhone.person_id)
            .join(Case, Case.victim_id == PersonPhone.person_id)
            .where(
                PersonPhone.e164_index == crypto.ring().index(e164),
                or_(PersonPhone.valid_from.is_(None), PersonPhone.valid_from <= at),
                or_(PersonPhone.valid_to.is_(None), PersonPhone.valid_to > at),
            )
            .distinct()
        )
        return list(self.s.scalars(q))

    def find_same_contact(self, event: PendingContact, victim_id: str) -> str | None:
        """A judged event from the other source: same victim, number, kind family, ±60 s."""
        params = {
            "source": event.source,
            "victim_id": victim_id,
            "kind": event.kind,
            "kind_alike": _ALIKE.get(event.kind, event.kind),
            "since": event.occurred_at - SAME_CONTACT_WINDOW,
            "until": event.occurred_at + SAME_CONTACT_WINDOW,
        }
        if event.number is not None:
            params["number_index"] = crypto.ring().index(event.number)
        if self._cases is not None and not self._cases.knows(victim_id):
            q = _FACTS_SAME_HIDDEN if event.number is None else _FACTS_SAME_NUMBER
            rows = list(self.s.execute(q, params))
            self._cases.remember(victim_id, [r for r in rows if r[0] != "s"])
            found = next(r[1] for r in rows if r[0] == "s")
            return None if found is None else str(found)
        q = _SAME_HIDDEN if event.number is None else _SAME_NUMBER
        return self.s.scalars(q, params).first()

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Judged; remember the victim an operator's event resolved to."""
        if event_id in self._marked and corroborates is None:
            stored_victim = self._marked[event_id]
            if victim_id is None or stored_victim is not None:
                return  # stored as judged, and the victim kept is the one it holds
        self.s.execute(
            _MARK_PROCESSED,
            {"event_id": event_id, "at": at, "corroborates": corroborates, "victim_id": victim_id},
        )

    def mark_failed(self, event_id: str, at: datetime, error: str) -> None:
        """Set aside an event that cannot be judged."""
        self.s.execute(
            update(ContactEvent)
            .where(ContactEvent.id == event_id)
            .values(processed_at=at, error=error[:200])
        )
