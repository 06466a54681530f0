"""Fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL.

The code under test commits (a 202 must mean durable), so isolation is a fresh database
(SQLite file) or a fresh schema (PostgreSQL) per test rather than a rolled-back
transaction.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from tests.factories import Factory

# Tests (and the server processes they start, which inherit the environment) use their own
# key ring, never the developer's data/keys.json.
os.environ["JIKIMI_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="jikimi-test-keys-")) / "k.json")

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SKIP = (
    f"no PostgreSQL answers at {LOCAL_PG} and JIKIMI_TEST_DATABASE_URL is not set: "
    "PostgreSQL tests skipped"
)


def _postgresql() -> str | None:
    """JIKIMI_TEST_DATABASE_URL, or the local test database when one answers."""
    told = os.environ.get("JIKIMI_TEST_DATABASE_URL")
    if told:
        return told
    probe = create_engine(LOCAL_PG, connect_args={"connect_timeout": 2})
    try:
        with probe.connect():
            return LOCAL_PG
    except Exception:  # refused, no such database, no such role: not there to use
        return None
    finally:
        probe.dispose()


PG_URL = _postgresql()


DATABASES = f"databases: sqlite{', postgresql' if PG_URL else ' (postgresql: ' + PG_SKIP + ')'}"


def pytest_report_header() -> str:
    """Say which databases this run covers (at the top, when not quiet)."""
    return DATABASES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say it at the end too, which `pytest -q` (make test) also prints."""
    terminalreporter.write_line(DATABASES)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database; PostgreSQL gets its own schema, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/jikimi.db"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test: events are judged as they are stored (the worker thread is not
    started: `client` runs the app without it, and tests drive it)."""
    return Settings(database_url=database_url, escalate_after_s=60)


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """A wired Jikimi on the test database."""
    c = build(settings)
    yield c
    c.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """An HTTP client for the app (the worker is driven by the test, not a thread)."""
    with TestClient(create_app(container, run_worker=False)) as tc:
        yield tc


@pytest.fixture
def factory(client: TestClient, container: Container) -> Factory:
    """Builds people, cases, orders and tokens through the public API."""
    return Factory(client, container)


@pytest.fixture
def fixed_clock() -> FixedClock:
    """A clock that moves only when the test says."""
    from datetime import UTC, datetime

    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture(params=["one statement", "a row at a time"])
def sqlite_writes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite 3.38+ the position log's hot paths move a batch as one JSON value (one
    statement step); older SQLite goes row by row. Both must give the same results."""
    from jikimi.proximity import positions
    from jikimi.proximity import repo as positions_repo
    from jikimi.proximity import writer as position_writer

    on = request.param == "one statement"
    monkeypatch.setattr(position_writer, "_SQLITE_JSON", on)
    monkeypatch.setattr(positions, "SQLITE_JSON", on)
    monkeypatch.setattr(positions_repo, "SQLITE_JSON", on)
