"""Positions, device-health events and the SOS (API.md "Location feed", "Events from the
victim's phone")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field, StrictStr

from jikimi.api.schemas.base import Out, Strict

Lat = Field(ge=-90, le=90, allow_inf_nan=False)
Lon = Field(ge=-180, le=180, allow_inf_nan=False)
Accuracy = Field(ge=0, le=100_000, allow_inf_nan=False, description="error radius, metres")


class FixIn(Strict):
    """A position of the victim's phone."""

    lat: float = Lat
    lon: float = Lon
    accuracy_m: float = Accuracy
    recorded_at: AwareDatetime


class FixBatch(Strict):
    """The victim's own positions."""

    pings: list[FixIn] = Field(max_length=1000)


class PingIn(FixIn):
    """A position of an anklet, by the serial the monitoring centre uses."""

    device: StrictStr = Field(min_length=1, max_length=100)


class PingBatch(Strict):
    """Anklet positions from the monitoring centre's feed."""

    pings: list[PingIn] = Field(max_length=10_000)


class PingsAccepted(Out):
    """What was stored (a 202 means durable); `unknown`: pings of serials bound to no case,
    which are not kept."""

    accepted: int
    duplicates: int
    unknown: int = 0


DeviceEventKind = Literal[
    "strap_tamper", "battery_low", "charging", "signal_lost", "signal_restored"
]


class DeviceEventIn(Strict):
    """Something the anklet reported about itself."""

    device: StrictStr = Field(min_length=1, max_length=100)
    kind: DeviceEventKind
    occurred_at: AwareDatetime


class DeviceEventBatch(Strict):
    """Device-health events from the feed."""

    events: list[DeviceEventIn] = Field(max_length=1000)


class SosIn(Strict):
    """The victim pressed the panic button."""

    lat: float = Lat
    lon: float = Lon
    accuracy_m: float = Accuracy
    occurred_at: AwareDatetime


class PositionRead(Out):
    """One fix."""

    lat: float
    lon: float
    accuracy_m: float
    recorded_at: datetime


class ZoneRead(Out):
    """A place the perpetrator must keep away from, now."""

    key: str
    label: str
    lat: float
    lon: float
    radius_m: float
    warn_m: float


class Track(Out):
    """Recent fixes, oldest first."""

    track: list[PositionRead]


class CasePositions(Out):
    """The case's zones and recent tracks."""

    zones: list[ZoneRead]
    perpetrator: Track
    victim: Track
