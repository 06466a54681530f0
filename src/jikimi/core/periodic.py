"""A task run every few seconds on a thread of its own (SQLite's WAL checkpoints)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from jikimi.core.looping import Looping

log = logging.getLogger(__name__)


class Periodic(Looping):
    """Runs `task` every `period_s` until stopped; a task that fails is logged (its name,
    no values) and tried again at the next period."""

    def __init__(self, task: Callable[[], object], period_s: float, name: str) -> None:
        super().__init__()
        self.task, self.period_s, self.thread_name = task, period_s, f"jikimi-{name}"

    def _loop(self) -> None:
        while not self._stop.wait(self.period_s):
            try:
                self.task()
            except Exception:
                log.warning("%s failed; trying again in %.1f s", self.thread_name, self.period_s)
