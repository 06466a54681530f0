"""SQLite's writer queue: the engine's writers (alerts) go before ingest's."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from jikimi.bootstrap import build
from jikimi.core.db import URGENT
from jikimi.core.settings import Settings
from jikimi.core.writers import FileLock, WriterQueue


def _wait_for(cond: object, what: str) -> None:
    deadline = time.monotonic() + 5
    while not cond():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.001)


def _writer(q: WriterQueue, order: list[str], name: str, urgent: bool) -> threading.Thread:
    """A thread that takes the lock, notes its name and lets go."""

    def write() -> None:
        assert q.acquire(urgent, 5)
        order.append(name)
        q.release()

    return threading.Thread(target=write)


def test_an_urgent_writer_goes_before_writers_that_came_earlier() -> None:
    q = WriterQueue()
    assert q.acquire(False, 1)
    order: list[str] = []
    ingest = [_writer(q, order, f"ingest{i}", False) for i in range(3)]
    for th in ingest:
        th.start()
    _wait_for(lambda: q.waiting == 3, "three ingest writers waiting")
    judge = _writer(q, order, "judge", True)
    judge.start()
    _wait_for(lambda: q.waiting == 4, "the judge waiting too")
    q.release()
    for th in [*ingest, judge]:
        th.join(5)
    assert order[0] == "judge"
    assert sorted(order[1:]) == ["ingest0", "ingest1", "ingest2"]


def test_a_writer_that_cannot_get_in_gives_up_and_holds_nothing() -> None:
    q = WriterQueue()
    assert q.acquire(False, 1)
    assert not q.acquire(True, 0.01)
    assert not q.acquire(False, 0.01)
    q.release()
    assert q.acquire(False, 0.01)  # the urgent one that gave up blocks no one


def test_the_engines_units_of_work_write_in_the_fast_lane_and_requests_do_not(
    tmp_path: Path,
) -> None:
    c = build(Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", worker=False))
    try:
        with c.bus.uow_factory() as uow:
            conn = uow.session.connection()  # type: ignore[attr-defined]
            assert conn.get_execution_options().get(URGENT) is True
        with c.sessions() as s:
            assert not s.connection().get_execution_options().get(URGENT)
    finally:
        c.close()


def test_the_fast_lane_never_goes_twice_in_a_row_while_others_wait() -> None:
    q = WriterQueue()
    assert q.acquire(True, 1)  # the judge writes
    order: list[str] = []
    ingest = _writer(q, order, "ingest", False)
    ingest.start()
    _wait_for(lambda: q.waiting == 1, "ingest waiting")
    judge = _writer(q, order, "judge again", True)
    judge.start()
    _wait_for(lambda: q.waiting == 2, "the judge waiting again")
    q.release()
    for th in (ingest, judge):
        th.join(5)
    assert order == ["ingest", "judge again"]


def test_the_file_lock_excludes_another_holder_and_gives_up_at_its_timeout(
    tmp_path: Path,
) -> None:
    """Each FileLock is another process's hold on the file: one at a time, and a waiter
    that cannot have it within its timeout says so (the request then answers 503)."""
    mine, other = FileLock(tmp_path / "db-lock"), FileLock(tmp_path / "db-lock")
    assert mine.acquire(timeout=1)
    assert not other.acquire(timeout=0.05)
    mine.release()
    assert other.acquire(timeout=1)
    other.release()
