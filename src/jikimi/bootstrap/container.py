"""The container a process runs on, and `build`, which wires it for the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker

from jikimi.alerts import queries as alert_queries
from jikimi.alerts.live import LiveFeed
from jikimi.alerts.rules import EscalationPolicy
from jikimi.bootstrap import warmup
from jikimi.bootstrap.factories import (
    configure_logging,
    load_scorer,
    make_listener,
    make_worker,
    risk_plots,
)
from jikimi.bootstrap.uow import JoinedUnitOfWork, SqlUnitOfWork
from jikimi.bootstrap.wiring import message_bus
from jikimi.bootstrap.worker import Worker
from jikimi.cases.orders import StatutePack, load_pack
from jikimi.contacts import ingest
from jikimi.contacts.handlers import VictimsBusy
from jikimi.contacts.messages import JudgeStoredContacts
from jikimi.core import evidence_key
from jikimi.core import sealing as crypto
from jikimi.core.access import Principal
from jikimi.core.bus import MessageBus
from jikimi.core.caches import SharedCache, spread_ttl_cache, ttl_cache
from jikimi.core.clock import SystemClock
from jikimi.core.db import (
    SQLITE_CHECKPOINT_S,
    checkpoint,
    make_engine,
    migrate,
    own_backends,
    unavailable,
)
from jikimi.core.hub import AlertHub
from jikimi.core.periodic import Periodic
from jikimi.core.pg_listen import PgListener
from jikimi.core.ratelimit import RateLimiter
from jikimi.core.settings import Settings
from jikimi.core.tx import reading_without_transaction
from jikimi.core.watcher import TimelineWatcher
from jikimi.devices.anklets import AnkletDirectory
from jikimi.measures.rules import measures_from
from jikimi.ports import Clock, PendingContact, RiskScorer
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import Rules
from jikimi.risk.rules import ChecklistScorer
from jikimi.support.rules import limits_from
from jikimi.tasks.rules import calendar_for, policy_from

# The bootstrap's one logger name, as before it became a package (operators filter on it).
log = logging.getLogger("jikimi.bootstrap")


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
    principals: SharedCache[str, Principal]
    signing_keys: SharedCache[str, bytes]
    watcher: TimelineWatcher
    live: LiveFeed  # the alert timeline, read once for every live stream of this process
    clock: Clock = field(default_factory=SystemClock)
    # Console sessions: when each was last marked active (at most once a minute), and
    # login attempts per source address (1/s, bursts of 10) on top of account lockout.
    touched: SharedCache[str, bool] = field(default_factory=lambda: ttl_cache(60.0))
    login_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(1.0, 10))
    # Risk scoring: the learned model when installed, else the police checklist; the
    # model card's plot files (names) and the directory that holds them.
    scorer: RiskScorer = field(default_factory=ChecklistScorer)
    risk_plot_dir: Path | None = None
    risk_plots: tuple[str, ...] = ()
    # The feed's anklet serials (devices and wearers), remembered between requests.
    anklets: AnkletDirectory = field(default_factory=lambda: AnkletDirectory(2.0))
    # The position judge's track states (engine.proximity_memory), shared by its batches.
    track_memory: TrackMemory = field(default_factory=TrackMemory)
    # What hears other processes (alerts changed, work stored): PostgreSQL's LISTEN
    # connection; none on SQLite, which one process serves alone.
    listener: PgListener | None = None
    # SQLite: the WAL copied into the database on a thread, not in a request's commit.
    checkpointer: Periodic | None = None
    # What is slow the first time, done before the process says it is ready (/readyz).
    readiness: warmup.Readiness = field(default_factory=warmup.Readiness)
    # What the bus's handlers were given, by name (`bus_with` replaces some).
    deps: dict[str, Any] = field(default_factory=dict)

    def warm_up_steps(self) -> list[warmup.Step]:
        """The warm-up, in order: the longest first (the risk model's analyser)."""
        return [
            (warmup.RISK_MODEL, lambda: warmup.risk_model(self.scorer)),
            ("database", lambda: warmup.pools(self.engine, self.read_engine)),
            ("key ring and numbers", lambda: warmup.keys_and_numbers(self.settings.default_region)),
            ("live feed", self.live.catch_up),
        ]

    def bus_with(self, **deps: Any) -> MessageBus:
        """A bus like this process's with some dependencies replaced: another judge's
        track memory, say, for a tool or a test that plays several workers."""
        from jikimi.features import FEATURES  # see `build`

        bus, _ = message_bus(FEATURES, self.bus.uow_factory, self.hub, {**self.deps, **deps})
        return bus

    @property
    def judges_on_ingest(self) -> bool:
        """Whether `judge_stored` judges here (else the events are left to the worker):
        ingest may then store them already marked judged (`store_contacts(mark_judged=)`)."""
        return self.settings.worker

    def judge_stored(
        self, s: Session, events: list[PendingContact], *, marked: bool = False
    ) -> set[str] | None:
        """Judge events in the transaction that stores them, when this process judges
        (`JIKIMI_WORKER`; an API-only process leaves them to a `jikimi worker`).

        Returns the alerts changed, or None when the events are left to the worker
        (judging here is off, or failed and was rolled back alone). Either way the events
        commit with the caller's transaction; call `after_ingest` once it has committed.
        `marked`: they were stored already marked judged (put back in the inbox if
        judging fails).
        """
        if not events:
            return set()
        if not self.settings.worker:
            if marked:  # not judged here after all: back to the inbox
                ingest.unmark(s, events)
            return None
        try:
            return self.bus.handlers[JudgeStoredContacts](
                JudgeStoredContacts(tuple(events)),
                JoinedUnitOfWork(
                    s, self.pack, marked={e.id: e.victim_id for e in events} if marked else None
                ),
            )
        except VictimsBusy:
            # Another transaction judges this victim now (or stalled while it did): the
            # 202 does not wait for it; the worker judges these once it is done.
            log.info("contacts left to the worker: their victim is being judged elsewhere")
        except (PendingRollbackError, DBAPIError) as exc:
            if isinstance(exc, PendingRollbackError) or unavailable(exc):
                raise  # the database went away: the request answers 503, not 202
            log.warning("contacts not judged on ingest; left to the worker", exc_info=True)
        except Exception:
            # Left in the inbox: the worker judges them (and sets aside one that fails).
            log.warning("contacts not judged on ingest; left to the worker", exc_info=True)
        if marked:
            ingest.unmark(s, events)
        return None

    def after_ingest(self, changed: set[str] | None) -> None:
        """After the ingest commit: wake the streams, or the worker for what is left."""
        if changed is None:
            self.work_stored()
        elif changed:
            self.hub.alerts_changed()

    def work_stored(self) -> None:
        """After a commit that stored work for the worker: wake this process's worker
        (on PostgreSQL the commit notifies the other processes' by itself)."""
        self.worker.wake()

    def start_threads(self, *, worker: bool, watcher: bool = True) -> None:
        """Start this process's threads: the worker (unless another process runs it), the
        timeline watcher (for live streams), and the listener or checkpointer of its
        database."""
        if worker:
            self.worker.start()
        if watcher:
            self.watcher.start()
        for loop in (self.listener, self.checkpointer):
            if loop is not None:
                loop.start()

    def stop_threads(self) -> None:
        """Stop every thread `start_threads` may have started (each waits for its own)."""
        for loop in (self.checkpointer, self.listener):
            if loop is not None:
                loop.stop()
        self.watcher.stop()
        self.worker.stop()

    def close(self) -> None:
        """Stop the threads and release connections."""
        self.stop_threads()
        self.engine.dispose()
        self.read_engine.dispose()


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    """Wire Jikimi for `settings` (from the environment when None); migrates the database."""
    settings = settings or Settings()
    configure_logging(settings)
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
    # What the proximity rules know of cases and devices, kept until it changes (a minute
    # at most): triggers bump `watch.version` with every change (migration 0005).
    geo_cache: SharedCache[str, Any] = spread_ttl_cache(60.0)
    scorer = load_scorer(settings.risk_scorer)
    plot_dir, plots = risk_plots(scorer)
    track_memory = TrackMemory()  # this process's judge keeps the tracks' states here
    # What the handlers and the worker's readiness checks are given, by name.
    deps: dict[str, Any] = {
        "clock": clock,
        "policy": policy,
        "approach_rules": Rules(
            eta_warn_s=settings.eta_warn_s, victim_fix_max_age_s=settings.victim_fix_max_age_s
        ),
        "track_memory": track_memory,
        "scorer": scorer,
        "pack": pack,
        "follow_up_policy": policy_from(pack.follow_up),
        "calendar": calendar_for(pack.holidays, pack.tz),
        "measure_kinds": measures_from(pack.safety_measures),
        "support_limits": limits_from(pack.support),
        "evidence_key": evidence_key.load(
            Path(settings.evidence_key_file or evidence_key.default_path(settings.key_file))
        ),
    }
    from jikimi.features import FEATURES  # the features import the HTTP layer, which imports this

    bus, claims = message_bus(
        FEATURES,
        lambda: SqlUnitOfWork(sessions, pack, settings.warn_radius_m, geo_cache, read_sessions),
        hub,
        deps,
    )

    def latest_seq() -> int:
        with reading_without_transaction(read_sessions) as s:
            return alert_queries.latest_seq(s)

    worker = make_worker(settings, FEATURES, bus, claims, read_sessions, clock, deps)
    limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    live = LiveFeed(read_sessions, hub.generation, evidence=settings.alert_evidence_shown)
    # Notifications from this process's own connections were acted on already.
    listener = make_listener(settings, hub, worker, own_backends(engine, read_engine))
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
        ttl_cache(settings.auth_cache_s),
        ttl_cache(settings.auth_cache_s),
        TimelineWatcher(latest_seq, hub, settings.sse_poll_s, known=lambda: live.head),
        live,
        clock,
        scorer=scorer,
        risk_plot_dir=plot_dir,
        risk_plots=plots,
        login_limiter=RateLimiter(settings.login_rate_per_s, settings.login_burst),
        anklets=AnkletDirectory(settings.auth_cache_s),
        track_memory=track_memory,
        listener=listener,
        checkpointer=(
            Periodic(lambda: checkpoint(read_engine), SQLITE_CHECKPOINT_S, "checkpoint")
            if read_engine.dialect.name == "sqlite"
            else None
        ),
        deps=deps,
    )
