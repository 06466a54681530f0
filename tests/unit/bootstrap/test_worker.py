"""The worker: drains the inbox in batches, escalates, and survives a bad pass."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from jikimi.alerts.messages import EscalateDueAlerts
from jikimi.alerts.rules import EscalationPolicy
from jikimi.bootstrap.worker import ESCALATION, Drain, Worker
from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.contacts.messages import JudgeContacts
from jikimi.contacts.rules import NumberSpan
from jikimi.core.bus import MessageBus
from jikimi.core.claims import Claims
from tests.unit.fakes import T0, FakeClock, FakeNotifier, FakeStore, fake_bus

BAN = load_pack("kr").get("stalking.provisional.3")
VICTIM, CASE, PERPETRATOR_NUMBER = "victim-1", "case-1", "+821023456789"
POLICY = EscalationPolicy(period=timedelta(minutes=1), max_level=3)
WAIT_S = 10  # an upper bound for a thread to answer, never a measured time


class Passes:
    """What the worker's thread has done, for the test thread to wait on."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.done = 0
        self.failed = 0

    def wait_until(self, ready: Callable[[], bool]) -> None:
        """Block until `ready()` holds (the worker thread makes it true)."""
        with self.cond:
            assert self.cond.wait_for(ready, timeout=WAIT_S), "the worker did not get there"


class ObservedBus(MessageBus):
    """The real bus, telling `passes` when a worker pass ends or fails."""

    passes: Passes
    claims: Claims

    def handle(self, cmd: object) -> set[str]:
        """Carry out `cmd` and report how the pass went."""
        try:
            changed = super().handle(cmd)
        except Exception:
            with self.passes.cond:
                self.passes.failed += 1
                self.passes.cond.notify_all()
            raise
        return changed


class ObservedWorker(Worker):
    """The real worker, telling its bus's `passes` when a pass has ended."""

    def run_once(self, *, escalate: bool = True) -> set[str]:
        """One pass, then the report."""
        changed = super().run_once(escalate=escalate)
        passes = self.bus.passes  # type: ignore[attr-defined]
        with passes.cond:
            passes.done += 1
            passes.cond.notify_all()
        return changed


def world() -> tuple[FakeStore, FakeClock, FakeNotifier, ObservedBus]:
    """One case with a ban in force, and a bus over it."""
    store, clock, notifier = FakeStore(), FakeClock(T0), FakeNotifier()
    order = OrderWindow(BAN, T0 - timedelta(days=1), T0 + timedelta(days=60))
    store.add_case(CASE, VICTIM, (order,), (NumberSpan(PERPETRATOR_NUMBER),))
    wired, claims = fake_bus(store, clock, notifier, POLICY)
    bus = ObservedBus(store.uow, notifier, wired.handlers, wired.one_by_one)
    bus.passes = Passes()
    bus.claims = claims[JudgeContacts]
    return store, clock, notifier, bus


def contacts_worker(
    bus: ObservedBus,
    store: FakeStore,
    *,
    poll_s: float,
    batch: int,
    kind: type[Worker] = Worker,
    **more: Any,
) -> Worker:
    """A worker draining the contacts inbox over the fakes, escalating as bootstrap's does."""
    contacts = Drain("contacts", lambda: JudgeContacts(batch), store.has_pending, bus.claims, True)
    inboxes = [contacts, *more.pop("inboxes", [])]
    return kind(bus, inboxes, poll_s, escalate=EscalateDueAlerts, **more)


def receive_calls(store: FakeStore, n: int) -> list[str]:
    """`n` calls from him, a second apart, before T0."""
    return [
        store.receive(
            occurred_at=T0 - timedelta(seconds=n - i), number=PERPETRATOR_NUMBER, victim_id=VICTIM
        )
        for i in range(n)
    ]


# --- one pass ------------------------------------------------------------------------


