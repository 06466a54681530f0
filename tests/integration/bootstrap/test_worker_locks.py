"""A worker that stalls mid-transaction on PostgreSQL delays only its own cases.

The stalled worker is a real judging pass whose commit is held back (a hook in its unit
of work), so it holds every lock a pass takes: its claimed inbox rows, its victims' locks,
their alert and case rows, the position log's place. Meanwhile the other worker (the
container's, as `jikimi worker` runs it) judges every other case, passes over the stalled
one's, and neither waits on a lock nor meets a deadlock. Whether a pass waits is read
from PostgreSQL's own lock table, never from a clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.bootstrap.uow import SqlUnitOfWork
from jikimi.bootstrap.wiring import message_bus
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.contacts.messages import JudgeContacts
from jikimi.core.access import Role
from jikimi.core.db import own_backends
from jikimi.core.tx import reading, transaction
from jikimi.features import FEATURES
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions
from tests.factories import HOME, Factory, World, auth, geo_world, ping

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

WAIT_S = 30  # an upper bound for a thread to get somewhere, never a measured time


class StalledUnitOfWork(SqlUnitOfWork):
    """A worker's unit of work that, with its work done, stops before the commit until
    the test lets it go: a process paused mid-transaction (a long GC, SIGSTOP, a slow
    disk) with every lock it took still held."""

    stalled: threading.Event
    release: threading.Event

    def commit(self) -> None:
        """Hold the transaction open, then commit."""
        self.stalled.set()
        assert self.release.wait(WAIT_S), "the test never released the stalled worker"
        super().commit()


class Stall:
    """A second worker, on the same database, whose next pass stalls before its commit."""

    def __init__(self, c: Container) -> None:
        self.stalled, self.release = threading.Event(), threading.Event()
        self.errors: list[BaseException] = []
        self._thread: threading.Thread | None = None

        def uow() -> StalledUnitOfWork:
            u = StalledUnitOfWork(c.sessions, c.pack, c.settings.warn_radius_m)
            u.stalled, u.release = self.stalled, self.release
            return u

        # Its own judge: a track memory of its own, as another worker process has.
        deps = {**c.deps, "track_memory": TrackMemory()}
        self.bus, _ = message_bus(FEATURES, uow, c.bus.notifier, deps)
        self.engine = c.engine

    def start(self, cmd: object) -> None:
        """Run `cmd` on a thread; return once it holds its transaction open."""

        def run() -> None:
            try:
                self.bus.handle(cmd)
            except BaseException as exc:  # reported to the test thread
                self.errors.append(exc)
                self.stalled.set()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert self.stalled.wait(WAIT_S), "the stalled worker never got to its commit"
        assert self.errors == []

    def meanwhile(self, work: Callable[[], Any]) -> Any:
        """Run `work` on a thread while the stall lasts and return its result; fail if it
        waits on a lock instead (it would be waiting for the stalled worker)."""
        out: list[Any] = []
        errors: list[BaseException] = []
        done = threading.Event()

        def run() -> None:
            try:
                out.append(work())
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)
            finally:
                done.set()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        while not done.wait(0.05) and not waiting_on_a_lock(self.engine):
            pass
        if not done.is_set():
            self.finish()  # let both go before failing, so nothing outlives the test
            thread.join(WAIT_S)
            raise AssertionError("it waited behind the stalled worker")
        if errors:
            raise errors[0]
        return out[0]

    def finish(self) -> None:
        """Let it commit."""
        self.release.set()
        if self._thread is not None:
            self._thread.join(WAIT_S)
        assert self.errors == []


@pytest.fixture
def stall(container: Container) -> Iterator[Stall]:
    """A worker to stall; always released at the end."""
    s = Stall(container)
    yield s
    s.release.set()


def waiting_on_a_lock(engine: Engine) -> bool:
    """Whether a transaction of this test's connections waits for a lock (the server is
    shared: other tests' schemas have their own)."""
    ours = own_backends(engine)
    with engine.connect() as conn:
        q = text("SELECT pid FROM pg_locks WHERE NOT granted")
        return any(ours(pid) for pid in conn.scalars(q))


def store_calls(c: Container, w: World, n: int) -> None:
    """`n` calls from his number, stored in the inbox by an API-only process."""
    now = datetime.now(UTC)
    region = c.settings.default_region
    events = [
        ContactIn.reported(
            f"{w.case_id}-{now.timestamp()}-{i}",
            "call",
            w.perpetrator_number,
            now - timedelta(seconds=n - i),
            None,
            region,
        )
        for i in range(n)
    ]
    with transaction(c.sessions) as s:
        store_contacts(s, "phone", f"phone:{w.case_id}", w.victim_id, events)


