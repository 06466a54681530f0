"""The demo's moving city: anklets on perpetrators who wander, and now and then approach
a victim's home on foot or by car, with GPS noise; victims' phones report where they are.
Everything goes through the public API, signed, as the monitoring centre's feed and the
victims' phones would send it."""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from jikimi.client.signed import signed_json

M_PER_DEG = 111_320.0
FEED_EVERY_S = 2.0
PING_EVERY_S = 10.0  # each anklet reports this often


@dataclass
class Walker:
    """One perpetrator with an anklet, and where the anklet is heading."""

    serial: str
    home: tuple[float, float]  # the victim's home (the zone)
    lat: float
    lon: float
    target: tuple[float, float]
    speed: float  # m/s
    noise: float  # GPS sigma, metres
    linger: float = 0.0  # seconds left to stay put
    last_ping: float = field(default=0.0)


@dataclass
class Victim:
    """A victim's phone that shares the victim's position."""

    token: str
    key: str
    home: tuple[float, float]


def _offset(lat: float, lon: float, east: float, north: float) -> tuple[float, float]:
    return lat + north / M_PER_DEG, lon + east / (M_PER_DEG * math.cos(math.radians(lat)))


def _away(
    home: tuple[float, float], rng: random.Random, lo: float, hi: float
) -> tuple[float, float]:
    angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(lo, hi)
    return _offset(*home, dist * math.cos(angle), dist * math.sin(angle))


def seed_geo(
    http: httpx.Client, officer: str, cases: list[dict[str, Any]], rng: random.Random
) -> list[Walker]:
    """Approach bans, electronic monitoring and anklets for the given cases."""
    h = {"Authorization": f"Bearer {officer}"}
    start = datetime.now(UTC) - timedelta(days=1)
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=50)).isoformat()}
    walkers = []
    for i, case in enumerate(cases):
        stalking = case["offense"] in ("stalking", "dating_violence")
        ban = "stalking.provisional.2" if stalking else "dv.temporary.2"
        orders = [ban, "stalking.provisional.3-2"] if stalking else [ban]
        for kind in orders:
            http.post(
                f"/api/v1/cases/{case['id']}/orders", headers=h, json={"kind": kind, **window}
            ).raise_for_status()
        serial = f"EM-{20260 + i:06d}"
        http.post(
            f"/api/v1/cases/{case['id']}/devices",
            headers=h,
            json={"kind": "anklet", "serial": serial},
        ).raise_for_status()
        home = (case["lat"], case["lon"])
        lat, lon = _away(home, rng, 1500, 4000)
        walkers.append(
            Walker(serial, home, lat, lon, _away(home, rng, 1500, 4000), 1.4, rng.uniform(5, 30))
        )
    return walkers


def _step(w: Walker, dt: float, rng: random.Random, approaching: set[str]) -> None:
    """Move toward the target; at the target, linger, then pick the next one."""
    if w.linger > 0:
        w.linger -= dt
        return
    north = (w.target[0] - w.lat) * M_PER_DEG
    east = (w.target[1] - w.lon) * M_PER_DEG * math.cos(math.radians(w.lat))
    dist = math.hypot(east, north)
    move = w.speed * dt
    if dist > move:
        w.lat, w.lon = _offset(w.lat, w.lon, east / dist * move, north / dist * move)
        return
    w.lat, w.lon = w.target
    if w.serial in approaching:  # arrived near the victim's home: stay a while, then leave
        approaching.discard(w.serial)
        w.linger, w.speed = rng.uniform(30, 90), 1.4
        w.target = _away(w.home, rng, 1500, 3500)
    else:
        w.linger = rng.uniform(5, 30)
        w.target = _away(w.home, rng, 1500, 4000)


def simulate_movement(
    http: httpx.Client,
    walkers: list[Walker],
    victims: list[Victim],
    feed: tuple[str, str],
    stop: threading.Event,
    rng: random.Random,
) -> None:
    """Until stopped: every 2 s, move everyone and send the pings that are due; every
    ~90 s one perpetrator sets off toward the victim's home, on foot or by car."""
    approaching: set[str] = set()
    clock, next_approach, next_victims = 0.0, 20.0, 0.0
    for i, w in enumerate(walkers):
        w.last_ping = -PING_EVERY_S * i / max(1, len(walkers))  # staggered
    while not stop.wait(FEED_EVERY_S):
        clock += FEED_EVERY_S
        if clock >= next_approach and walkers:
            w = rng.choice([x for x in walkers if x.serial not in approaching] or walkers)
            driving = rng.random() < 0.5
            w.lat, w.lon = _away(w.home, rng, 2500 if driving else 700, 3000 if driving else 900)
            w.speed, w.linger = (rng.uniform(9, 14), 0.0) if driving else (1.4, 0.0)
            w.target = _offset(*w.home, rng.uniform(-40, 40), rng.uniform(-40, 40))
            approaching.add(w.serial)
            next_approach = clock + rng.uniform(80, 120)
        now = datetime.now(UTC)
        pings = []
        for w in walkers:
            _step(w, FEED_EVERY_S, rng, approaching)
            if clock - w.last_ping >= PING_EVERY_S:
                w.last_ping = clock
                lat, lon = _offset(w.lat, w.lon, rng.gauss(0, w.noise), rng.gauss(0, w.noise))
                pings.append(
                    {
                        "device": w.serial,
                        "lat": round(lat, 7),
                        "lon": round(lon, 7),
                        "accuracy_m": round(w.noise * 1.5, 1),
                        "recorded_at": now.isoformat(),
                    }
                )
        try:
            if pings:
                path = "/api/v1/feed/locations"
                body, headers = signed_json(*feed, path, {"pings": pings})
                http.post(path, content=body, headers=headers)
            if clock >= next_victims:
                next_victims = clock + 30
                for v in victims:
                    lat, lon = _offset(*v.home, rng.gauss(0, 15), rng.gauss(0, 15))
                    fix = {"lat": lat, "lon": lon, "accuracy_m": 15, "recorded_at": now.isoformat()}
                    path = "/api/v1/device/locations"
                    body, headers = signed_json(v.token, v.key, path, {"pings": [fix]})
                    http.post(path, content=body, headers=headers)
        except httpx.HTTPError:
            continue  # the server is stopping