def test_a_pass_drains_more_events_than_one_batch() -> None:
    store, _, notifier, bus = world()
    receive_calls(store, 5)
    worker = contacts_worker(bus, store, poll_s=60, batch=2)
    changed = worker.run_once()
    [alert] = store.alerts_of(CASE)
    assert changed == {alert.id}
    assert alert.count == 5
    assert not store.has_pending()
    assert notifier.calls == 3  # one per batch that changed something


def test_a_pass_escalates_what_is_due() -> None:
    store, clock, _, bus = world()
    receive_calls(store, 1)
    worker = contacts_worker(bus, store, poll_s=60, batch=10)
    worker.run_once()
    clock.advance(minutes=2)
    [alert] = store.alerts_of(CASE)
    assert worker.run_once() == {alert.id}
    assert store.alerts_of(CASE)[0].escalation_level == 2


def test_a_pass_with_nothing_to_do_changes_nothing() -> None:
    store, _, notifier, bus = world()
    assert contacts_worker(bus, store, poll_s=60, batch=10).run_once() == set()
    assert notifier.calls == 0


def test_a_pass_sets_a_poison_event_aside_and_ends() -> None:
    store, _, _, bus = world()
    first, poison, last = receive_calls(store, 3)
    store.poison.add(poison)
    contacts_worker(bus, store, poll_s=60, batch=10).run_once()
    [alert] = store.alerts_of(CASE)
    assert [e.event_id for e in store.evidence_of(alert.id)] == [first, last]
    assert store.state.contacts[poison].error == "PoisonError"
    assert not store.has_pending()


def test_a_pass_judges_past_a_victim_another_transaction_holds_and_then_ends() -> None:
    """Her events (more than a batch) wait ahead of another victim's: the pass passes
    them over, judges the other victim's, and ends instead of claiming hers again; the
    next pass judges hers once her victim is free. Each batch asks for its victims'
    locks at once, in one order."""
    store, _, _, bus = world()
    other_case, other_victim = "case-0", "victim-0"
    order = OrderWindow(BAN, T0 - timedelta(days=1), T0 + timedelta(days=60))
    store.add_case(other_case, other_victim, (order,), (NumberSpan(PERPETRATOR_NUMBER),))
    receive_calls(store, 3)
    store.receive(occurred_at=T0, number=PERPETRATOR_NUMBER, victim_id=other_victim)
    store.receive(occurred_at=T0, number=PERPETRATOR_NUMBER, victim_id=VICTIM)
    store.held_elsewhere.add(VICTIM)
    handled: list[object] = []
    handle = bus.handle
    bus.handle = lambda cmd: handled.append(cmd) or handle(cmd)  # type: ignore[method-assign]
    worker = contacts_worker(bus, store, poll_s=60, batch=2)

    worker.run_once(escalate=False)
    assert [a.count for a in store.alerts_of(other_case)] == [1]
    assert store.alerts_of(CASE) == []
    # Batches of two: hers, hers and the other's, hers, then nothing left to claim.
    assert len(handled) == 4
    assert store.lock_calls == [[VICTIM], [other_victim, VICTIM], [VICTIM], []]

    store.held_elsewhere.clear()
    worker.run_once(escalate=False)
    assert [a.count for a in store.alerts_of(CASE)] == [4]
    assert not store.has_pending()