def counts(c: Container) -> dict[str, int]:
    """Committed evidence per case."""
    q = (
        select(t.AlertRow.case_id, func.count(t.AlertEvidence.id))
        .join(t.AlertEvidence, t.AlertEvidence.alert_id == t.AlertRow.id)
        .group_by(t.AlertRow.case_id)
    )
    with reading(c.read_sessions) as s:
        return {case_id: int(n) for case_id, n in s.execute(q)}


def pending(c: Container) -> int:
    """Contact events still waiting."""
    with reading(c.read_sessions) as s:
        q = select(func.count()).where(t.ContactEvent.processed_at.is_(None))
        return int(s.scalar(q.select_from(t.ContactEvent)) or 0)


def test_a_stalled_contact_batch_delays_only_its_own_victims(
    factory: Factory, container: Container, stall: Stall
) -> None:
    """The stalled worker holds victims A and B (its batch). The other worker, with a
    small batch and more of A's events waiting than it holds, still judges C's at once,
    passes over A's and B's without waiting, and judges them once the stall ends: each
    event exactly once, no deadlock."""
    a, b, c = factory.world(), factory.world(), factory.world()
    store_calls(container, a, 1)
    store_calls(container, b, 1)
    stall.start(JudgeContacts(limit=10))  # claims A's and B's, judges them, stalls
    store_calls(container, a, 3)  # more than the other worker's batch, ahead of C's
    store_calls(container, c, 1)
    store_calls(container, b, 1)
    other = container.worker
    other.batch = 2

    stall.meanwhile(other.run_once)
    assert counts(container) == {c.case_id: 1}, "C waited behind the stalled worker"
    assert pending(container) == 6  # A's and B's, passed over (2 of them the stall's)

    stall.finish()
    other.run_once()
    assert counts(container) == {a.case_id: 4, b.case_id: 2, c.case_id: 1}
    assert pending(container) == 0


def test_a_stalled_worker_does_not_hold_up_another_victims_sos(
    client: TestClient, factory: Factory, container: Container, stall: Stall
) -> None:
    """Device events are claimed past a victim the stalled worker holds: C's SOS becomes
    an alert while A's waits for the stall to end."""
    a, c = factory.world(), factory.world()
    store_calls(container, a, 1)
    stall.start(JudgeContacts(limit=10))
    for w in (a, c):
        factory.post_signed(
            "/api/v1/device/sos",
            w.device_token,
            {"lat": 37.55, "lon": 126.92, "accuracy_m": 10, "occurred_at": _now()},
        )

    stall.meanwhile(container.worker.run_once)
    assert kinds(client, factory, c) == ["sos"]

    stall.finish()
    container.worker.run_once()
    assert sorted(kinds(client, factory, a)) == ["contact_violation", "sos"]


def test_a_phone_report_is_answered_while_its_victim_is_held(
    client: TestClient, factory: Factory, container: Container, stall: Stall
) -> None:
    """The request that stores a held victim's event does not wait to judge it: it
    answers 202 with the event in the inbox, and the worker judges it after the stall.
    Another victim's report is judged in its own request as ever."""
    a, c = factory.world(), factory.world()
    store_calls(container, a, 1)
    stall.start(JudgeContacts(limit=10))

    stall.meanwhile(lambda: factory.contact(a.device_token, a.perpetrator_number))
    factory.contact(c.device_token, c.perpetrator_number)
    assert counts(container) == {c.case_id: 1}
    assert pending(container) == 2  # the stall's, and the one left to the worker

    stall.finish()
    container.worker.run_once()
    assert counts(container) == {a.case_id: 2, c.case_id: 1}


def test_a_stalled_position_batch_holds_up_no_contact(
    client: TestClient, factory: Factory, container: Container, stall: Stall
) -> None:
    """The stalled worker holds the position log's place (one judge at a time reads the
    log in order). The other worker's pass skips the log instead of waiting for it, and
    judges the contacts waiting; the log's fixes are judged once after the stall."""
    g, c = geo_world(factory), factory.world()
    inside = ping(g.serial, HOME[0] + 30 / 111_320, HOME[1], datetime.now(UTC))
    factory.post_signed("/api/v1/feed/locations", g.feed, {"pings": [inside]})
    stall.start(JudgePositions())
    store_calls(container, c, 1)

    stall.meanwhile(container.worker.run_once)
    assert counts(container) == {c.case_id: 1}

    stall.finish()
    container.worker.run_once()
    assert counts(container) == {g.world.case_id: 1, c.case_id: 1}


def kinds(client: TestClient, factory: Factory, w: World) -> list[str]:
    """The kinds of the case's alerts, as a dispatcher lists them."""
    r = client.get(
        "/api/v1/alerts",
        params={"case_id": w.case_id},
        headers=auth(factory.token(Role.DISPATCHER)),
    )
    assert r.status_code == 200, r.text
    return [item["kind"] for item in r.json()["items"]]


def _now() -> str:
    return datetime.now(UTC).isoformat()
