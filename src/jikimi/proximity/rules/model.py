"""The shapes the proximity rules work on: rules, a micro-batch of ping-zone pairs, the
state each track carries between batches (text, persisted), and the events."""

from __future__ import annotations

import base64
import json
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from jikimi.alerts.rules import AlertKind

Key = str | int
"""An opaque identity: a track ("this device in this case") or a zone (an address id...)."""

Fix = tuple[float, float, float, float]
"""One position report: (t epoch seconds, lat, lon, accuracy_m)."""

STATE_VERSION = 2  # 1: fixes as JSON numbers (still read); 2: fixes as packed doubles


class ZoneRole(IntEnum):
    """What a zone is, which decides the event's kind."""

    ADDRESS = 0  # one of the victim's addresses: proximity_*
    VICTIM = 1  # the victim's own fresh position, for anklet pings: proximity_*
    PERPETRATOR = 2  # the perpetrator's fresh position, for phone fixes: encounter


class EpisodeLevel(IntEnum):
    """How far an episode has gone: it only rises by events and falls by clear fixes."""

    NONE = 0
    WARNING = 1
    VIOLATION = 2


@dataclass(frozen=True)
class Rules:
    """The knobs of the proximity rules (defaults are the issue's and our decisions).

    An episode at a boundary B (the radius for a violation, the warning radius for a
    warning) ends after `clear_fixes` consecutive fixes with distance - accuracy >
    B + max(margin_m, margin_frac * B): even the error circle lies beyond the margin.
    """

    eta_warn_s: float = 300.0
    margin_m: float = 50.0
    margin_frac: float = 0.5  # 150 m for a 100 m zone: bench/noise.py chose it
    clear_fixes: int = 2
    min_speed_mps: float = 1.0  # slower than this is standing about, or jitter
    max_speed_mps: float = 70.0  # faster than this is a bad fix, not a car
    speed_z: float = 4.0  # the speed must be this many standard errors above zero
    min_speed_fixes: int = 3  # two fixes cannot tell noise from motion
    max_fix_gap_s: float = 90.0  # a longer gap cuts the track: older fixes give no speed
    speed_window_s: float = 150.0  # speed and heading from the fixes of this last span
    history_fixes: int = 8  # fixes kept per track (the newest included)
    heading_tolerance: float = 0.15  # on course: passes within radius + this * distance
    victim_fix_max_age_s: float = 300.0

    def clear_boundary_m(self, boundary_m: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Distance beyond which a fix's error circle must lie to count as clearly outside."""
        b = np.asarray(boundary_m, dtype=np.float64)
        return np.asarray(b + np.maximum(self.margin_m, self.margin_frac * b), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class PairBatch:
    """N pings and P ping-zone pairs to judge in one go.

    Pings: track key, lat, lon (degrees), accuracy_m, t (epoch seconds) per ping.
    Pairs: the index of their ping, the zone's key, position (per pair, because the
    victim's own position depends on the ping's time), radius_m, warn_m (0: no warning
    ring) and role. Build pairs only for orders in force at the ping's t.
    """

    track: Sequence[Key]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    accuracy_m: npt.NDArray[np.float64]
    t: npt.NDArray[np.float64]
    ping: npt.NDArray[np.intp]
    zone: Sequence[Key]
    zone_lat: npt.NDArray[np.float64]
    zone_lon: npt.NDArray[np.float64]
    radius_m: npt.NDArray[np.float64]
    warn_m: npt.NDArray[np.float64]
    role: npt.NDArray[np.int8]

    def __post_init__(self) -> None:
        n, p = len(self.track), len(self.zone)
        for name in ("lat", "lon", "accuracy_m", "t"):
            arr = np.asarray(getattr(self, name), dtype=np.float64)
            if arr.shape != (n,):
                raise ValueError(f"{name} must have one value per ping ({n})")
            object.__setattr__(self, name, arr)
        for name, dtype in (
            ("ping", np.intp),
            ("zone_lat", np.float64),
            ("zone_lon", np.float64),
            ("radius_m", np.float64),
            ("warn_m", np.float64),
            ("role", np.int8),
        ):
            arr = np.asarray(getattr(self, name), dtype=dtype)
            if arr.shape != (p,):
                raise ValueError(f"{name} must have one value per pair ({p})")
            object.__setattr__(self, name, arr)
        if p and (self.ping.min() < 0 or self.ping.max() >= n):
            raise ValueError("a pair points at no ping")


@dataclass(frozen=True)
class ZoneEvent:
    """An episode started (or rose to a violation), or ended (`ended=True`, same kind)."""

    track: Key
    zone: Key
    role: ZoneRole
    kind: AlertKind  # proximity_violation, proximity_warning or encounter
    ping: int  # index of the ping in its batch
    distance_m: float
    accuracy_m: float
    possibly_inside: bool  # only the error circle reached in: say so in the alert
    eta_s: float | None  # on course to reach the radius in this many seconds
    lat: float
    lon: float
    t: float
    ended: bool = False
    late: bool = False  # judged alone: older than the track's newest fix


@dataclass(frozen=True)
class Episode:
    """One track's episode at one zone: its level, the clearly-outside fixes in a row,
    and whether a warning was raised in it (so its end can be noted)."""

    level: EpisodeLevel
    clear: int = 0
    warned: bool = False


@dataclass(frozen=True)
class TrackState:
    """What a track carries between batches: its newest fixes, flat and oldest first
    (t, lat, lon, accuracy_m, t, ...; flat because evaluate reads and writes them for
    every ping), and the episodes open at its zones. Late pings never change it."""

    flat: tuple[float, ...] = ()
    episodes: Mapping[Key, Episode] = field(default_factory=dict)

    @classmethod
    def of(
        cls, fixes: Sequence[Fix] = (), episodes: Mapping[Key, Episode] | None = None
    ) -> TrackState:
        """A state from fixes (oldest first) and episodes."""
        return cls(tuple(v for f in fixes for v in f), dict(episodes or {}))

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """The fixes, oldest first."""
        f = self.flat
        return tuple(zip(f[0::4], f[1::4], f[2::4], f[3::4], strict=True))

    @property
    def latest(self) -> Fix | None:
        """The newest fix: the track's position, never moved backwards by a late ping."""
        f = self.flat
        return (f[-4], f[-3], f[-2], f[-1]) if f else None

    def dumps(self) -> str:
        """The state as compact JSON text: the flat fixes packed as little-endian doubles
        in base64 (exact, an unknown accuracy kept as NaN; thousands of states are
        written every few seconds, and number by number JSON cost more than judging)."""
        flat = self.flat
        packed = base64.b64encode(struct.pack(f"<{len(flat)}d", *flat)).decode("ascii")
        eps = self.episodes
        episodes = (
            json.dumps([[k, int(e.level), e.clear, e.warned] for k, e in eps.items()])
            if eps
            else "[]"
        )
        return f'{{"v":{STATE_VERSION},"flat":"{packed}","episodes":{episodes}}}'

    @classmethod
    def loads(cls, text: str) -> TrackState:
        """The state `dumps` wrote, or a version 1 state (fixes as JSON numbers, an
        unknown accuracy as null); zone keys keep their type (str or int). Anything
        else is a ValueError."""
        try:
            data: Any = json.loads(text)
        except ValueError:
            raise ValueError("a broken track state (not JSON)") from None
        version = data.get("v") if isinstance(data, dict) else None
        if type(version) is not int or version not in (1, STATE_VERSION):
            raise ValueError(f"unknown track state version {version!r}")
        try:
            return cls(_flat(data, version), _episodes(data["episodes"]))
        except (KeyError, TypeError, ValueError) as exc:
            # Named by its kind only: the text may hold a position.
            raise ValueError(f"a broken track state ({type(exc).__name__})") from None


def _flat(data: dict[str, Any], version: int) -> tuple[float, ...]:
    """A stored state's fixes, flat."""
    if version == 1:
        return tuple(
            v
            for t, la, lo, acc in data["fixes"]
            for v in (float(t), float(la), float(lo), math.nan if acc is None else float(acc))
        )
    raw = base64.b64decode(data["flat"], validate=True)
    if len(raw) % 32:
        raise ValueError("a track state's fixes are not whole")
    return struct.unpack(f"<{len(raw) // 8}d", raw)


def _episodes(rows: list[Any]) -> dict[Key, Episode]:
    """A stored state's open episodes (zone keys str or int, as they were)."""
    out: dict[Key, Episode] = {}
    for k, level, clear, warned in rows:
        if type(k) not in (str, int) or type(warned) is not bool:
            raise ValueError("a broken track state (an episode)")
        out[k] = Episode(EpisodeLevel(level), int(clear), warned)
    return out
