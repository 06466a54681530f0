"""The timeline watcher wakes streams for changes other processes made, not for our own;
a periodic task survives a failure."""

from __future__ import annotations

import threading

from jikimi.core.hub import AlertHub
from jikimi.core.periodic import Periodic
from jikimi.core.watcher import TimelineWatcher


def test_wakes_only_for_a_head_beyond_what_the_streams_have_read() -> None:
    hub = AlertHub()
    heads = [5, 5, 6, 7, 9]  # what the database's timeline head reads, pass by pass
    known = {"seq": 5}

    def read() -> int:
        seq = heads.pop(0)
        if not heads:
            watcher._stop.set()
        known["seq"] = 7 if seq == 7 else known["seq"]  # our own feed had read 7 already
        return seq

    watcher = TimelineWatcher(read, hub, period_s=0, known=lambda: known["seq"])
    watcher._loop()
    # 5 -> 5: no change; 6: beyond 5, wake; 7: read by our feed already, no wake; 9: wake.
    assert hub.generation() == 2


def test_a_periodic_task_that_fails_runs_again_at_the_next_period() -> None:
    calls: list[int] = []
    again = threading.Event()

    def task() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is restarting")
        again.set()

    loop = Periodic(task, 0.001, "test")
    loop.start()
    try:
        assert again.wait(10)
    finally:
        loop.stop()
    assert len(calls) >= 2