def test_a_pass_acts_on_one_look_and_skips_what_it_found_idle() -> None:
    """With a peek, a pass asks each inbox's own check only after a batch, and looks for
    due escalations with the peek instead of a write transaction."""
    store, clock, _, bus = world()
    receive_calls(store, 3)
    looks: list[str] = []

    def has_pending() -> bool:
        looks.append("contacts")
        return store.has_pending()

    def idle_inbox() -> bool:
        looks.append("inbox")
        return False

    handled: list[str] = []

    def command() -> JudgeContacts:
        handled.append("inbox")
        raise AssertionError("an idle inbox is not judged")

    due = [False]
    contacts = Drain("contacts", lambda: JudgeContacts(10), has_pending, bus.claims, True)
    worker = Worker(
        bus,
        [contacts, Drain("idle", command, idle_inbox)],
        poll_s=60,
        escalate=EscalateDueAlerts,
        look_for_work=lambda: {"contacts": store.has_pending(), ESCALATION: due[0], "idle": False},
    )
    worker.run_once()
    [alert] = store.alerts_of(CASE)
    assert alert.count == 3
    assert looks == ["contacts"]  # after the batch; the idle inbox was not asked
    clock.advance(minutes=2)
    assert worker.run_once() == set()  # the peek saw nothing due: no escalation
    due[0] = True
    assert worker.run_once() == {alert.id}
    assert store.alerts_of(CASE)[0].escalation_level == 2
    assert handled == []


# --- the thread ----------------------------------------------------------------------


@pytest.fixture
def running() -> Iterator[Callable[[Worker], Worker]]:
    """Start workers and always stop them."""
    started: list[Worker] = []

    def start(worker: Worker) -> Worker:
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def test_the_thread_judges_at_once_and_again_when_woken(
    running: Callable[[Worker], Worker],
) -> None:
    store, _, _, bus = world()
    receive_calls(store, 1)
    # A poll period far longer than the test: only a wake-up can explain a second pass.
    worker = running(contacts_worker(bus, store, poll_s=3600, batch=10, kind=ObservedWorker))
    bus.passes.wait_until(lambda: bus.passes.done >= 1)
    assert store.alerts_of(CASE)[0].count == 1
    receive_calls(store, 1)  # the worker is idle between passes
    worker.wake()
    bus.passes.wait_until(lambda: bus.passes.done >= 2)
    assert store.alerts_of(CASE)[0].count == 2
    assert not store.has_pending()


def test_stop_ends_the_thread_without_waiting_for_the_poll(
    running: Callable[[Worker], Worker],
) -> None:
    store, _, _, bus = world()
    worker = running(contacts_worker(bus, store, poll_s=3600, batch=10, kind=ObservedWorker))
    bus.passes.wait_until(lambda: bus.passes.done >= 1)
    thread = worker._thread
    assert thread is not None
    worker.stop()
    assert not thread.is_alive()
    assert worker._thread is None


def test_the_thread_survives_a_failed_pass_and_catches_up(
    running: Callable[[Worker], Worker],
) -> None:
    store, _, notifier, bus = world()
    receive_calls(store, 2)
    store.down = True  # the database is unreachable when the worker starts
    running(contacts_worker(bus, store, poll_s=0.01, batch=10, kind=ObservedWorker))
    bus.passes.wait_until(lambda: bus.passes.failed >= 1)
    assert store.alerts_of(CASE) == []
    store.down = False
    bus.passes.wait_until(lambda: bus.passes.done >= 1)
    assert store.alerts_of(CASE)[0].count == 2
    assert notifier.calls >= 1


def test_an_outage_is_logged_once_with_its_cause_not_on_every_pass(
    running: Callable[[Worker], Worker], caplog: pytest.LogCaptureFixture
) -> None:
    """A worker retries every poll while the database is away; the operator's log gets
    the traceback once, then a line when it works again (and every 30 s between)."""
    store, _, _, bus = world()
    receive_calls(store, 1)
    store.down = True
    caplog.set_level("WARNING", logger="jikimi.bootstrap.worker")
    running(contacts_worker(bus, store, poll_s=0.01, batch=10, kind=ObservedWorker))
    bus.passes.wait_until(lambda: bus.passes.failed >= 5)
    store.down = False
    # The line that it works again follows the first good pass: wait for a second one.
    bus.passes.wait_until(lambda: bus.passes.done >= 2)
    messages = [r.getMessage() for r in caplog.records if r.name == "jikimi.bootstrap.worker"]
    assert messages == ["worker pass failed; retrying", "worker passes succeed again"]
    assert caplog.records[0].exc_info is not None
