"""PostgreSQL connections dropped while pooled: an idle one is pinged and replaced before
use; one in steady use fails once, as a disconnect, and the pool then starts afresh."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from jikimi.core import db
from tests.conftest import PG_SKIP, PG_URL


@pytest.fixture
def pg_url() -> str:
    """The test PostgreSQL's URL."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    return PG_URL


def _engine(monkeypatch: pytest.MonkeyPatch, url: str, idle_s: float) -> Iterator[Engine]:
    monkeypatch.setattr(db, "PG_PING_IDLE_S", idle_s)
    engine = db.make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _pooled_backend(engine: Engine) -> int:
    """Open a connection, note its server process, and give it back to the pool."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: Engine, pid: int) -> None:
    """Drop a backend as a database restart would (from a connection outside the pool)."""
    admin = create_engine(engine.url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    finally:
        admin.dispose()


@pytest.fixture
def idle_engine(monkeypatch: pytest.MonkeyPatch, pg_url: str) -> Iterator[Engine]:
    """An engine whose every pooled connection counts as idle (pinged at checkout)."""
    yield from _engine(monkeypatch, pg_url, 0.0)


@pytest.fixture
def busy_engine(monkeypatch: pytest.MonkeyPatch, pg_url: str) -> Iterator[Engine]:
    """An engine whose pooled connections never count as idle (no ping)."""
    yield from _engine(monkeypatch, pg_url, 3600.0)


def test_an_idle_connection_dropped_by_the_database_is_replaced_before_use(
    idle_engine: Engine,
) -> None:
    pid = _pooled_backend(idle_engine)
    _terminate(idle_engine, pid)
    with idle_engine.connect() as conn:  # the ping fails; the pool opens a new one
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_a_busy_connection_dropped_fails_once_then_the_pool_recovers(
    busy_engine: Engine,
) -> None:
    first = _pooled_backend(busy_engine)
    second_conn = busy_engine.connect()  # two pooled connections, both about to be dropped
    second = int(second_conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
    second_conn.close()
    _terminate(busy_engine, first)
    _terminate(busy_engine, second)
    with pytest.raises(DBAPIError) as failed, busy_engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert db.unavailable(failed.value)  # a 503, and the phone sends again
    with busy_engine.connect() as conn:  # every connection of the old pool was discarded
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() not in {first, second}
