"""Repositories: the engine's ports over SQLAlchemy. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from jikimi.domain.contacts import CaseFacts, NumberSpan
from jikimi.domain.orders import OrderWindow, StatutePack
from jikimi.domain.risk import Tier
from jikimi.engine.ports import PendingContact
from jikimi.store import crypto
from jikimi.store import tables as t
from jikimi.store.risk_repo import effective_tier

SAME_CONTACT_WINDOW = timedelta(seconds=60)
_E = t.table_of(t.ContactEvent).c
_MARK_PROCESSED = (
    update(t.table_of(t.ContactEvent))
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
_C, _O, _P = t.table_of(t.Case).c, t.table_of(t.Order).c, t.table_of(t.PersonPhone).c
_R = t.table_of(t.RiskAssessmentRow).c
# The case's effective risk tier (override applied), as `effective_tier` reads it.
_TIER = (
    select(func.coalesce(_R.override_tier, _R.tier))
    .where(_R.case_id == _C.id)
    .order_by(_R.assessed_at.desc(), _R.id.desc())
    .limit(1)
    .scalar_subquery()
)
# A victim's cases in one round trip: a row per order ("o": kind, window, the case's tier)
# and a row per number of the perpetrator ("p": phone id, sealed number, validity).
_FACT_PARTS = (
    select(
        literal("o").label("part"),
        _C.id.label("case_id"),
        _O.kind.label("ref"),
        cast(null(), Text()).label("sealed"),
        _O.starts_at.label("t1"),
        _O.ends_at.label("t2"),
        _O.revoked_at.label("t3"),
        _TIER.label("tier"),
    )
    .select_from(t.table_of(t.Case).outerjoin(t.table_of(t.Order), _O.case_id == _C.id))
    .where(_C.victim_id == bindparam("victim_id")),
    select(
        literal("p"),
        _C.id,
        _P.id,
        _P.e164,
        _P.valid_from,
        _P.valid_to,
        cast(null(), t.UtcDateTime()),
        cast(null(), String()),
    )
    .select_from(
        t.table_of(t.Case).join(t.table_of(t.PersonPhone), _P.person_id == _C.perpetrator_id)
    )
    .where(_C.victim_id == bindparam("victim_id")),
)
_CASE_FACTS = union_all(*_FACT_PARTS)


def _facts_and_same(same: Select[str]) -> Any:
    """The case facts with the same-contact lookup as one more row ("s": its id or NULL):
    an event's first look at its victim in one round trip instead of two."""
    found = select(
        literal("s"),
        same.scalar_subquery(),
        cast(null(), String()),
        cast(null(), Text()),
        cast(null(), t.UtcDateTime()),
        cast(null(), t.UtcDateTime()),
        cast(null(), t.UtcDateTime()),
        cast(null(), String()),
    )
    return union_all(*_FACT_PARTS, found)


_FACTS_SAME_NUMBER, _FACTS_SAME_HIDDEN = (
    _facts_and_same(_SAME_NUMBER),
    _facts_and_same(_SAME_HIDDEN),
)
# Kinds of one family (a call the other side saw as missed, an SMS sent as MMS).
_ALIKE = {"call": "missed_call", "missed_call": "call", "sms": "mms", "mms": "sms"}


_LOCK_VICTIM = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


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
        self._held: dict[str, t.ContactEvent] = {}
        # Events stored already marked judged in this transaction, with the victim stored.
        self._marked = marked or {}

    def lock_victim(self, victim_id: str) -> None:
        """On PostgreSQL a transaction-scoped advisory lock per victim (SQLite has one
        writer at a time already). A deadlock between two batches is detected by the
        database; the loser's events stay pending for the worker."""
        if self.s.get_bind().dialect.name == "postgresql":
            self.s.execute(_LOCK_VICTIM, {"key": f"jikimi:victim:{victim_id}"})

    def pending_ids(self, limit: int) -> list[str]:
        """Oldest waiting events; on PostgreSQL other workers skip the ones we hold.

        Whole rows are loaded and held, so `get_pending` then needs no query.
        """
        q = (
            select(t.ContactEvent)
            .where(t.ContactEvent.processed_at.is_(None))
            .order_by(t.ContactEvent.received_at)
            .limit(limit)
        )
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        rows = list(self.s.scalars(q))
        # The session's identity map holds rows weakly: keep them for `get_pending`.
        self._held = {row.id: row for row in rows}
        return list(self._held)

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event, if it still waits."""
        row = self._held.pop(event_id, None) or self.s.get(t.ContactEvent, event_id)
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
            select(t.PersonPhone.person_id)
            .join(t.Case, t.Case.victim_id == t.PersonPhone.person_id)
            .where(
                t.PersonPhone.e164_index == crypto.ring().index(e164),
                or_(t.PersonPhone.valid_from.is_(None), t.PersonPhone.valid_from <= at),
                or_(t.PersonPhone.valid_to.is_(None), t.PersonPhone.valid_to > at),
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
            update(t.ContactEvent)
            .where(t.ContactEvent.id == event_id)
            .values(processed_at=at, error=error[:200])
        )


class SqlCases:
    """Case facts for the rules."""

    def __init__(self, session: Session, pack: StatutePack) -> None:
        self.s, self.pack = session, pack
        self._facts: dict[str, list[CaseFacts]] = {}
        self._tiers: dict[str, Tier | None] = {}

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Each case of this victim with its orders and the perpetrator's numbers (and,
        for `risk_tier`, each case's tier), in one query.

        Kept for the unit of work: a batch judges many events of the same victim.
        """
        if victim_id not in self._facts:
            self.remember(victim_id, self.s.execute(_CASE_FACTS, {"victim_id": victim_id}))
        return self._facts[victim_id]

    def knows(self, victim_id: str) -> bool:
        """Whether this victim's facts were read in this unit of work."""
        return victim_id in self._facts

    def remember(self, victim_id: str, rows: Iterable[Any]) -> None:
        """Keep the facts `_CASE_FACTS` read for this victim."""
        orders: dict[str, list[OrderWindow]] = {}
        numbers: dict[str, list[NumberSpan]] = {}
        ring = crypto.ring()
        for row, case_id, ref, sealed, t1, t2, t3, tier in rows:
            windows = orders.setdefault(case_id, [])
            spans = numbers.setdefault(case_id, [])
            if row == "o":
                self._tiers[case_id] = Tier(tier) if tier else None
                if ref is not None and ref in self.pack.kinds:
                    windows.append(OrderWindow(self.pack.get(ref), t1, t2, t3))
            else:
                # Opened as the model's attribute would (same associated data).
                e164 = ring.open(sealed, f"person_phones.e164:{ref}")
                assert e164 is not None
                spans.append(NumberSpan(e164, t1, t2))
        facts = [
            CaseFacts(case_id, tuple(windows), tuple(numbers[case_id]))
            for case_id, windows in sorted(orders.items())
        ]
        self._facts[victim_id] = facts

    def risk_tier(self, case_id: str) -> Tier | None:
        """The latest assessment's effective tier (override applied), or None; read with
        the case's facts when they were read in this unit of work."""
        if case_id in self._tiers:
            return self._tiers[case_id]
        return effective_tier(self.s, case_id)
