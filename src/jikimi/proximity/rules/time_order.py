"""A micro-batch's pings taken in time order: late ones marked, each track's recent fixes
extended, and each in-order ping's recent fixes as a row for the vectorised speed fit."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from jikimi.proximity.rules.model import Key, PairBatch, TrackState

_NAN_FIX = (math.nan, math.nan, math.nan, math.nan)


def _row(state: TrackState | None, k: int) -> list[float]:
    """A track's last k fixes as one flat row, NaN-padded in front."""
    if state is None:
        return [*_NAN_FIX * k]
    flat = state.flat
    if len(flat) == 4 * k:  # a track with its full history: the usual case
        return list(flat)
    flat = flat[-4 * k :]
    return [*_NAN_FIX * (k - len(flat) // 4), *flat]


def flat_fixes(row: list[float]) -> tuple[float, ...]:
    """The fixes of a flat row, padding dropped."""
    if row and row[0] == row[0]:  # no padding: the usual case
        return tuple(row)
    pad = 0
    while pad < len(row) and row[pad] != row[pad]:  # NaN: padding
        pad += 4
    return tuple(row[pad:])


class TimeOrdered:
    """The pings in time order: late ones marked, each track's fixes extended, and every
    in-order ping's recent fixes as a row for the vectorised speed fit."""

    def __init__(self, batch: PairBatch, states: Mapping[Key, TrackState], k: int) -> None:
        self.order = np.argsort(batch.t, kind="stable")
        self.late = np.zeros(len(batch.track), dtype=np.bool_)
        self.running: dict[Key, list[float]] = {}
        self.extended: set[Key] = set()  # tracks with an in-order ping
        self.open: set[Key] = set()  # tracks that came in with an episode open
        rows: list[int] = []
        flat: list[float] = []
        track, t = batch.track, batch.t.tolist()
        lat, lon, acc = batch.lat.tolist(), batch.lon.tolist(), batch.accuracy_m.tolist()
        running, late = self.running, self.late
        for i in self.order.tolist():
            key = track[i]
            row = running.get(key)
            if row is None:
                state = states.get(key)
                row = running[key] = _row(state, k)
                if state is not None and state.episodes:
                    self.open.add(key)
            ti, newest = t[i], row[-4]
            # The same instant again is a duplicate, not news: it must not move anything.
            if newest == newest and not ti > newest:
                late[i] = True
                continue
            row = row[4:]
            row += (ti, lat[i], lon[i], acc[i])
            running[key] = row
            self.extended.add(key)
            rows.append(i)
            flat.extend(row)
        self.rows = np.asarray(rows, dtype=np.intp)
        self.hist = np.fromiter(flat, np.float64, len(flat)).reshape(len(rows), k, 4)
