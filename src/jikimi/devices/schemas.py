"""What the victim's phone is told: the orders protecting her and whether reports flow."""

from __future__ import annotations

from typing import Literal

from jikimi.http.schemas import Out


class StatusOrder(Out):
    """An order protecting the victim now."""

    kind: str
    title: str
    ends_at: str
    no_contact: bool
    distance_m: int | None


class DeviceStatus(Out):
    """What protects the phone's owner now."""

    orders: list[StatusOrder]
    last_received_at: str | None
    open_alerts: int
    monitoring: Literal["live", "degraded"]
    message: str
    message_en: str
