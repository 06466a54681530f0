"""Engines for SQLite (embedded) and PostgreSQL, and migration on first touch."""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from jikimi.core.private_files import secure_sqlite

# jikimi/migrations: Alembic's scripts, beside the features whose tables they build.
MIGRATIONS = Path(__file__).parent.parent / "migrations"
_PG_MIGRATION_LOCK = 0x4A494B49  # "JIKI": one process migrates at a time
# Under a phone's own 10 s request timeout, so a 503 reaches it (a connect_timeout in the
# URL wins).
PG_CONNECT_TIMEOUT_S = 5
# A pooled PostgreSQL connection idle longer than this is pinged before use (see
# `_ping_when_idle`).
PG_PING_IDLE_S = 5.0


# SQLite 3.38+ has JSON built in: hot paths pass a batch as one JSON value, so a batch is
# one statement step. (The driver releases the GIL around each step; a row per step, each
# could wait a thread switch, 5 ms, for the GIL back while another thread computes.)
SQLITE_JSON = sqlite3.sqlite_version_info >= (3, 38)
SQLITE_AUTOCHECKPOINT_PAGES = 10_000  # about 40 MB of WAL: a bound, not the rhythm
SQLITE_CHECKPOINT_S = 0.5  # how often a server process checkpoints (`checkpoint`)
# Readers' connections kept open: more than the request threads (anyio's 40) and the
# process's own threads together. SQLAlchemy's default (5, and 10 more opened and closed
# on demand) opened a connection for most requests under load: each ran the PRAGMAs and
# read the schema again. Handed out last-in first-out, so the connection just used (its
# page cache warm) is used again and the others wait for concurrency: first-in first-out
# rotated every request through all of them, each with a cold cache.
SQLITE_POOL = 48
# How long a writer waits for the one writer connection (`WriterPool`) before its request
# answers 503.
SQLITE_WRITER_WAIT_S = 30.0


def is_sqlite(url: str) -> bool:
    """True for an embedded SQLite URL."""
    return make_url(url).get_backend_name() == "sqlite"


class WriterPool(QueuePool):
    """The SQLite writers' one connection (`pool_size=1`): SQLite lets one writer in at a
    time, so the process's writers wait for their turn here, woken as soon as the previous
    transaction has committed and its connection is back, and never meet in SQLite's busy
    handler, which sleeps in growing steps (up to 100 ms) between tries. A writer that
    waits past the pool's timeout gets an OperationalError, as for a busy database: a
    request answers 503 and the worker keeps its events pending instead of setting them
    aside."""

    # Logs as SQLAlchemy's own pools do (quiet below WARNING), not as a module of Jikimi.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.QueuePool"

    def _do_get(self) -> ConnectionPoolEntry:
        try:
            return super()._do_get()
        except PoolTimeout as exc:
            raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc


