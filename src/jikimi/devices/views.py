"""What the victim's phone is told: the orders protecting the victim and whether reports
flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import Case, Order
from jikimi.contacts.tables import ContactEvent
from jikimi.core.times import iso
from jikimi.devices.tables import Device


def device_status(
    s: Session, pack: StatutePack, device_id: str, stale: timedelta, backlog_age: timedelta | None
) -> dict[str, Any]:
    """What protects the phone's owner now, in plain words."""
    now = datetime.now(UTC)
    device = s.get(Device, device_id)
    assert device is not None
    case_ids = list(s.scalars(select(Case.id).where(Case.victim_id == device.person_id)))
    orders = []
    for o in s.scalars(select(Order).where(Order.case_id.in_(case_ids))):
        kind = pack.kinds.get(o.kind)
        if kind and OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).in_force_at(now):
            orders.append(
                {
                    "kind": o.kind,
                    "title": kind.title,
                    "ends_at": iso(o.ends_at),
                    "no_contact": kind.no_contact,
                    "distance_m": kind.distance_m,
                }
            )
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
    engine_late = backlog_age is not None and backlog_age > timedelta(seconds=60)
    phone_silent = last is None or now - last > stale
    live = bool(orders) and not engine_late and not phone_silent
    if not orders:
        message = "지금 효력 있는 보호조치가 없습니다. 담당 경찰관에게 문의하세요."
        message_en = "No protective order is in force now. Contact your officer."
    elif engine_late:
        message = "신고 처리가 지연되고 있습니다. 위급하면 112에 전화하세요."
        message_en = "Reports are delayed. In an emergency call 112."
    elif phone_silent:
        message = (
            "이 휴대전화의 신고가 한동안 경찰에 도착하지 않았습니다. 앱을 열어 연결을 확인하세요."
        )
        message_en = "No report from this phone has reached the police lately. Open the app."
    else:
        message = "보호 중입니다. 가해자의 연락은 자동으로 경찰에 신고됩니다."
        message_en = (
            "Monitoring is live. Contact from the perpetrator is reported to the police at once."
        )
    return {
        "orders": orders,
        "last_received_at": iso(last),
        "open_alerts": int(open_alerts),
        "monitoring": "live" if live else "degraded",
        "message": message,
        "message_en": message_en,
    }


def backlog_age(s: Session) -> timedelta | None:
    """How long the oldest unjudged event has waited, or None when none waits."""
    oldest = s.scalar(
        select(func.min(ContactEvent.received_at)).where(ContactEvent.processed_at.is_(None))
    )
    return None if oldest is None else datetime.now(UTC) - oldest
