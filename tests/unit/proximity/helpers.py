"""Builders for proximity tests: a zone in Seoul, fixes placed in metres from it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from jikimi.proximity.rules import (
    Key,
    PairBatch,
    Rules,
    TrackState,
    ZoneEvent,
    ZoneRole,
    evaluate,
)
from jikimi.proximity.rules.geometry import WGS84_A, WGS84_E2

HOME = (37.5665, 126.9780)  # Seoul City Hall


def at(east: float, north: float, origin: tuple[float, float] = HOME) -> tuple[float, float]:
    """The point east/north metres from origin (local radii: exact enough for tests)."""
    lat0, lon0 = origin
    s = math.sin(math.radians(lat0))
    w = 1 - WGS84_E2 * s * s
    m = WGS84_A * (1 - WGS84_E2) / w**1.5
    n = WGS84_A / math.sqrt(w)
    return (
        lat0 + math.degrees(north / m),
        lon0 + math.degrees(east / (n * math.cos(math.radians(lat0)))),
    )


def batch(
    pings: Sequence[tuple[Key, float, float, float, float]],
    zones: Sequence[tuple[Key, float, float, float, float, int]] = (
        ("home", *HOME, 100.0, 1000.0, ZoneRole.ADDRESS),
    ),
) -> PairBatch:
    """Pings (track, t, east, north, accuracy) each paired with every zone
    (key, lat, lon, radius, warn, role)."""
    track, lat, lon, acc, t = [], [], [], [], []
    ping, zone, zlat, zlon, radius, warn, role = [], [], [], [], [], [], []
    for i, (key, ti, east, north, a) in enumerate(pings):
        la, lo = at(east, north)
        track.append(key)
        lat.append(la)
        lon.append(lo)
        acc.append(a)
        t.append(ti)
        for zk, zla, zlo, r, w, ro in zones:
            ping.append(i)
            zone.append(zk)
            zlat.append(zla)
            zlon.append(zlo)
            radius.append(r)
            warn.append(w)
            role.append(ro)
    return PairBatch(
        track=track,
        lat=np.array(lat),
        lon=np.array(lon),
        accuracy_m=np.array(acc),
        t=np.array(t),
        ping=np.array(ping, dtype=np.intp),
        zone=zone,
        zone_lat=np.array(zlat),
        zone_lon=np.array(zlon),
        radius_m=np.array(radius),
        warn_m=np.array(warn),
        role=np.array(role, dtype=np.int8),
    )


def run(
    pings: Sequence[tuple[Key, float, float, float, float]],
    *,
    per_batch: int = 1,
    states: dict[Key, TrackState] | None = None,
    rules: Rules | None = None,
    zones: Sequence[tuple[Key, float, float, float, float, int]] | None = None,
) -> tuple[list[ZoneEvent], dict[Key, TrackState]]:
    """Feed pings through evaluate in batches of per_batch, carrying the states."""
    states = dict(states or {})
    events: list[ZoneEvent] = []
    for start in range(0, len(pings), per_batch):
        chunk = pings[start : start + per_batch]
        b = batch(chunk) if zones is None else batch(chunk, zones)
        got, new = evaluate(b, states, rules)
        events.extend(got)
        states.update(new)
    return events, states


def kinds(events: Sequence[ZoneEvent]) -> list[str]:
    """Events as short strings: 'proximity_violation', 'proximity_violation ended'..."""
    return [
        f"{e.kind.value}{' ended' if e.ended else ''}{' late' if e.late else ''}" for e in events
    ]
