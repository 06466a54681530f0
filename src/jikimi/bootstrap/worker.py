"""The in-process worker: drains the features' inboxes, escalates, runs their timers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jikimi.core.bus import MessageBus
from jikimi.core.claims import Claims

log = logging.getLogger(__name__)

ESCALATION = "escalation"  # the name under which `look_for_work` says escalations are due


@dataclass
class Drain:
    """An inbox as a worker drains it: the command for one batch, whether anything waits,
    and what this pass's batches claimed (the same `Claims` its handler is bound to)."""

    name: str
    command: Callable[[], Any]
    has_work: Callable[[], bool]
    claims: Claims = field(default_factory=Claims)
    # Escalate due alerts between this inbox's batches: a flood cannot hold escalation back.
    escalate_between: bool = False


class Worker:
    """A thread that drains the durable inboxes; woken at once by ingest, else it polls.

    State lives in the database (pending events, next escalation times), so a crash
    loses nothing: the next worker to start picks up where this one stopped.
    """

    def __init__(
        self,
        bus: MessageBus,
        inboxes: Sequence[Drain],
        poll_s: float,
        *,
        escalate: Callable[[], Any] | None = None,
        timers: Sequence[tuple[float, Callable[[], Any]]] = (),
        look_for_work: Callable[[], Mapping[str, bool]] | None = None,
    ) -> None:
        self.bus, self.poll_s = bus, poll_s
        self.inboxes = list(inboxes)
        # The command that escalates due alerts (between urgent batches and after them).
        self.escalate = escalate
        # Timers (device silence): (every so many seconds, command); durable because what
        # they look at lives in the database.
        self.timers = list(timers)
        self._timer_last = [0.0] * len(self.timers)
        # One look at every inbox and at due escalations in one query, so an idle pass
        # costs one read instead of one per inbox and a write transaction.
        self.look_for_work = look_for_work
        self.max_batches = 50
        self.escalate_every_s = 0.25
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """New events are stored: judge them now."""
        self._wake.set()

    def run_once(self, *, escalate: bool = True) -> set[str]:
        """Judge everything waiting and escalate what is due; return changed alert ids."""
        changed: set[str] = set()
        seen = self.look_for_work() if self.look_for_work is not None else {}
        escalation = self.escalate if escalate else None
        # Look before taking the write lock: most polls find nothing. Stop when a batch
        # claims nothing (what still waits is held by other workers, or passed over:
        # `Claims`) and after a bounded number of batches.
        for inbox in self.inboxes:
            first = seen.get(inbox.name)
            inbox.claims.begin_pass()
            for k in range(self.max_batches):
                if not (first if k == 0 and first is not None else inbox.has_work()):
                    break
                if escalation is not None and k and inbox.escalate_between:
                    changed |= self.bus.handle(escalation())
                changed |= self.bus.handle(inbox.command())
                if not inbox.claims.claimed:
                    break
        if escalate:
            if escalation is not None and seen.get(ESCALATION, True):
                changed |= self.bus.handle(escalation())
            now = time.monotonic()
            for i, (every, command) in enumerate(self.timers):
                if now - self._timer_last[i] >= every:
                    changed |= self.bus.handle(command())
                    self._timer_last[i] = now
        return changed

    def _loop(self) -> None:
        last_escalation = 0.0
        failing_since: float | None = None  # first failure of the current run of them
        last_report = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            # Woken by ingest, judge at once; look for due escalations a few times a
            # second, not on every event (each look is a write transaction).
            due = time.monotonic() - last_escalation >= self.escalate_every_s
            try:
                self.run_once(escalate=due)
                if due:
                    last_escalation = time.monotonic()
                if failing_since is not None:
                    log.warning("worker passes succeed again")
                    failing_since = None
            except Exception:
                # The database may be down; the events are safe in it. Try again shortly,
                # but say so once with the cause and then every 30 s, not every pass.
                now = time.monotonic()
                if failing_since is None:
                    failing_since = last_report = now
                    log.exception("worker pass failed; retrying")
                elif now - last_report >= 30:
                    last_report = now
                    log.error("worker passes failing for %.0f s; retrying", now - failing_since)
                self._stop.wait(self.poll_s)
            self._wake.wait(self.poll_s)

    def start(self) -> None:
        """Start the thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="jikimi-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current pass."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
