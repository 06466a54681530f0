"""Cross-process push: one thread per process watches the alert timeline's head."""

from __future__ import annotations

import logging
from collections.abc import Callable

from jikimi.core.hub import AlertHub
from jikimi.core.looping import Looping

log = logging.getLogger(__name__)


class TimelineWatcher(Looping):
    """One thread per process looks at the alert timeline's head and wakes the SSE streams
    when it grew, e.g. through a worker in another process (`jikimi worker`)."""

    thread_name = "jikimi-watcher"

    def __init__(
        self,
        read: Callable[[], int],
        hub: AlertHub,
        period_s: float,
        known: Callable[[], int] = lambda: -1,
    ) -> None:
        """`known`: the position this process's streams have already read up to; a head
        that is no further along needs no wake-up (a change this process made itself)."""
        super().__init__()
        self.read, self.hub, self.period_s, self.known = read, hub, period_s, known

    def _loop(self) -> None:
        last = -1
        while not self._stop.is_set():
            try:
                seq = self.read()
                if last >= 0 and seq != last and seq > self.known():
                    self.hub.alerts_changed()
                last = seq
            except Exception:
                log.warning("timeline watcher could not read the database")
            self._stop.wait(self.period_s)
