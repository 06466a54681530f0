"""Judge a micro-batch of ping-zone pairs: numpy for every pair, Python only for the few
pairs near a zone, on course to one, or with an episode open."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from jikimi.alerts.rules import AlertKind
from jikimi.proximity.rules.geometry import Level, levels, offsets_m
from jikimi.proximity.rules.model import (
    Episode,
    EpisodeLevel,
    Key,
    PairBatch,
    Rules,
    TrackState,
    ZoneEvent,
    ZoneRole,
)
from jikimi.proximity.rules.motion import closing_s, eta_s, fit_velocity
from jikimi.proximity.rules.time_order import TimeOrdered, flat_fixes


def _kind(role: int, level: EpisodeLevel) -> AlertKind:
    if level is EpisodeLevel.WARNING:
        return AlertKind.PROXIMITY_WARNING
    return AlertKind.ENCOUNTER if role == ZoneRole.PERPETRATOR else AlertKind.PROXIMITY_VIOLATION


def evaluate(
    batch: PairBatch,
    states: Mapping[Key, TrackState],
    rules: Rules | None = None,
    *,
    quiet: bool = False,
) -> tuple[list[ZoneEvent], dict[Key, TrackState]]:
    """Judge a batch against the tracks' states; return events in time order and the new
    state of every track that had an in-order ping (the input mapping is not changed).

    In-order pings update their track's fixes and episodes: an episode starts (or rises
    from warning to violation) with one event, and ends with one `ended` event after
    rules.clear_fixes clearly-outside fixes in a row. A warning also starts when the
    track is on course to reach the radius within rules.eta_warn_s (address zones only:
    a moving victim is no fixed target), and holds while the track keeps closing in fast
    enough to reach it within twice that time, whatever its heading's side error. Late pings (t
    not after the track's newest fix) are judged alone: inside or warning gives an event
    marked late, at most one per track, zone and kind in a batch, and they change no state.

    `quiet` re-judges fixes that were judged once already (a judge rebuilding its states
    from the log): histories advance and episodes may end, but no episode opens or rises,
    so nothing is raised twice; if the first judging saw an episode the replay would open,
    the next fix inside opens it and raises (or grows) its alert, never losing it.
    """
    rules = rules or Rules()
    pi = batch.ping
    lat, lon, acc = batch.lat[pi], batch.lon[pi], batch.accuracy_m[pi]
    level = levels(lat, lon, batch.zone_lat, batch.zone_lon, acc, batch.radius_m, batch.warn_m)

    ordered = TimeOrdered(batch, states, rules.history_fixes)
    n = len(batch.track)
    ve = np.zeros(n)
    vn = np.zeros(n)
    moving = np.zeros(n, dtype=np.bool_)
    if ordered.rows.size:
        h = ordered.hist
        r = ordered.rows
        ve[r], vn[r], moving[r] = fit_velocity(
            h[:, :, 0], h[:, :, 1], h[:, :, 2], h[:, :, 3], rules
        )

    # Offsets only for the tracks that read them (near a zone, moving, or with an episode
    # open); every other pair is OUTSIDE and goes no further.
    near = moving.copy()
    near[pi[level > Level.OUTSIDE]] = True
    measured_tracks = {batch.track[i] for i in np.flatnonzero(near).tolist()} | ordered.open
    east, north, dist = (np.full(len(pi), np.inf) for _ in range(3))
    if measured_tracks:
        mask = np.fromiter((k in measured_tracks for k in batch.track), np.bool_, n)
        m = np.flatnonzero(mask[pi])
        east[m], north[m] = offsets_m(lat[m], lon[m], batch.zone_lat[m], batch.zone_lon[m])
        dist[m] = np.hypot(east[m], north[m])

    raise_eta = np.full(len(pi), np.inf)
    hold = np.zeros(len(pi), dtype=np.bool_)
    reach = np.hypot(ve, vn)[pi] * (2.0 * rules.eta_warn_s)
    cand = np.flatnonzero(
        moving[pi] & (batch.role == ZoneRole.ADDRESS) & (dist - batch.radius_m <= reach)
    )
    if cand.size:
        args = (east[cand], north[cand], ve[pi[cand]], vn[pi[cand]], batch.radius_m[cand])
        raise_eta[cand] = eta_s(*args, tolerance=rules.heading_tolerance)
        hold[cand] = closing_s(*args) <= 2 * rules.eta_warn_s
    raise_eta[raise_eta > rules.eta_warn_s] = np.inf

    # Only tracks near a zone, on course to one, or with an episode open go to Python.
    hot = np.zeros(n, dtype=np.bool_)
    hot[pi[(level > Level.OUTSIDE) | np.isfinite(raise_eta)]] = True
    hot_tracks = {batch.track[i] for i in np.flatnonzero(hot).tolist()} | ordered.open
    machine = _Machine(batch, states, rules, dist, acc, level, raise_eta, hold, ordered.late, quiet)
    if hot_tracks:
        track_hot = np.fromiter((k in hot_tracks for k in batch.track), np.bool_, n)
        pairs = np.flatnonzero(track_hot[pi])
        rank = np.empty(n, dtype=np.intp)
        rank[ordered.order] = np.arange(n)
        pairs = pairs[np.argsort(rank[pi[pairs]], kind="stable")]
        machine.run(pairs)
    # Episodes change only by in-order pings, so the tracks that moved are all that changed.
    out: dict[Key, TrackState] = {}
    for key in ordered.extended:
        # Unchanged episodes are shared with the old state: nothing mutates them.
        episodes: Mapping[Key, Episode] | None = machine.episodes.get(key)
        if episodes is None:
            episodes = _old_episodes(key, states)
        out[key] = TrackState(flat_fixes(ordered.running[key]), episodes)
    return machine.events, out


def _old_episodes(key: Key, states: Mapping[Key, TrackState]) -> Mapping[Key, Episode]:
    state = states.get(key)
    return state.episodes if state is not None else {}


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
        quiet: bool = False,
    ) -> None:
        self.b, self.states, self.rules, self.quiet = batch, states, rules, quiet
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

    def _clear_of(self, boundary: float) -> float:
        """The distance beyond which a fix's error circle is clearly outside boundary."""
        return boundary + max(self.rules.margin_m, self.rules.margin_frac * boundary)

    def _clear(
        self, level: EpisodeLevel, reach: float, radius: float, warn: float, hold: bool
    ) -> bool:
        """Whether a fix reaching reach (distance - accuracy) is clearly outside the
        boundary of an episode at this level."""
        if level is EpisodeLevel.VIOLATION:
            return reach > self._clear_of(radius)
        return (warn <= 0.0 or reach > self._clear_of(warn)) and not hold

    def run(self, pairs: npt.NDArray[np.intp]) -> None:
        """Advance the episodes by these pairs, in this (time) order."""
        b = self.b
        track, zone, ping = b.track, b.zone, b.ping
        rows = zip(
            pairs.tolist(),
            ping[pairs].tolist(),
            self.level[pairs].tolist(),
            self.dist[pairs].tolist(),
            self.acc[pairs].tolist(),
            b.radius_m[pairs].tolist(),
            b.warn_m[pairs].tolist(),
            np.isfinite(self.raise_eta[pairs]).tolist(),
            self.hold[pairs].tolist(),
            self.late[ping[pairs]].tolist(),
            strict=True,
        )
        for j, i, lvl, d, acc, radius, warn, eta, hold, late in rows:
            if lvl >= Level.POSSIBLY_INSIDE:
                target = EpisodeLevel.VIOLATION
            elif lvl == Level.WARNING or eta:
                target = EpisodeLevel.WARNING
            else:
                target = EpisodeLevel.NONE
            if late:
                if target and not self.quiet:
                    self._emit(j, target, late=True)
                continue
            key = track[i]
            eps = self.episodes.get(key)
            if eps is None:
                eps = self.episodes[key] = dict(_old_episodes(key, self.states))
            ep = eps.get(zone[j])
            if ep is None:
                if target and not self.quiet:
                    self._emit(j, target)
                    eps[zone[j]] = Episode(target, 0, target is EpisodeLevel.WARNING)
                continue
            # An unknown or negative accuracy can never prove the track gone.
            reach = d - acc if acc >= 0.0 else -math.inf
            self._step(j, eps, zone[j], ep, target, reach, radius, warn, hold)

    def _step(
        self,
        j: int,
        eps: dict[Key, Episode],
        zone: Key,
        ep: Episode,
        target: EpisodeLevel,
        reach: float,
        radius: float,
        warn: float,
        hold: bool,
    ) -> None:
        """Advance one open episode by one fix."""
        current, warned = ep.level, ep.warned
        if target > current and self.quiet:
            if ep.clear:  # not clear of it: the count of clear fixes starts again
                eps[zone] = Episode(current, 0, warned)
        elif target > current:
            self._emit(j, target)
            eps[zone] = Episode(target, 0, warned or target is EpisodeLevel.WARNING)
        elif not self._clear(current, reach, radius, warn, hold):
            if ep.clear:
                eps[zone] = Episode(current, 0, warned)
        elif ep.clear + 1 < self.rules.clear_fixes:
            eps[zone] = Episode(current, ep.clear + 1, warned)
        else:
            if current is EpisodeLevel.VIOLATION or warned:
                self._emit(j, current, ended=True)
            violation = current is EpisodeLevel.VIOLATION
            if violation and not self._clear(EpisodeLevel.WARNING, reach, radius, warn, hold):
                eps[zone] = Episode(EpisodeLevel.WARNING, 0, warned)
                return
            if violation and warned:
                self._emit(j, EpisodeLevel.WARNING, ended=True)
            del eps[zone]
