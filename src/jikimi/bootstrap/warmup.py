"""Warming a process up before it says it is ready.

What is slow the first time is done before `/readyz` turns 200, so no request waits for
it: the risk model's Korean analyser (seconds, and it holds the interpreter's lock while
it loads: every request of the process would wait), the model's first scoring, the
database pools' first connections, the key ring's first sealing and the phone-number
tables, the live feed's first reading. `jikimi serve` loads the analyser before it opens
its port (no request can wait for it there), the rest behind `/readyz` (503 meanwhile;
`/healthz` answers). A process that judges starts its worker only once warm, so a worker
pass never stalls mid-transaction, holding its victims' locks, while the analyser loads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from jikimi.core import sealing as crypto
from jikimi.core.phones import normalise_reported
from jikimi.ports import RiskScorer
from jikimi.risk.rules import History

log = logging.getLogger("jikimi.bootstrap")

Step = tuple[str, Callable[[], None]]
RISK_MODEL = "risk model"
POOL_WARM = 4  # connections opened per engine: the first burst after a restart
RETRY_S = 1.0  # a step that failed (the database away) is tried again after this


def risk_model(scorer: RiskScorer) -> None:
    """Load the analyser and score once: the model's first call allocates."""
    warm = getattr(scorer, "warm", None)
    if callable(warm):
        warm()
    scorer.score({}, "협박을 받았다", History())


def pools(*engines: Engine) -> None:
    """Open a few pooled connections on each engine (returned to the pool at once)."""
    for engine in engines:
        size = getattr(engine.pool, "size", lambda: POOL_WARM)()
        conns = []
        try:
            for _ in range(min(POOL_WARM, size)):
                conns.append(engine.connect())
        finally:
            for conn in conns:
                conn.close()


def keys_and_numbers(region: str) -> None:
    """The key ring's first sealing, opening and index, and the region's number tables."""
    ring = crypto.ring()
    ring.open(ring.seal("warm-up", "warm-up"), "warm-up")
    ring.index("+821000000000")
    normalise_reported("010-0000-0000", region)


class Readiness:
    """The warm-up's steps and what is done; ready once every step is."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.warmed: dict[str, float] = {}  # step -> seconds it took
        self._pending: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def pending(self) -> list[str]:
        """The steps not yet done, in order."""
        return list(self._pending)

    def do(self, steps: list[Step]) -> bool:
        """Do each step not done yet in turn (one that fails is tried again until it
        works, unless it is the risk model's: a scorer that cannot warm is no reason to
        refuse requests). False when stopped before the end."""
        todo = [(name, step) for name, step in steps if name not in self.warmed]
        self._pending = [name for name, _ in todo]
        for name, step in todo:
            at = time.monotonic()
            while not self._try(name, step):
                if self._stop.wait(RETRY_S):
                    return False
            self.warmed[name] = round(time.monotonic() - at, 3)
            self._pending.remove(name)
        return not self._stop.is_set()

    def run(self, steps: list[Step], then: Callable[[], None] | None = None) -> bool:
        """`do` the steps, then `then`, and say ready. False when stopped before."""
        if not self.do(steps):
            return False
        if then is not None:
            then()
        self.ready.set()
        log.info("ready; warm-up took (s): %s", self.warmed)
        return True

    def _try(self, name: str, step: Callable[[], None]) -> bool:
        try:
            step()
        except Exception:
            if name == RISK_MODEL:
                log.exception("warm-up: the risk model could not be warmed; going on")
                return True
            log.warning("warm-up: %s failed; trying again", name, exc_info=True)
            return False
        return True

    def start(self, steps: list[Step], then: Callable[[], None] | None = None) -> None:
        """Warm up on a thread of its own (the process serves /healthz meanwhile)."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run, args=(steps, then), name="jikimi-warm", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current step (the analyser's load cannot be cut short)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
