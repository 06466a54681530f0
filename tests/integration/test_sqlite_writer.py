"""SQLite writers queue in the process; a transaction may end on another thread than the
one that began it (FastAPI does this) without leaving the queue locked."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from jikimi.store.db import make_engine


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
