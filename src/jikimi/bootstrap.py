"""The one place that picks real adapters and wires them together."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.adapters.clock import SystemClock
from jikimi.adapters.hub import AlertHub
from jikimi.adapters.ratelimit import RateLimiter
from jikimi.adapters.ttlcache import TtlCache
from jikimi.config import Settings
from jikimi.domain.access import Principal
from jikimi.domain.alerts import EscalationPolicy
from jikimi.domain.orders import StatutePack, load_pack
from jikimi.engine.bus import MessageBus
from jikimi.engine.ports import Clock
from jikimi.engine.worker import Worker
from jikimi.store import crypto, queries
from jikimi.store import tables as t
from jikimi.store.db import make_engine, migrate
from jikimi.store.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class TimelineWatcher:
    """One thread per process looks at the alert timeline's head and wakes the SSE streams
    when it grew, e.g. through a worker in another process (`jikimi worker`)."""

    def __init__(self, read: Callable[[], int], hub: AlertHub, period_s: float) -> None:
        self.read, self.hub, self.period_s = read, hub, period_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        last = -1
        while not self._stop.is_set():
            try:
                seq = self.read()
                if last >= 0 and seq != last:
                    self.hub.alerts_changed()
                last = seq
            except Exception:
                log.warning("timeline watcher could not read the database")
            self._stop.wait(self.period_s)

    def start(self) -> None:
        """Start watching."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="jikimi-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait, so no read outlives the engine."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    engine: Engine
    read_engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    pack: StatutePack
    hub: AlertHub
    bus: MessageBus
    worker: Worker
    limiter: RateLimiter
    principals: TtlCache[str, Principal]
    signing_keys: TtlCache[str, bytes]
    watcher: TimelineWatcher
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        """Stop the worker and the watcher, and release connections."""
        self.worker.stop()
        self.watcher.stop()
        self.engine.dispose()
        self.read_engine.dispose()


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    """Wire Jikimi for `settings` (from the environment when None); migrates the database."""
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # Request URLs and migration chatter are noise for an operator; keep them out.
    for noisy in ("httpx", "httpx2", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    crypto.install(crypto.KeyRing.load(settings.keys, Path(settings.key_file)))
    engine = make_engine(settings.database_url, immediate=True)
    read_engine = make_engine(settings.database_url, immediate=False)
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    read_sessions = sessionmaker(read_engine, expire_on_commit=False)
    pack = load_pack(settings.statute_pack)
    hub = AlertHub()
    clock = clock or SystemClock()
    policy = EscalationPolicy(
        period=timedelta(seconds=settings.escalate_after_s),
        max_level=settings.escalate_max_level,
    )
    bus = MessageBus(lambda: SqlUnitOfWork(sessions, pack), clock, hub, policy)

    def has_pending() -> bool:
        with read_sessions() as s:
            q = select(t.ContactEvent.id).where(t.ContactEvent.processed_at.is_(None)).limit(1)
            return s.scalars(q).first() is not None

    def latest_seq() -> int:
        with read_sessions() as s:
            return queries.latest_seq(s)

    worker = Worker(bus, has_pending, settings.worker_poll_s, settings.worker_batch)
    limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    return Container(
        settings,
        engine,
        read_engine,
        sessions,
        read_sessions,
        pack,
        hub,
        bus,
        worker,
        limiter,
        TtlCache(settings.auth_cache_s),
        TtlCache(settings.auth_cache_s),
        TimelineWatcher(latest_seq, hub, settings.sse_poll_s),
        clock,
    )
