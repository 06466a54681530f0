"""What the victim's phone is told: the orders protecting her and whether reports flow."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from jikimi.core.times import iso
from jikimi.http.schemas import Out

if TYPE_CHECKING:
    from jikimi.devices.queries import PhoneStatus


class StatusOrder(Out):
    """An order protecting the victim now."""

    kind: str
    title: str
    ends_at: str
    no_contact: bool
    distance_m: int | None


class StatusMeasure(Out):
    """A safety measure in force for the victim now."""

    kind: str
    ends_at: str


class DeviceStatus(Out):
    """What protects the phone's owner now."""

    orders: list[StatusOrder]
    safety_measures: list[StatusMeasure]
    last_received_at: str | None
    open_alerts: int
    monitoring: Literal["live", "degraded"]
    message: str
    message_en: str


def device_status_json(
    status: PhoneStatus, stale: timedelta, backlog_age: timedelta | None
) -> dict[str, Any]:
    """`DeviceStatus`, in plain words: live only with an order in force, judging not
    behind (a minute at most) and a report from the phone within `stale`."""
    now, last = status.now, status.last_received_at
    orders = [
        {
            "kind": o.kind,
            "title": kind.title,
            "ends_at": iso(o.ends_at),
            "no_contact": kind.no_contact,
            "distance_m": kind.distance_m,
        }
        for o, kind in status.orders
    ]
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
        "safety_measures": [{"kind": k, "ends_at": iso(end)} for k, end in status.measures],
        "last_received_at": iso(last),
        "open_alerts": status.open_alerts,
        "monitoring": "live" if live else "degraded",
        "message": message,
        "message_en": message_en,
    }
