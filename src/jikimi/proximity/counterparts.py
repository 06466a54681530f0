"""The other side's fixes in a batch, per device, to find each fix's fresh counterpart:
the victim's newest fix at or before the time of the perpetrator's (the victim as a
moving zone), and the perpetrator's at or before the victim's (an encounter)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from jikimi.ports import LoggedFix
from jikimi.proximity.rules import nearest_fresh_fix


def _recorded(f: LoggedFix) -> datetime:
    return f.recorded_at


class Counterparts:
    """One side's fixes per device, to find the other's fresh position at given times."""

    def __init__(self, fixes: list[LoggedFix]) -> None:
        by_device: dict[str, list[LoggedFix]] = {}
        for f in fixes:
            held = by_device.get(f.device_id)
            if held is None:
                by_device[f.device_id] = [f]
            else:
                held.append(f)
        for d, held in by_device.items():
            if len(held) > 1:  # oldest first (a stable sort: equal times keep their order)
                by_device[d] = sorted(held, key=_recorded)
        self.by_device = by_device
        self._times: dict[str, npt.NDArray[np.float64]] = {}  # built when first needed
        self._newest: dict[str, float] = {}  # each device's newest fix, epoch seconds

    def at_one(self, devices: tuple[str, ...], x: float, max_age_s: float) -> LoggedFix | None:
        """`at` for one time: what a batch with one fix of a device asks, in most batches
        of every device (a list and an array per call cost more than the answer)."""
        best: LoggedFix | None = None
        for d in devices:
            fixes = self.by_device.get(d)
            if not fixes:
                continue
            at = self._newest.get(d)
            if at is None:
                at = self._newest[d] = fixes[-1].recorded_at.timestamp()
            if at <= x:
                found = fixes[-1] if x - at <= max_age_s else None
            else:
                found = self.at((d,), [x], max_age_s)[0]
            if found is not None and (best is None or found.recorded_at > best.recorded_at):
                best = found
        return best

    def at(
        self, devices: tuple[str, ...], t: list[float], max_age_s: float
    ) -> list[LoggedFix | None]:
        """For each time, the newest fix of these devices at or before it, at most
        max_age_s old (None where there is none)."""
        best: list[LoggedFix | None] = [None] * len(t)
        first = min(t, default=0.0)
        for d in devices:
            fixes = self.by_device.get(d)
            if not fixes:
                continue
            newest = fixes[-1]
            at = newest.recorded_at.timestamp()
            if at <= first:
                # The usual case: the device's newest fix came before all these times, so
                # it is the newest at or before each; fresh where young enough.
                found: list[LoggedFix | None] = [newest if x - at <= max_age_s else None for x in t]
            else:
                times = self._times.get(d)
                if times is None:
                    times = self._times[d] = np.array([f.recorded_at.timestamp() for f in fixes])
                idx = nearest_fresh_fix(times, np.asarray(t), max_age_s, after_ok=False)
                found = [fixes[j] if j >= 0 else None for j in idx.tolist()]
            for k, f in enumerate(found):
                if f is not None:
                    b = best[k]
                    if b is None or f.recorded_at > b.recorded_at:
                        best[k] = f
        return best
