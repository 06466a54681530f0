"""Judge a micro-batch of ping-zone pairs: numpy for every pair, Python only for the few
pairs near a zone, on course to one, or with an episode open."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from jikimi.domain.alerts import AlertKind
from jikimi.domain.proximity.geometry import Level, classify, offsets_m
from jikimi.domain.proximity.model import (
    Episode,
    EpisodeLevel,
    Fix,
    Key,
    PairBatch,
    Rules,
    TrackState,
    ZoneEvent,
    ZoneRole,
)
from jikimi.domain.proximity.motion import eta_s, fit_velocity

_NAN_FIX: Fix = (math.nan, math.nan, math.nan, math.nan)


def _kind(role: int, level: EpisodeLevel) -> AlertKind:
    if level is EpisodeLevel.WARNING:
        return AlertKind.PROXIMITY_WARNING
    return AlertKind.ENCOUNTER if role == ZoneRole.PERPETRATOR else AlertKind.PROXIMITY_VIOLATION


def _histories(
    batch: PairBatch, states: Mapping[Key, TrackState], rules: Rules
) -> tuple[list[int], npt.NDArray[np.bool_], dict[Key, list[Fix]], npt.NDArray[np.float64]]:
    """Walk the pings in time order: mark late ones, extend each track's fixes, and lay
    out every in-order ping's recent fixes as a row (for the vectorised speed fit)."""
    k = rules.history_fixes
    order = np.argsort(batch.t, kind="stable").tolist()
    late = np.zeros(len(batch.track), dtype=np.bool_)
    running: dict[Key, list[Fix]] = {}
    rows: list[int] = []
    flat: list[float] = []
    track, t, lat, lon, acc = (
        batch.track,
        batch.t.tolist(),
        batch.lat.tolist(),
        batch.lon.tolist(),
        batch.accuracy_m.tolist(),
    )
    for i in order:
        key = track[i]
        fixes = running.get(key)
        if fixes is None:
            state = states.get(key)
            fixes = list(state.fixes) if state is not None else []
            running[key] = fixes
        ti = t[i]
        # The same instant again is a duplicate, not news: it must not move anything.
        if fixes and not ti > fixes[-1][0]:
            late[i] = True
            continue
        fixes.append((ti, lat[i], lon[i], acc[i]))
        if len(fixes) > k:
            del fixes[0]
        rows.append(i)
        flat.extend(_NAN_FIX * (k - len(fixes)))
        for f in fixes:
            flat.extend(f)
    return rows, late, running, np.asarray(flat, dtype=np.float64).reshape(len(rows), k, 4)


def evaluate(
    batch: PairBatch, states: Mapping[Key, TrackState], rules: Rules | None = None
) -> tuple[list[ZoneEvent], dict[Key, TrackState]]:
    """Judge a batch against the tracks' states; return events in time order and the new
    state of every track that had an in-order ping (the input mapping is not changed).

    In-order pings update their track's fixes and episodes: an episode starts (or rises
    from warning to violation) with one event, and ends with one `ended` event after
    rules.clear_fixes clearly-outside fixes in a row. A warning also starts when the
    track is on course to reach the radius within rules.eta_warn_s (address zones only:
    a moving victim is no fixed target), and holds while it stays roughly on course
    (twice the tolerance and the time). Late pings (t not after the track's newest fix)
    are judged alone: inside or warning gives an event marked late, at most one per track,
    zone and kind in a batch, and they change no state.
    """
    rules = rules or Rules()
    pi = batch.ping
    east, north = offsets_m(batch.lat[pi], batch.lon[pi], batch.zone_lat, batch.zone_lon)
    dist = np.hypot(east, north)
    acc = batch.accuracy_m[pi]
    level = classify(dist, acc, batch.radius_m, batch.warn_m)

    rows, late, running, hist = _histories(batch, states, rules)
    n = len(batch.track)
    ve = np.zeros(n)
    vn = np.zeros(n)
    moving = np.zeros(n, dtype=np.bool_)
    if rows:
        r = np.asarray(rows, dtype=np.intp)
        ve[r], vn[r], moving[r] = fit_velocity(
            hist[:, :, 0], hist[:, :, 1], hist[:, :, 2], hist[:, :, 3], rules
        )

    raise_eta = np.full(len(pi), np.inf)
    hold = np.zeros(len(pi), dtype=np.bool_)
    reach = np.hypot(ve, vn)[pi] * (2.0 * rules.eta_warn_s)
    cand = np.flatnonzero(
        moving[pi] & (batch.role == ZoneRole.ADDRESS) & (dist - batch.radius_m <= reach)
    )
    if cand.size:
        args = (east[cand], north[cand], ve[pi[cand]], vn[pi[cand]], batch.radius_m[cand])
        raise_eta[cand] = eta_s(*args, tolerance=rules.heading_tolerance)
        hold[cand] = eta_s(*args, tolerance=2.0 * rules.heading_tolerance) <= 2 * rules.eta_warn_s
    raise_eta[raise_eta > rules.eta_warn_s] = np.inf

    hot_ping = np.zeros(n, dtype=np.bool_)
    np.logical_or.at(hot_ping, pi, (level > Level.OUTSIDE) | hold)
    hot_tracks = {batch.track[i] for i in np.flatnonzero(hot_ping).tolist()}
    hot_tracks.update(k for k in running if (s := states.get(k)) is not None and s.episodes)
    if not hot_tracks:
        return [], {k: TrackState(tuple(f), {}) for k, f in running.items() if _moved(k, f, states)}
    track_hot = np.fromiter((batch.track[i] in hot_tracks for i in range(n)), np.bool_, n)
    pairs = np.flatnonzero(track_hot[pi])
    rank = np.empty(n, dtype=np.intp)
    rank[np.argsort(batch.t, kind="stable")] = np.arange(n)
    pairs = pairs[np.argsort(rank[pi[pairs]], kind="stable")]

    machine = _Machine(batch, states, rules, dist, acc, level, raise_eta, hold, late)
    for j in pairs.tolist():
        machine.step(j)
    out = {
        k: TrackState(tuple(f), machine.episodes.get(k, _old_episodes(k, states)))
        for k, f in running.items()
        if _moved(k, f, states) or k in machine.episodes
    }
    return machine.events, out


