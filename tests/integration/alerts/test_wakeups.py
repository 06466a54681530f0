"""Another process's commit wakes this one at once: its streams when alerts changed, its
worker when work was stored. Several processes share a database only on PostgreSQL, which
notifies (core/pg_listen.py); on SQLite one process serves alone and nothing listens. The
polls are not running here, so nothing else could wake them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.core.db import own_backends
from jikimi.core.pg_listen import PgListener
from jikimi.core.settings import Settings
from tests.factories import Factory, geo_alerts, geo_world, ping

WAIT_S = 10.0  # a bound for a loaded machine; each wait ends as soon as its condition holds


def _until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# PostgreSQL only (`database_url`'s sqlite parameter is left out here).
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def listening(container: Container) -> Iterator[Container]:
    """This process, listening; `other` plays another process on the same database (its
    own container: its own hub, worker and streams)."""
    assert container.listener is not None
    container.listener.start()
    assert container.listener.listening.wait(WAIT_S)
    yield container
    container.listener.stop()


@pytest.fixture
def other(settings: Settings) -> Iterator[Factory]:
    """Another process's API on the same database."""
    c = build(settings)
    with TestClient(create_app(c, run_worker=False)) as tc:
        yield Factory(tc, c)
    c.close()


@ON_POSTGRESQL
def test_an_alert_committed_elsewhere_wakes_this_process_streams(
    listening: Container, other: Factory
) -> None:
    w = other.world()
    listening.live.catch_up()  # the streams' feed starts here
    start, before = listening.live.mark().reading, listening.hub.generation()
    other.contact(w.device_token, w.perpetrator_number)  # judged and committed over there
    assert _until(lambda: listening.hub.generation() > before)
    listening.live.catch_up()
    changes, _ = listening.live.after(start) or ([], None)
    assert w.case_id in {c.case_id for c in changes}


@ON_POSTGRESQL
def test_positions_stored_elsewhere_wake_this_process_worker(
    listening: Container, other: Factory
) -> None:
    g = geo_world(other)
    listening.worker._wake.clear()
    body = {"pings": [ping(g.serial, 37.60, 126.99, datetime.now(UTC))]}
    other.post_signed("/api/v1/feed/locations", g.feed, body)
    assert _until(listening.worker._wake.is_set)


@ON_POSTGRESQL
def test_this_process_own_notifications_are_dropped(
    container: Container, settings: Settings
) -> None:
    """A change this process committed wakes nobody a second time through its listener
    (it acted on it already); another process's, sent after it, still arrives."""
    got: list[str] = []
    other_arrived = threading.Event()

    def heard(payload: str) -> None:
        got.append(payload)
        if payload == "other":
            other_arrived.set()

    listener = PgListener(
        settings.database_url,
        {"jikimi_test": heard},
        ignore_from=own_backends(container.engine, container.read_engine),
    )
    listener.start()
    other = build(settings)
    try:
        assert listener.listening.wait(WAIT_S)
        # Delivered in commit order: were its own not dropped, "own" would come first.
        for engine, payload in ((container.engine, "own"), (other.engine, "other")):
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_notify('jikimi_test', :p)"), {"p": payload})
        assert other_arrived.wait(WAIT_S)
    finally:
        listener.stop()
        other.close()
    assert got == ["", "other"]  # "": the call after connecting


def test_on_sqlite_nothing_listens_for_other_processes(tmp_path: Path) -> None:
    """SQLite is served by one process: no listener is built or started, on a file or in
    memory, and the process's own threads start and stop without one."""
    for url in (f"sqlite:///{tmp_path}/j.db", "sqlite://"):
        c = build(Settings(database_url=url))
        try:
            assert c.listener is None
            c.start_threads(worker=True)
        finally:
            c.close()


def test_phone_fixes_wait_for_the_workers_next_look_anklet_pings_wake_it(
    factory: Factory, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The victim's phone's fixes wake nobody: they are judged at the worker's next look
    (JIKIMI_WORKER_POLL_S), sharing its pass with whatever else is waiting; an anklet's
    pings wake this process's worker at once."""
    g = geo_world(factory)
    woken: list[str] = []
    monkeypatch.setattr(container, "work_stored", lambda: woken.append("woken"))
    now = datetime.now(UTC)
    fix = {"lat": 37.60, "lon": 126.99, "accuracy_m": 8, "recorded_at": now.isoformat()}
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    assert woken == []
    factory.post_signed(
        "/api/v1/feed/locations", g.feed, {"pings": [ping(g.serial, 37.6, 127, now)]}
    )
    assert woken == ["woken"]


def test_a_victim_fix_beside_the_anklet_is_an_encounter_at_the_running_workers_next_look(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Nothing wakes the worker for the victim's fix, yet its own poll judges it: beside the
    anklet's fresh position, the encounter is raised without anyone calling the worker."""
    g = geo_world(factory)
    container.worker.start()  # polls every JIKIMI_WORKER_POLL_S, as in `jikimi serve`
    now = datetime.now(UTC)
    factory.post_signed(
        "/api/v1/feed/locations", g.feed, {"pings": [ping(g.serial, 37.6, 127.0, now)]}
    )
    mem = container.track_memory
    assert _until(
        lambda: mem.position is not None and mem.position >= 1
    )  # the anklet's ping judged
    beside = {"lat": 37.6, "lon": 127.0 + 40 / 88_000, "accuracy_m": 8}
    fix = beside | {"recorded_at": (now + timedelta(seconds=5)).isoformat()}
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    assert _until(lambda: "encounter" in {a["kind"] for a in geo_alerts(client, factory, g)})


@ON_POSTGRESQL
def test_on_postgresql_a_statement_of_phone_fixes_alone_notifies_nobody(
    factory: Factory, container: Container, settings: Settings
) -> None:
    """The positions trigger (migration 0008) notifies the worker's channel for anklet pings
    and not for phone fixes. Notifications arrive in commit order, so a marker sent last shows
    everything before it has arrived."""
    import psycopg

    g = geo_world(factory)
    url = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as listen:
        listen.execute("LISTEN jikimi_inbox")
        now = datetime.now(UTC)
        fix = {"lat": 37.60, "lon": 126.99, "accuracy_m": 8, "recorded_at": now.isoformat()}
        factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
        body = {"pings": [ping(g.serial, 37.6, 127, now)]}
        factory.post_signed("/api/v1/feed/locations", g.feed, body)
        with container.engine.begin() as conn:
            conn.execute(text("SELECT pg_notify('jikimi_inbox', 'marker')"))
        heard = []
        for n in listen.notifies(timeout=WAIT_S):
            heard.append(n.payload)
            if n.payload == "marker":
                break
    assert heard == ["positions", "marker"]
