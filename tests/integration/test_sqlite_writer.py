"""SQLite writers queue in the process; a transaction may end on another thread than the
one that began it (FastAPI does this) without leaving the queue locked."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from jikimi.core.db import make_engine


def test_a_transaction_ended_on_another_thread_frees_the_writer_queue(tmp_path: Path) -> None:
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
    assert done.wait(5), "the writer queue stayed locked"
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_a_writer_of_another_process_waits_for_its_turn_outside_sqlite(tmp_path: Path) -> None:
    """Two engines are two processes' writers: the second waits on the file lock beside
    the database, not in SQLite's busy handler. Its connections here get no busy wait at
    all (busy_timeout=0), so a BEGIN IMMEDIATE issued while the first writes would fail."""
    url = f"sqlite:///{tmp_path}/w.db"
    first, second = make_engine(url), make_engine(url)

    @event.listens_for(second, "connect")
    def _no_busy_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    with first.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    holding = first.connect()
    holding.execute(text("INSERT INTO t VALUES (1)"))  # the first process is writing
    outcome: list[object] = []

    def write() -> None:
        try:
            with second.begin() as c:
                c.execute(text("INSERT INTO t VALUES (2)"))
            outcome.append("written")
        except Exception as exc:
            outcome.append(exc)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    checked_out = threading.Event()
    while writer.is_alive() and not checked_out.wait(0.01):  # it is at BEGIN now
        if second.pool.checkedout():  # type: ignore[attr-defined]
            checked_out.set()
    writer.join(0.2)  # it waits for its turn as long as the first holds the lock
    holding.commit()
    holding.close()
    writer.join(10)
    assert outcome == ["written"]
    with first.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 2
    first.dispose()
    second.dispose()


def test_bursts_of_requests_reuse_the_open_connections(tmp_path: Path) -> None:
    """Ten bursts of twenty requests at once, quiet between them: the engine opens a
    connection per concurrent request at most once, not again at every burst (each new
    SQLite connection runs its PRAGMAs and reads the schema again)."""
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    opened: list[int] = []

    @event.listens_for(engine, "connect")
    def _count(_dbapi_conn: Any, _record: Any) -> None:
        opened.append(1)

    def request(i: int) -> None:
        with engine.begin() as c:
            c.execute(text("INSERT INTO t VALUES (:x)"), {"x": i})

    for burst in range(10):
        threads = [threading.Thread(target=request, args=(burst,)) for _ in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 200
    assert len(opened) <= 20
    engine.dispose()