def _old_episodes(key: Key, states: Mapping[Key, TrackState]) -> Mapping[Key, Episode]:
    state = states.get(key)
    return state.episodes if state is not None else {}


def _moved(key: Key, fixes: list[Fix], states: Mapping[Key, TrackState]) -> bool:
    state = states.get(key)
    return state is None or state.latest != (fixes[-1] if fixes else None)


class _Machine:
    """The per-pair state machine, run in time order over the pairs that matter."""

    def __init__(
        self,
        batch: PairBatch,
        states: Mapping[Key, TrackState],
        rules: Rules,
        dist: npt.NDArray[np.float64],
        acc: npt.NDArray[np.float64],
        level: npt.NDArray[np.int8],
        raise_eta: npt.NDArray[np.float64],
        hold: npt.NDArray[np.bool_],
        late: npt.NDArray[np.bool_],
    ) -> None:
        self.b, self.states, self.rules = batch, states, rules
        self.dist, self.acc, self.level = dist, acc, level
        self.raise_eta, self.hold, self.late = raise_eta, hold, late
        self.events: list[ZoneEvent] = []
        self.episodes: dict[Key, dict[Key, Episode]] = {}
        self._late_seen: set[tuple[Key, Key, AlertKind]] = set()

    def _emit(
        self, j: int, level: EpisodeLevel, *, ended: bool = False, late: bool = False
    ) -> None:
        b, i = self.b, int(self.b.ping[j])
        role = int(b.role[j])
        kind = _kind(role, level)
        eta = float(self.raise_eta[j])
        d, lvl = float(self.dist[j]), int(self.level[j])
        if late:
            seen = (b.track[i], b.zone[j], kind)
            if seen in self._late_seen:
                return
            self._late_seen.add(seen)
        self.events.append(
            ZoneEvent(
                track=b.track[i],
                zone=b.zone[j],
                role=ZoneRole(role),
                kind=kind,
                ping=i,
                distance_m=d,
                accuracy_m=float(b.accuracy_m[i]),
                possibly_inside=lvl == Level.POSSIBLY_INSIDE,
                eta_s=eta if math.isfinite(eta) and kind is AlertKind.PROXIMITY_WARNING else None,
                lat=float(b.lat[i]),
                lon=float(b.lon[i]),
                t=float(b.t[i]),
                ended=ended,
                late=late,
            )
        )

    def _clear(self, j: int, level: EpisodeLevel) -> bool:
        """Whether this fix is clearly outside the boundary of an episode at this level."""
        acc = float(self.acc[j])
        # An unknown or negative accuracy can never prove him gone.
        reach = self.dist[j] - (acc if acc >= 0.0 else math.inf)
        if level is EpisodeLevel.VIOLATION:
            return bool(reach > self.rules.clear_boundary_m(self.b.radius_m[j]))
        warn = float(self.b.warn_m[j])
        beyond = warn <= 0.0 or bool(reach > self.rules.clear_boundary_m(warn))
        return beyond and not self.hold[j]

    def step(self, j: int) -> None:
        """Advance the episode of pair j's track at pair j's zone by pair j's fix."""
        b = self.b
        key, zone, lvl = b.track[int(b.ping[j])], b.zone[j], int(self.level[j])
        if lvl >= Level.POSSIBLY_INSIDE:
            target = EpisodeLevel.VIOLATION
        elif lvl == Level.WARNING or math.isfinite(self.raise_eta[j]):
            target = EpisodeLevel.WARNING
        else:
            target = EpisodeLevel.NONE
        if self.late[b.ping[j]]:
            if target > EpisodeLevel.NONE:
                self._emit(j, target, late=True)
            return
        eps = self.episodes.get(key)
        if eps is None:
            eps = self.episodes[key] = dict(_old_episodes(key, self.states))
        ep = eps.get(zone)
        current = ep.level if ep is not None else EpisodeLevel.NONE
        warned = ep.warned if ep is not None else False
        if target > current:
            self._emit(j, target)
            eps[zone] = Episode(target, 0, warned or target is EpisodeLevel.WARNING)
        elif ep is None:
            return
        elif not self._clear(j, current):
            if ep.clear:
                eps[zone] = Episode(current, 0, warned)
        elif ep.clear + 1 < self.rules.clear_fixes:
            eps[zone] = Episode(current, ep.clear + 1, warned)
        else:
            if current is EpisodeLevel.VIOLATION or warned:
                self._emit(j, current, ended=True)
            if current is EpisodeLevel.VIOLATION and not self._clear(j, EpisodeLevel.WARNING):
                eps[zone] = Episode(EpisodeLevel.WARNING, 0, warned)
                return
            if current is EpisodeLevel.VIOLATION and warned:
                self._emit(j, EpisodeLevel.WARNING, ended=True)
            del eps[zone]
