"""SQLite's writers take turns on the writer engine's one connection: never in SQLite's
busy handler, also when a transaction ends on another thread than the one that began it
(FastAPI does this); a writer kept waiting too long is told the database is busy."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from jikimi.core.db import WriterPool, make_engine, unavailable


def _opened(engine: Any) -> list[int]:
    """A list that grows by one each time `engine` opens a connection."""
    opened: list[int] = []

    @event.listens_for(engine, "connect")
    def _count(_dbapi_conn: Any, _record: Any) -> None:
        opened.append(1)

    return opened


def test_a_transaction_ended_on_another_thread_frees_the_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    conn = engine.connect()
    began = threading.Thread(target=lambda: conn.execute(text("INSERT INTO t VALUES (1)")))
    began.start()
    began.join(5)
    ended = threading.Thread(target=conn.commit)
    ended.start()
    ended.join(5)
    conn.close()

    done = threading.Event()

    def write_again() -> None:
        with engine.begin() as c:
            c.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=write_again, daemon=True).start()
    assert done.wait(5), "the writer connection stayed taken"
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_concurrent_writers_take_turns_without_sqlite_busy_waits(tmp_path: Path) -> None:
    """Twenty threads writing at once all commit on one connection. The connection gets
    no busy wait at all (busy_timeout=0), so had two writers' BEGIN IMMEDIATE met in
    SQLite, one would have failed with "database is locked"."""
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    opened = _opened(engine)

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            start.wait(10)
            for j in range(10):
                with engine.begin() as c:
                    c.execute(text("INSERT INTO t VALUES (:x)"), {"x": i * 10 + j})
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 200
    assert len(opened) == 1
    engine.dispose()


def test_a_writer_kept_waiting_too_long_is_told_the_database_is_busy(tmp_path: Path) -> None:
    """Past the pool's timeout the writer gets an OperationalError, which a request answers
    with 503 and the worker takes for a database away (its events stay pending), not a
    pool error that would be a 500 or set an event aside."""
    engine = create_engine(
        f"sqlite:///{tmp_path}/w.db",
        poolclass=WriterPool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.05,
    )
    holding = engine.connect()
    try:
        with pytest.raises(OperationalError) as raised:
            engine.connect()
        assert unavailable(raised.value)
    finally:
        holding.close()
    with engine.connect() as conn:  # free again once the holder lets go
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_bursts_of_readers_reuse_the_open_connections(tmp_path: Path) -> None:
    """Ten bursts of twenty reads at once, quiet between them: the readers' engine opens a
    connection per concurrent reader at most once, not again at every burst (each new
    SQLite connection runs its PRAGMAs and reads the schema again)."""
    url = f"sqlite:///{tmp_path}/w.db"
    writer = make_engine(url)
    with writer.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    engine = make_engine(url, immediate=False)
    opened = _opened(engine)
    counts: list[int] = []

    def read() -> None:
        with engine.begin() as c:
            counts.append(int(c.execute(text("SELECT count(*) FROM t")).scalar_one()))

    for _burst in range(10):
        threads = [threading.Thread(target=read) for _ in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    assert counts == [1] * 200
    assert len(opened) <= 20
    engine.dispose()
    writer.dispose()
