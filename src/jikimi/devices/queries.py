"""Read side of the victim's phone: the orders and safety measures protecting its owner
now, when its reports last arrived, the owner's open alerts, and how far judging is behind
(records; the phone's answer is rendered by devices/schemas.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.cases.orders import OrderKind, OrderWindow, StatutePack
from jikimi.cases.tables import Case, Order
from jikimi.contacts.tables import ContactEvent
from jikimi.devices.tables import Device
from jikimi.measures import repo as measures_repo


@dataclass(frozen=True, slots=True)
class PhoneStatus:
    """What protects a phone's owner at `now`, and whether the phone's reports flow."""

    now: datetime
    orders: list[tuple[Order, OrderKind]]  # in force at `now`
    last_received_at: datetime | None  # the phone's latest report or contact, if any
    open_alerts: int
    # (kind, end) of the safety measures in force at `now`, soonest ending first
    measures: list[tuple[str, datetime]] = field(default_factory=list)


def phone_status(s: Session, pack: StatutePack, device_id: str) -> PhoneStatus:
    """The phone's owner's orders and safety measures in force now, its latest report, the
    open alerts."""
    now = datetime.now(UTC)
    device = s.get(Device, device_id)
    assert device is not None
    case_ids = list(s.scalars(select(Case.id).where(Case.victim_id == device.person_id)))
    orders = []
    for o in s.scalars(select(Order).where(Order.case_id.in_(case_ids))):
        kind = pack.kinds.get(o.kind)
        if kind and OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).in_force_at(now):
            orders.append((o, kind))
    last = s.scalar(
        select(func.max(ContactEvent.received_at)).where(
            ContactEvent.source_key == f"phone:{device_id}"
        )
    )
    last = max([d for d in (last, device.last_seen_at) if d is not None], default=None)
    open_alerts = (
        s.scalar(
            select(func.count())
            .select_from(AlertRow)
            .where(AlertRow.case_id.in_(case_ids), AlertRow.status != "resolved")
        )
        or 0
    )
    measures = measures_repo.in_force(s, case_ids, now)
    return PhoneStatus(now, orders, last, int(open_alerts), measures)


def backlog_age(s: Session) -> timedelta | None:
    """How long the oldest unjudged event has waited, or None when none waits."""
    oldest = s.scalar(
        select(func.min(ContactEvent.received_at)).where(ContactEvent.processed_at.is_(None))
    )
    return None if oldest is None else datetime.now(UTC) - oldest
