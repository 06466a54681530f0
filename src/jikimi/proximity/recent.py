"""Each device's newest fixes, as the judge has seen them go by in the log.

A fix of the victim's phone is judged against the perpetrator's fresh position at the
fix's time (the anklet's newest fix at or before it, at most `victim_fix_max_age_s`, 300 s,
old), and an anklet's fix against the victim's. From the log that is a read for every
batch: anklet fixes through the time key (docs/proximity.md), which walks every anklet's
pings of five minutes, 3 million keys at 10,000 pings/s; phone fixes through their own
index, but for every victim with a phone at once (37 ms for 2,000 phones on SQLite).
The judge sees every fix go by anyway, so it keeps each device's newest few here and reads
the log only when these cannot answer for certain.

What is held is exact, not a guess. For each device there is a floor: every fix of it
logged up to the judge's position and recorded after the floor is held. The floor is the
newest time the log held when the memory was loaded (what came before is not held) and
rises to the time of each fix dropped to keep `per_device`. So the newest fix at or before
time t is certainly among those held when one of them lies in (floor, t]; and there is
certainly none fresh when the floor is older than t less the age limit. Otherwise (a fix
of the other side older than what is held reaches back to, or a memory loaded moments ago)
the judge reads the log.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from jikimi.ports import LoggedFix

_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # the floor of an empty log: nothing before it


class RecentFixes:
    """Each device's newest `per_device` fixes judged so far, oldest first."""

    def __init__(self, per_device: int = 32) -> None:
        self.per_device = per_device
        self.floor: datetime | None = None  # None: not loaded, nothing can be answered
        self._fixes: dict[str, list[LoggedFix]] = {}
        self._floors: dict[str, datetime] = {}  # raised by dropped fixes

    def reset(self, newest: datetime | None) -> None:
        """Start afresh: no fix in the log so far was recorded after `newest` (None: the
        log is empty). Every fix judged from here on is to be added."""
        self.floor = _EARLIEST if newest is None else newest
        self._fixes, self._floors = {}, {}

    def forget(self) -> None:
        """Hold nothing and answer nothing until the next `reset`."""
        self.floor = None
        self._fixes, self._floors = {}, {}

    def add(self, fixes: Iterable[LoggedFix]) -> None:
        """The fixes of a batch judged and committed."""
        if self.floor is None:
            return
        limit = self.per_device
        for f in fixes:
            held = self._fixes.get(f.device_id)
            if held is None:
                self._fixes[f.device_id] = [f]
                continue
            if f.recorded_at >= held[-1].recorded_at:
                held.append(f)  # the usual order
            else:
                bisect.insort(held, f, key=_recorded)
            if len(held) > limit:
                dropped = held.pop(0).recorded_at
                if dropped > self._floors.get(f.device_id, self.floor):
                    self._floors[f.device_id] = dropped

    def answers(
        self,
        device: str,
        first: datetime,
        max_age_s: float,
        batch: list[LoggedFix],
        oldest: datetime | None = None,
    ) -> list[LoggedFix] | None:
        """The device's fixes that can be its newest at most `max_age_s` old at or before
        some time from `first` on (held, and `batch`: its fixes in the batch being judged,
        not yet added): its newest at or before `first`, if fresh then, and every later
        one. None when the memory cannot be certain and only the log can say. `oldest`:
        `first` less `max_age_s`, when the caller asks for many devices at once."""
        if self.floor is None:
            return None
        floor = self._floors.get(device, self.floor)
        held = self._fixes.get(device, [])
        if held and not batch and held[-1].recorded_at <= first:
            # The usual question: nothing of it in the batch, nothing held after `first`;
            # the general answer below, without its lists.
            newest = held[-1]
            if oldest is None:
                oldest = first - timedelta(seconds=max_age_s)
            if not newest.recorded_at > floor and not floor < oldest:
                return None
            return [newest] if newest.recorded_at >= oldest else []
        i = bisect.bisect_right(held, first, key=_recorded)
        before = held[i - 1] if i else None
        out = held[i:]
        for f in batch:
            if f.recorded_at > first:
                out = [*out, f]
            elif before is None or f.recorded_at > before.recorded_at:
                before = f
        if oldest is None:
            oldest = first - timedelta(seconds=max_age_s)
        # Certain when nothing unheld can lie between the newest held at or before
        # `first` and `first`, or when all that is unheld is too old to be fresh.
        if not (before is not None and before.recorded_at > floor) and not floor < oldest:
            return None
        if before is not None and before.recorded_at >= oldest:
            out = [*out, before]
        return out


def _recorded(f: LoggedFix) -> datetime:
    return f.recorded_at
