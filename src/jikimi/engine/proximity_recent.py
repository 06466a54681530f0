"""His newest fixes, per anklet, as the judge has seen them in the log.

Her phone's fix is judged against his fresh position at her fix's time: his newest fix at
or before it, at most `victim_fix_max_age_s` (300 s) old. The log keys anklets' pings by
time (docs/proximity.md), so reading one anklet's last five minutes walks every anklet's
pings of those minutes: 3 million keys at 10,000 pings/s, for every batch with a fix of
hers. The judge sees every anklet fix go by anyway, so it keeps each anklet's newest few
here and reads the log only when these cannot answer for certain.

What is held is exact, not a guess. For each anklet there is a floor: every fix of his
logged up to the judge's position and recorded after the floor is held. The floor is the
newest time the log held when the memory was loaded (what came before is not held) and
rises to the time of each fix dropped to keep `per_device`. So the newest fix at or before
time t is certainly among those held when one of them lies in (floor, t]; and there is
certainly none fresh when the floor is older than t less the age limit. Otherwise (her fix
is older than what is held, or the memory was loaded moments ago) the judge reads the log.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from jikimi.engine.ports import LoggedFix

_DAWN = datetime(1, 1, 1, tzinfo=UTC)  # the floor of an empty log: nothing before it


class RecentFixes:
    """Each anklet's newest `per_device` fixes judged so far, oldest first."""

    def __init__(self, per_device: int = 32) -> None:
        self.per_device = per_device
        self.floor: datetime | None = None  # None: not loaded, nothing can be answered
        self._held: dict[str, list[LoggedFix]] = {}
        self._floors: dict[str, datetime] = {}  # raised by dropped fixes

    def reset(self, newest: datetime | None) -> None:
        """Start afresh: no fix in the log so far was recorded after `newest` (None: the
        log is empty). Every fix judged from here on is to be added."""
        self.floor = _DAWN if newest is None else newest
        self._held, self._floors = {}, {}

    def forget(self) -> None:
        """Hold nothing and answer nothing until the next `reset`."""
        self.floor = None
        self._held, self._floors = {}, {}

    def add(self, fixes: Iterable[LoggedFix]) -> None:
        """Anklet fixes of a batch judged and committed."""
        if self.floor is None:
            return
        limit = self.per_device
        for f in fixes:
            held = self._held.get(f.device_id)
            if held is None:
                self._held[f.device_id] = [f]
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
        self, device: str, first: datetime, max_age_s: float, batch: list[LoggedFix]
    ) -> list[LoggedFix] | None:
        """His fixes (held, and this batch's `batch` of his not yet added) that certainly
        include his newest at most `max_age_s` old at or before every time from `first`
        on; None when only the log can say."""
        if self.floor is None:
            return None
        floor = self._floors.get(device, self.floor)
        held = self._held.get(device, [])
        known = held + batch if batch else held
        if floor < first - timedelta(seconds=max_age_s) or any(
            floor < f.recorded_at <= first for f in known
        ):
            return known
        return None


def _recorded(f: LoggedFix) -> datetime:
    return f.recorded_at