def make_engine(url: str, *, immediate: bool = True) -> Engine:
    """An engine for `url`; SQL parameters never appear in errors or logs (they are
    personal data, if sealed). On SQLite: WAL, synchronous=FULL, and for writers
    (`immediate`) one connection whose transactions begin IMMEDIATE.

    BEGIN IMMEDIATE takes the write lock when the transaction starts, so a write
    transaction never fails half-way on a lock it could not upgrade. SQLite is the
    one-process deployment: its writers queue for the one connection (`WriterPool`);
    several processes share a PostgreSQL database instead.
    """
    parsed = make_url(url)
    if not is_sqlite(url):
        # A database that takes the connection but never answers (a host still coming
        # back, a pooler holding clients) would hold every request for good; give up and
        # answer 503 instead.
        timeout = (
            {} if "connect_timeout" in parsed.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        )
        pg = create_engine(
            url, pool_size=10, max_overflow=20, hide_parameters=True, connect_args=timeout
        )
        _ping_when_idle(pg, PG_PING_IDLE_S)
        _track_backends(pg)
        return pg
    on_disk = bool(parsed.database) and parsed.database != ":memory:"
    if on_disk:
        # The database holds password hashes, staff names, the access trail, court
        # references and serials: its owner's alone, before SQLite first creates it.
        secure_sqlite(Path(str(parsed.database)))
    pool: dict[str, Any] = {}
    if on_disk and immediate:
        pool = {
            "poolclass": WriterPool,
            "pool_size": 1,
            "max_overflow": 0,
            "pool_timeout": SQLITE_WRITER_WAIT_S,
        }
    elif on_disk:
        pool = {"pool_size": SQLITE_POOL, "max_overflow": SQLITE_POOL // 4, "pool_use_lifo": True}
    engine = create_engine(
        url,
        connect_args={"timeout": 30, "check_same_thread": False},
        hide_parameters=True,
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # A commit that fills the WAL past this many pages copies it into the database
        # and syncs it, inside the request: with SQLite's default (1,000 pages) that was
        # a commit in a hundred. `checkpoint` does it on a thread instead; this stays as
        # the bound should that thread not run.
        cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        if immediate:
            # Writers: the positions index takes a leaf page per anklet at each feed
            # request; the default 2 MiB cache held too few and re-read them each time.
            cur.execute("PRAGMA cache_size=-32768")  # KiB
        cur.close()

    if not immediate:

        @event.listens_for(engine, "begin")
        def _on_begin_read(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# The PostgreSQL server processes behind each engine's pooled connections (see
# `own_backends`).
_BACKENDS: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


def _track_backends(engine: Engine) -> None:
    pids: set[int] = set()
    _BACKENDS[engine] = pids

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        record.info["jikimi_backend_pid"] = pid = dbapi_conn.info.backend_pid
        pids.add(pid)

    @event.listens_for(engine, "close")  # also after an invalidation
    def _on_close(_dbapi_conn: Any, record: Any) -> None:
        pids.discard(record.info.pop("jikimi_backend_pid", None))


def own_backends(*engines: Engine) -> Callable[[int], bool]:
    """Whether a PostgreSQL server process (a notification's sender) is one behind the
    pooled connections of `engines`: a change this process made itself, which it has
    already acted on (as on SQLite, where nothing notifies)."""
    sets = [_BACKENDS.get(e, set()) for e in engines]
    return lambda pid: any(pid in pids for pids in sets)


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection on checkout only if it sat idle longer than `idle_s`.

    `pool_pre_ping` pinged at every checkout: a round trip for every request and every
    stream read. A connection in steady use needs none: if the database went away under
    it, its next statement fails, SQLAlchemy sees the disconnect and invalidates every
    connection of the pool, and the request is a 503 the phone sends again (as it would
    be for a statement cut mid-way with the ping). A connection left idle (a quiet night,
    a database restarted meanwhile) is pinged, and replaced if the ping fails, so the
    first request after a quiet spell does not meet a dead connection.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["jikimi_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("jikimi_idle_since", None)
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("idle connection failed its ping") from exc


def unavailable(exc: DBAPIError) -> bool:
    """The database failed, not the statement: unreachable, restarting, the connection
    dropped, or a transient conflict (OperationalError: deadlock, lock or busy timeout).
    Worth trying again later; no fault of the data."""
    return isinstance(exc, OperationalError) or exc.connection_invalidated


def alembic_config(url: str) -> Config:
    """An Alembic config that needs no alembic.ini on disk."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to call from many processes at once."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def checkpoint(engine: Engine) -> tuple[int, int, int] | None:
    """Copy what the WAL holds into the SQLite database file without blocking anyone
    (PRAGMA wal_checkpoint(PASSIVE)): (busy, WAL frames, frames checkpointed); None on
    PostgreSQL. Run on a thread of its own (bootstrap), so no request's commit does it."""
    if engine.dialect.name != "sqlite":
        return None
    raw = engine.raw_connection()
    try:
        # Outside any transaction: the connection is in autocommit (`_on_connect`).
        driver = raw.driver_connection
        assert driver is not None
        row = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        raw.close()
    return (int(row[0]), int(row[1]), int(row[2])) if row else None
