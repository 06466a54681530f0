"""Repositories: the engine's ports over SQLAlchemy. They never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from jikimi.domain.alerts import Alert, AlertKind, AlertStatus, Evidence, Outcome, Severity
from jikimi.domain.contacts import CaseFacts, NumberSpan
from jikimi.domain.orders import OrderWindow, StatutePack
from jikimi.engine.ports import PendingContact
from jikimi.store import crypto
from jikimi.store import tables as t

SAME_CONTACT_WINDOW = timedelta(seconds=60)
_FAMILY = {
    "call": ("call", "missed_call"),
    "missed_call": ("call", "missed_call"),
    "sms": ("sms", "mms"),
    "mms": ("sms", "mms"),
}


class SqlContacts:
    """The contact inbox in the `contact_events` table."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._held: dict[str, t.ContactEvent] = {}

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
        number_match = (
            t.ContactEvent.number_index.is_(None)
            if event.number is None
            else t.ContactEvent.number_index == crypto.ring().index(event.number)
        )
        q = (
            select(t.ContactEvent.id)
            .where(
                t.ContactEvent.source != event.source,
                or_(t.ContactEvent.victim_id == victim_id),
                number_match,
                t.ContactEvent.kind.in_(_FAMILY.get(event.kind, (event.kind,))),
                t.ContactEvent.occurred_at >= event.occurred_at - SAME_CONTACT_WINDOW,
                t.ContactEvent.occurred_at <= event.occurred_at + SAME_CONTACT_WINDOW,
                t.ContactEvent.processed_at.is_not(None),
                t.ContactEvent.corroborates.is_(None),
            )
            .order_by(t.ContactEvent.occurred_at)
            .limit(1)
        )
        return self.s.scalars(q).first()

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Judged; remember the victim an operator's event resolved to."""
        values: dict[str, object] = {"processed_at": at, "corroborates": corroborates}
        if victim_id is not None:
            values["victim_id"] = func.coalesce(t.ContactEvent.victim_id, victim_id)
        self.s.execute(
            update(t.ContactEvent)
            .where(t.ContactEvent.id == event_id)
            .values(**values)
            .execution_options(synchronize_session=False)
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

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Each case of this victim with its orders and the perpetrator's numbers.

        Kept for the unit of work: a batch judges many events of the same victim.
        """
        if victim_id in self._facts:
            return self._facts[victim_id]
        # Two plain queries (no ORM objects): the cases with their orders, and the
        # perpetrators' numbers.
        orders: dict[str, list[OrderWindow]] = {}
        for case_id, kind, starts_at, ends_at, revoked_at in self.s.execute(
            select(t.Case.id, t.Order.kind, t.Order.starts_at, t.Order.ends_at, t.Order.revoked_at)
            .outerjoin(t.Order, t.Order.case_id == t.Case.id)
            .where(t.Case.victim_id == victim_id)
            .order_by(t.Case.id)
        ):
            windows = orders.setdefault(case_id, [])
            if kind is not None and kind in self.pack.kinds:
                windows.append(OrderWindow(self.pack.get(kind), starts_at, ends_at, revoked_at))
        numbers: dict[str, list[NumberSpan]] = {case_id: [] for case_id in orders}
        ring = crypto.ring()
        for case_id, phone_id, sealed, valid_from, valid_to in self.s.execute(
            select(
                t.Case.id,
                t.PersonPhone.id,
                t.PersonPhone.e164_sealed,
                t.PersonPhone.valid_from,
                t.PersonPhone.valid_to,
            )
            .join(t.PersonPhone, t.PersonPhone.person_id == t.Case.perpetrator_id)
            .where(t.Case.victim_id == victim_id)
        ):
            # Opened as the model's attribute would (same associated data).
            e164 = ring.open(sealed, f"person_phones.e164:{phone_id}")
            assert e164 is not None
            numbers[case_id].append(NumberSpan(e164, valid_from, valid_to))
        facts = [
            CaseFacts(case_id, tuple(windows), tuple(numbers[case_id]))
            for case_id, windows in orders.items()
        ]
        self._facts[victim_id] = facts
        return facts


def _to_domain(row: t.AlertRow) -> Alert:
    return Alert(
        id=row.id,
        case_id=row.case_id,
        kind=AlertKind(row.kind),
        severity=Severity(row.severity),
        status=AlertStatus(row.status),
        opened_at=row.opened_at,
        first_at=row.first_at,
        last_at=row.last_at,
        count=row.count,
        escalation_level=row.escalation_level,
        next_escalation_at=row.next_escalation_at,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
        note=row.note,
    )


def _copy_into(row: t.AlertRow, a: Alert) -> None:
    row.severity, row.status, row.count = a.severity.value, a.status.value, a.count
    row.first_at, row.last_at, row.escalation_level = a.first_at, a.last_at, a.escalation_level
    row.next_escalation_at = a.next_escalation_at
    row.acknowledged_by, row.acknowledged_at = a.acknowledged_by, a.acknowledged_at
    row.resolved_by, row.resolved_at = a.resolved_by, a.resolved_at
    row.outcome, row.note = (a.outcome.value if a.outcome else None), a.note
    # One unresolved alert per (case, kind): the unique key is cleared on resolution.
    row.open_key = None if a.status is AlertStatus.RESOLVED else f"{a.case_id}:{a.kind.value}"


class SqlAlerts:
    """Alerts, evidence and the timeline."""

    def __init__(self, session: Session) -> None:
        self.s = session
        # Rows read in this unit of work, held so `save` finds them without a query (the
        # session's identity map holds them only weakly).
        self._rows: dict[str, t.AlertRow] = {}

    def _hold(self, row: t.AlertRow | None) -> t.AlertRow | None:
        if row is not None:
            self._rows[row.id] = row
        return row

    def _row(self, alert_id: str) -> t.AlertRow | None:
        q = select(t.AlertRow).where(t.AlertRow.id == alert_id)
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update()
        return self._hold(self.s.scalars(q).first())

    def get(self, alert_id: str) -> Alert | None:
        """One alert, locked for update on PostgreSQL."""
        row = self._row(alert_id)
        return _to_domain(row) if row else None

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """The alert that absorbs repeats, found by its unique open key."""
        q = select(t.AlertRow).where(t.AlertRow.open_key == f"{case_id}:{kind}")
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update()
        row = self._hold(self.s.scalars(q).first())
        return _to_domain(row) if row else None

    def add(self, alert: Alert) -> None:
        """A new alert row."""
        row = t.AlertRow(
            id=alert.id, case_id=alert.case_id, kind=alert.kind.value, opened_at=alert.opened_at
        )
        _copy_into(row, alert)
        self.s.add(row)
        self.s.flush()  # a second open alert for (case, kind) fails here, not at commit
        self._hold(row)

    def save(self, alert: Alert) -> None:
        """Write the alert's state back."""
        row = self._rows.get(alert.id) or self.s.get(t.AlertRow, alert.id)
        if row is None:
            raise LookupError(alert.id)
        _copy_into(row, alert)
        self.s.flush()

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event."""
        evidence_id = t.new_id()
        self.s.execute(
            insert(t.AlertEvidence).values(
                id=evidence_id,
                alert_id=alert_id,
                event_id=evidence.event_id,
                kind=evidence.kind,
                # Sealed as the model's attribute would be (same associated data).
                number_sealed=crypto.ring().seal(
                    evidence.number, f"alert_evidence.number:{evidence_id}"
                ),
                occurred_at=evidence.occurred_at,
                sources=list(evidence.sources),
                corroborated=False,
            )
        )

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Add a second source to the evidence of one event."""
        ids = []
        for ev in self.s.scalars(
            select(t.AlertEvidence).where(t.AlertEvidence.event_id == event_id)
        ):
            if source not in ev.sources:
                ev.sources = [*ev.sources, source]
                ev.corroborated = True
            ids.append(ev.alert_id)
        return ids

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the timeline."""
        self.s.execute(
            insert(t.AlertChange).values(
                alert_id=alert_id, at=at, action=action, actor=actor, detail=detail
            )
        )

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose escalation time has come."""
        q = (
            select(t.AlertRow)
            .where(
                t.AlertRow.status == AlertStatus.OPEN.value,
                t.AlertRow.next_escalation_at.is_not(None),
                t.AlertRow.next_escalation_at <= now,
            )
            .order_by(t.AlertRow.next_escalation_at)
            .limit(limit)
        )
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        return [_to_domain(r) for r in self.s.scalars(q) if self._hold(r)]
