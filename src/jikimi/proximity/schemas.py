"""Positions, device-health events and the SOS (API.md "Location feed", "Events from the
victim's phone")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictStr, TypeAdapter
from typing_extensions import TypedDict

from jikimi.http.schemas import Moment, Out, Strict
from jikimi.ports import LoggedFix
from jikimi.proximity.rules.watch import Place

Lat = Field(ge=-90, le=90, allow_inf_nan=False)
Lon = Field(ge=-180, le=180, allow_inf_nan=False)
Accuracy = Field(ge=0, le=100_000, allow_inf_nan=False, description="error radius, metres")


class FixIn(Strict):
    """A position of the victim's phone."""

    lat: float = Lat
    lon: float = Lon
    accuracy_m: float = Accuracy
    recorded_at: Moment


class FixBatch(Strict):
    """The victim's own positions."""

    pings: list[FixIn] = Field(max_length=1000)


MAX_PINGS = 10_000


# TypedDicts, not models: the feed's body (up to 10,000 pings) is validated from its JSON
# bytes in one call to pydantic-core, with the same rules and messages as the models here,
# without building a Python object per ping.
class PingIn(TypedDict):
    """A position of an anklet, by the serial the monitoring centre uses."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]  # pydantic reads it
    device: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    lat: Annotated[float, Lat]
    lon: Annotated[float, Lon]
    accuracy_m: Annotated[float, Accuracy]
    recorded_at: Moment


class PingBatch(TypedDict):
    """Anklet positions from the monitoring centre's feed."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]  # pydantic reads it
    pings: Annotated[list[PingIn], Field(max_length=MAX_PINGS)]


PING_BATCH: TypeAdapter[PingBatch] = TypeAdapter(PingBatch)


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its `$defs` written in place (OpenAPI resolves `#` elsewhere)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out: dict[str, Any] = walk(schema)
    return out


# The route reads its body itself (see `proximity/pings.py`); this tells OpenAPI what it takes.
PING_BATCH_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inline(PING_BATCH.json_schema())}},
    }
}


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
    occurred_at: Moment


class DeviceEventBatch(Strict):
    """Device-health events from the feed."""

    events: list[DeviceEventIn] = Field(max_length=1000)


class SosIn(Strict):
    """The victim pressed the panic button."""

    lat: float = Lat
    lon: float = Lon
    accuracy_m: float = Accuracy
    occurred_at: Moment


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


def case_positions_json(
    places: Sequence[Place],
    victim_at: LoggedFix | None,
    radius_m: float | None,
    warn_m: float | None,
    perpetrator: list[LoggedFix],
    victim: list[LoggedFix],
) -> dict[str, Any]:
    """`CasePositions`: the zones in force (none without a radius: no ban in force now),
    the victim's fresh fix among them as a zone that moves, and both tracks."""
    zones: list[dict[str, Any]] = []
    if radius_m is not None:
        ring = {"radius_m": radius_m, "warn_m": warn_m}
        zones = [
            {"key": z.key, "label": z.label, "lat": z.lat, "lon": z.lon} | ring for z in places
        ]
        if victim_at is not None:
            zones.append(
                {"key": "victim", "label": "victim", "lat": victim_at.lat, "lon": victim_at.lon}
                | ring
            )
    return {"zones": zones, "perpetrator": _track(perpetrator), "victim": _track(victim)}


def _track(fixes: list[LoggedFix]) -> dict[str, Any]:
    return {
        "track": [
            {"lat": f.lat, "lon": f.lon, "accuracy_m": f.accuracy_m, "recorded_at": f.recorded_at}
            for f in fixes
        ]
    }
