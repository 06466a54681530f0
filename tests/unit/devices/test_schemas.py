"""The phone's status in plain words, from its record (devices/schemas.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jikimi.cases.orders import OrderKind
from jikimi.cases.tables import Order
from jikimi.devices.queries import PhoneStatus
from jikimi.devices.schemas import DeviceStatus, device_status_json

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STALE = timedelta(hours=1)
BAN = OrderKind("approach_ban", "§ 55-4", "접근금지", no_contact=True, distance_m=100)


def _status(*, orders: bool = True, heard: timedelta | None = timedelta(minutes=5)) -> PhoneStatus:
    order = Order(kind=BAN.kind, ends_at=NOW + timedelta(days=30))
    last = None if heard is None else NOW - heard
    return PhoneStatus(NOW, [(order, BAN)] if orders else [], last, 2)


def test_an_order_in_force_a_recent_report_and_no_backlog_is_live() -> None:
    out = device_status_json(_status(), STALE, None)
    DeviceStatus.model_validate(out)
    assert out["monitoring"] == "live"
    assert out["open_alerts"] == 2
    assert out["orders"] == [
        {
            "kind": "approach_ban",
            "title": "접근금지",
            "ends_at": "2026-03-31T12:00:00Z",
            "no_contact": True,
            "distance_m": 100,
        }
    ]
    assert out["last_received_at"] == "2026-03-01T11:55:00Z"
    assert out["safety_measures"] == []


def test_the_safety_measures_in_force_are_listed_by_kind_and_end() -> None:
    status = _status()
    ends = NOW + timedelta(days=20)
    status = PhoneStatus(NOW, status.orders, status.last_received_at, 0, [("smartwatch", ends)])
    out = device_status_json(status, STALE, None)
    DeviceStatus.model_validate(out)
    assert out["safety_measures"] == [{"kind": "smartwatch", "ends_at": "2026-03-21T12:00:00Z"}]


@pytest.mark.parametrize(
    ("status", "backlog", "says"),
    [
        (_status(orders=False), None, "No protective order is in force now."),
        (_status(), timedelta(minutes=2), "Reports are delayed."),
        (_status(heard=timedelta(hours=2)), None, "No report from this phone"),
        (_status(heard=None), timedelta(seconds=30), "No report from this phone"),
    ],
)
def test_what_degrades_monitoring_is_said_first(
    status: PhoneStatus, backlog: timedelta | None, says: str
) -> None:
    out = device_status_json(status, STALE, backlog)
    assert out["monitoring"] == "degraded"
    assert out["message_en"].startswith(says)
    assert out["message"]
