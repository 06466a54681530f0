"""Judging the position log against approach bans: one micro-batch, one transaction.

Each (case, device) is a track. His fixes are judged against the victim's places and her
own fresh position for every approach ban in force at the fix's time; her fixes against
his fresh position (an encounter). The pure rules (domain.proximity) decide; this turns
their events into alerts and keeps each track's state, all committed with the log
position, so a crash repeats a batch rather than losing or doubling it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from jikimi.domain.alerts import AlertKind, EscalationPolicy, Evidence
from jikimi.domain.proximity import (
    Key,
    PairBatch,
    Rules,
    TrackState,
    ZoneEvent,
    ZoneRole,
    evaluate,
    nearest_fresh_fix,
)
from jikimi.domain.watch import CaseGeo
from jikimi.engine.handlers import open_or_grow
from jikimi.engine.messages import JudgePositions
from jikimi.engine.ports import Clock, LoggedFix, UnitOfWork

ANKLET = "anklet"


@dataclass
class _Pairs:
    ping: list[int]
    zone: list[str]
    zone_lat: list[float]
    zone_lon: list[float]
    radius: list[float]
    warn: list[float]
    role: list[int]
    label: dict[str, str]

    def add(self, i: int, key: str, lat: float, lon: float, r: float, w: float, role: int) -> None:
        self.ping.append(i)
        self.zone.append(key)
        self.zone_lat.append(lat)
        self.zone_lon.append(lon)
        self.radius.append(r)
        self.warn.append(w)
        self.role.append(role)


def _epoch(at: datetime) -> float:
    return at.timestamp()


class _Moving:
    """One side's fixes per case, to find the other's fresh position at a given time."""

    def __init__(self, fixes: list[LoggedFix]) -> None:
        self.by_device: dict[str, list[LoggedFix]] = {}
        for f in sorted(fixes, key=lambda f: f.recorded_at):
            self.by_device.setdefault(f.device_id, []).append(f)
        self.times = {
            d: np.array([_epoch(f.recorded_at) for f in fs]) for d, fs in self.by_device.items()
        }

    def at(self, devices: tuple[str, ...], t: float, max_age_s: float) -> LoggedFix | None:
        """The newest fix of these devices at or before t, at most max_age_s old."""
        best: LoggedFix | None = None
        for d in devices:
            times = self.times.get(d)
            if times is None:
                continue
            j = int(nearest_fresh_fix(times, np.array([t]), max_age_s, after_ok=False)[0])
            if j >= 0 and (best is None or self.by_device[d][j].recorded_at > best.recorded_at):
                best = self.by_device[d][j]
        return best


def judge_positions(
    cmd: JudgePositions, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """One micro-batch of the log: pairs built, rules applied, alerts raised, state kept."""
    rules = cmd.rules
    changed: set[str] = set()
    with uow:
        position = uow.positions.cursor()
        fixes = uow.positions.after(position, cmd.limit)
        if not fixes:
            return changed
        devices = uow.positions.devices(sorted({f.device_id for f in fixes}))
        cases = uow.positions.cases(sorted({c for _, cs in devices.values() for c in cs}))
        first = min(f.recorded_at for f in fixes)
        start = first - timedelta(seconds=rules.victim_fix_max_age_s)
        end = max(f.recorded_at for f in fixes)
        # The other side's fixes, only where this batch needs them: her phone's for cases
        # with his fixes in it, his anklet's for cases with hers.
        others: set[str] = set()
        for kind, case_ids in devices.values():
            for case_id in case_ids:
                g = cases.get(case_id)
                if g is not None and g.bans:
                    others.update(g.victim_devices if kind == ANKLET else g.anklets)
        moving = _Moving(uow.positions.between(sorted(others), start, end))

        track: list[str] = []
        rows: list[LoggedFix] = []
        meta: list[tuple[str, bool]] = []  # (case id, is his fix)
        pairs = _Pairs([], [], [], [], [], [], [], {})
        # The radii of a case's bans hold for the whole batch unless a ban changes inside it.
        steady: dict[str, tuple[bool, tuple[float, float] | None]] = {}
        for f in fixes:
            kind, case_ids = devices.get(f.device_id, ("", []))
            for case_id in case_ids:
                g = cases.get(case_id)
                if g is None:
                    continue
                i = len(track)
                track.append(f"{case_id}:{f.device_id}")
                rows.append(f)
                meta.append((case_id, kind == ANKLET))
                if case_id not in steady:
                    fixed = not g.bans_change_between(first, end)
                    steady[case_id] = (fixed, g.radii_at(first) if fixed else None)
                fixed, radii = steady[case_id]
                if not fixed:
                    radii = g.radii_at(f.recorded_at)
                if radii is not None:
                    _pairs_for(pairs, i, f, g, kind == ANKLET, moving, rules, radii)
        if track:
            batch = PairBatch(
                track,
                np.array([f.lat for f in rows]),
                np.array([f.lon for f in rows]),
                np.array([f.accuracy_m for f in rows]),
                np.array([_epoch(f.recorded_at) for f in rows]),
                np.array(pairs.ping, dtype=np.intp),
                pairs.zone,
                np.array(pairs.zone_lat),
                np.array(pairs.zone_lon),
                np.array(pairs.radius),
                np.array(pairs.warn),
                np.array(pairs.role, dtype=np.int8),
            )
            saved = uow.positions.states(sorted(set(track)))
            states: dict[Key, TrackState] = {k: TrackState.from_json(v) for k, v in saved.items()}
            events, new_states = evaluate(batch, states, rules)
            if not uow.positions.still_at(position):
                return changed  # another judge took this batch: nothing written here
            for ev in events:
                case_id, his = meta[ev.ping]
                changed |= _apply(uow, case_id, his, rows[ev.ping], ev, pairs, clock, policy)
            uow.positions.save_states(
                {str(k): s.to_json() for k, s in new_states.items()}, clock.now()
            )
        elif not uow.positions.still_at(position):
            return changed
        uow.positions.move_cursor(fixes[-1].seq)
        uow.commit()
    return changed


def _pairs_for(
    pairs: _Pairs,
    i: int,
    f: LoggedFix,
    g: CaseGeo,
    his: bool,
    moving: _Moving,
    rules: Rules,
    radii: tuple[float, float],
) -> None:
    """The zones this fix is judged against, with the radii of the bans in force then."""
    radius, warn = radii
    t = _epoch(f.recorded_at)
    if his:
        for place in g.places:
            pairs.add(i, place.key, place.lat, place.lon, radius, warn, ZoneRole.ADDRESS)
            pairs.label[place.key] = place.label
        her = moving.at(g.victim_devices, t, rules.victim_fix_max_age_s)
        if her is not None:
            pairs.add(i, "victim", her.lat, her.lon, radius, warn, ZoneRole.VICTIM)
    else:
        him = moving.at(g.anklets, t, rules.victim_fix_max_age_s)
        if him is not None:
            pairs.add(i, "perpetrator", him.lat, him.lon, radius, 0.0, ZoneRole.PERPETRATOR)


def _apply(
    uow: UnitOfWork,
    case_id: str,
    his: bool,
    fix: LoggedFix,
    ev: ZoneEvent,
    pairs: _Pairs,
    clock: Clock,
    policy: EscalationPolicy,
) -> set[str]:
    """An episode's start raises (or grows) its alert; its end is noted on it."""
    zone = pairs.label.get(str(ev.zone), str(ev.zone))
    if ev.ended:
        alert = uow.alerts.find_unresolved(case_id, ev.kind.value)
        if alert is None:
            return set()
        detail: dict[str, object] = {"zone": zone, "at": fix.recorded_at.isoformat()}
        uow.alerts.record_change(alert.id, clock.now(), "episode_ended", None, detail)
        return {alert.id}
    evidence = Evidence(
        f"p{fix.seq}",
        "ping" if his else "victim_fix",
        None,
        fix.recorded_at.astimezone(UTC),
        ["feed" if his else "phone"],
        {
            "lat": ev.lat,
            "lon": ev.lon,
            "accuracy_m": ev.accuracy_m,
            "distance_m": round(ev.distance_m, 1),
            "zone": zone,
            "possibly_inside": ev.possibly_inside,
            "eta_s": None if ev.eta_s is None else round(ev.eta_s),
            "late": ev.late,
        },
    )
    return {open_or_grow(uow, case_id, AlertKind(ev.kind), evidence, clock, policy)}
