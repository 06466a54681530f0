"""SQLite's WAL is copied into the database by a thread of its own, not by the commit of
whichever request happens to fill it (a commit in a hundred used to pay for that)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.core.db import SQLITE_AUTOCHECKPOINT_PAGES, checkpoint, make_engine
from jikimi.core.settings import Settings


def test_commits_leave_the_wal_to_the_checkpoint_which_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == (
            SQLITE_AUTOCHECKPOINT_PAGES
        )
        conn.execute(text("CREATE TABLE t (x BLOB)"))
    for _ in range(300):  # more pages than SQLite's default bound (1,000) would allow
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (randomblob(8000))"))
    busy, frames, done = checkpoint(engine) or (1, 0, -1)
    assert frames > 1_000  # every commit's pages are still in the WAL: none checkpointed
    assert (busy, done) == (0, frames)  # and now all of them are in the database
    with engine.begin() as conn:  # the next writer starts the WAL over
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert checkpoint(engine) == (0, 1, 1)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 301
    engine.dispose()


def test_a_server_on_sqlite_checkpoints_while_it_runs(tmp_path: Path) -> None:
    c = build(Settings(database_url=f"sqlite:///{tmp_path}/s.db"))
    try:
        assert c.checkpointer is not None
        with TestClient(create_app(c, run_worker=False)):
            thread = c.checkpointer._thread
            assert thread is not None
            assert thread.is_alive()
        assert c.checkpointer._thread is None  # stopped with the app
    finally:
        c.close()
