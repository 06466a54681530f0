"""Storing incoming contact events durably and idempotently: the engine's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import bindparam, null, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jikimi.contacts.tables import ContactEvent
from jikimi.core import sealing as crypto
from jikimi.core.phones import normalise_reported
from jikimi.core.tables import new_id, table_of
from jikimi.devices.tables import Device
from jikimi.ports import PendingContact

# Reported numbers repeat (the victim's contacts, the perpetrator's numbers): parsing one
# costs more than the rest of storing its event. A pure function of its arguments, so a
# bounded memo is safe.
_normalise = lru_cache(maxsize=4096)(normalise_reported)


@dataclass(frozen=True)
class ContactIn:
    """A contact event as it arrived, its number already normalised (or None)."""

    ext_id: str
    kind: str
    number: str | None
    number_raw: str | None
    occurred_at: datetime
    text: str | None
    victim_number: str | None = None

    @classmethod
    def reported(
        cls,
        ext_id: str,
        kind: str,
        number: str | None,
        occurred_at: datetime,
        text: str | None,
        region: str,
        victim_number: str | None = None,
    ) -> ContactIn:
        """An event as a phone or operator reported it, its numbers normalised."""
        return cls(
            ext_id,
            kind,
            _normalise(number, region),
            number,
            occurred_at,
            text,
            _normalise(victim_number, region),
        )


_EVENTS = table_of(ContactEvent)
# Built once per dialect: SQLAlchemy reuses the compiled form. RETURNING tells whether the
# row was new on both backends (rowcount does not).
_INSERT = {
    "postgresql": postgresql.insert(_EVENTS)
    .on_conflict_do_nothing(index_elements=["source_key", "ext_id"])
    .returning(_EVENTS.c.id),
    "sqlite": sqlite.insert(_EVENTS)
    .on_conflict_do_nothing(index_elements=["source_key", "ext_id"])
    .returning(_EVENTS.c.id),
}
_TOUCH = (
    update(table_of(Device))
    .where(table_of(Device).c.id == bindparam("device_id"))
    .values(last_seen_at=bindparam("now"))
    .returning(table_of(Device).c.person_id)
)


_UNMARK = (
    update(_EVENTS)
    .where(_EVENTS.c.id.in_(bindparam("ids", expanding=True)))
    .values(processed_at=null())
)


@dataclass(frozen=True)
class Stored:
    """What one request stored: how many events were new, how many repeats, and the new
    ones as the engine judges them (`marked`: stored already marked judged)."""

    accepted: int
    duplicates: int
    pending: list[PendingContact]
    marked: bool = False


def store_contacts(
    s: Session,
    source: str,
    source_key: str,
    victim_id: str | None,
    events: list[ContactIn],
    *,
    mark_judged: bool = False,
) -> Stored:
    """Insert the events that are new for this source.

    `mark_judged`: the caller judges them in this same transaction, so they are stored
    already marked judged (saving an UPDATE each); a judge that fails must `unmark` them.
    """
    now = datetime.now(UTC)
    pending: list[PendingContact] = []
    seen: set[str] = set()
    ring = crypto.ring()
    for ev in events:
        if ev.ext_id in seen:
            continue
        seen.add(ev.ext_id)
        event_id = new_id()

        def seal(column: str, value: str | None, event_id: str = event_id) -> str | None:
            return ring.seal(value, f"contact_events.{column}:{event_id}")

        occurred_at = ev.occurred_at.astimezone(UTC)
        row = {
            "id": event_id,
            "source": source,
            "source_key": source_key,
            "ext_id": ev.ext_id,
            "victim_id": victim_id,
            "kind": ev.kind,
            "occurred_at": occurred_at,
            "received_at": now,
            # Sealed like the model's attributes (same associated data), with lookup indexes.
            "victim_number": seal("victim_number", ev.victim_number),
            "victim_number_index": ring.index(ev.victim_number) if ev.victim_number else None,
            "number": seal("number", ev.number),
            "number_index": ring.index(ev.number) if ev.number else None,
            # Blank means hidden; kept only when something was actually reported.
            "number_raw": seal(
                "number_raw", ev.number_raw if (ev.number_raw or "").strip() else None
            ),
            "text": seal("text", ev.text),
            "processed_at": now if mark_judged else None,
        }
        # RETURNING tells whether the row was new on both backends (rowcount does not).
        inserted = s.execute(_INSERT[s.get_bind().dialect.name], row).first()
        if inserted is not None:
            pending.append(
                PendingContact(
                    event_id,
                    source,
                    victim_id,
                    ev.victim_number,
                    ev.kind,
                    ev.number,
                    occurred_at,
                    hidden=row["number_raw"] is None,
                )
            )
    return Stored(len(pending), len(events) - len(pending), pending, mark_judged)


def unmark(s: Session, events: list[PendingContact]) -> None:
    """Put events stored marked judged back in the inbox (their judging failed)."""
    if events:
        s.execute(_UNMARK, {"ids": [e.id for e in events]})


def touch_device(s: Session, device_id: str, now: datetime | None = None) -> str | None:
    """Remember when the phone last reached us; return its person (None: no such phone)."""
    return s.execute(_TOUCH, {"device_id": device_id, "now": now or datetime.now(UTC)}).scalar()
