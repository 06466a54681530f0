"""The one place that picks real adapters and wires them together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker

from jikimi.adapters.clock import SystemClock
from jikimi.adapters.hub import AlertHub
from jikimi.adapters.pg_listen import PgListener
from jikimi.adapters.ratelimit import RateLimiter
from jikimi.adapters.ttlcache import TtlCache, VersionedCache
from jikimi.adapters.watcher import TimelineWatcher
from jikimi.config import Settings
from jikimi.domain.access import Principal
from jikimi.domain.alerts import EscalationPolicy
from jikimi.domain.orders import StatutePack, load_pack
from jikimi.domain.proximity import Rules
from jikimi.domain.risk import ChecklistScorer
from jikimi.engine.bus import MessageBus
from jikimi.engine.handlers import judge_stored_contacts
from jikimi.engine.messages import (
    CheckSilentDevices,
    JudgeDeviceEvents,
    JudgePositions,
    JudgeStoredContacts,
    RescoreCases,
)
from jikimi.engine.ports import Clock, PendingContact, RiskScorer
from jikimi.engine.proximity_memory import TrackMemory
from jikimi.engine.worker import Worker, WorkSeen
from jikimi.store import alert_views, crypto, ingest, positions, waiting
from jikimi.store import tables as t
from jikimi.store.anklets import AnkletDirectory
from jikimi.store.db import URGENT, is_sqlite, make_engine, migrate, own_backends, unavailable
from jikimi.store.live import LiveFeed
from jikimi.store.tx import peeking
from jikimi.store.uow import JoinedUnitOfWork, SqlUnitOfWork

log = logging.getLogger(__name__)


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
    live: LiveFeed  # the alert timeline, read once for every live stream of this process
    clock: Clock = field(default_factory=SystemClock)
    # Console sessions: when each was last marked active (at most once a minute), and
    # login attempts per source address (1/s, bursts of 10) on top of account lockout.
    touched: TtlCache[str, bool] = field(default_factory=lambda: TtlCache(60.0))
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
    # PostgreSQL: notifications from other processes (alerts changed, work stored).
    listener: PgListener | None = None

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
            return judge_stored_contacts(
                JudgeStoredContacts(tuple(events)),
                JoinedUnitOfWork(
                    s, self.pack, marked={e.id: e.victim_id for e in events} if marked else None
                ),
                self.clock,
                self.bus.policy,
            )
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
            self.worker.wake()
        elif changed:
            self.hub.alerts_changed()

    def close(self) -> None:
        """Stop the worker, the watcher and the listener, and release connections."""
        self.worker.stop()
        self.watcher.stop()
        if self.listener is not None:
            self.listener.stop()
        self.engine.dispose()
        self.read_engine.dispose()


def load_scorer(kind: str = "model") -> RiskScorer:
    """The learned model shipped in the package (`jikimi.risk`), or the police checklist
    count when asked for (`JIKIMI_RISK_SCORER=checklist`) or when the model cannot be
    loaded (said in the log: scores then are only grades)."""
    if kind == "checklist":
        log.info("risk scoring: police checklist (JIKIMI_RISK_SCORER)")
        return ChecklistScorer()
    try:
        from jikimi.risk.scorer import Scorer

        scorer: RiskScorer = Scorer.load()
    except Exception:
        log.exception("risk scoring: the learned model could not be loaded; police checklist")
        return ChecklistScorer()
    log.info("risk scoring: learned model %s", scorer.version)
    return scorer


def risk_plots(scorer: RiskScorer) -> tuple[Path | None, tuple[str, ...]]:
    """The card's plot files that exist, and their directory.

    The card names them in `plots` (file names, or objects with `file`) and their
    directory in `plots_dir` (or the scorer's `plots_dir` attribute).
    """
    card = scorer.card()
    base = card.get("plots_dir") or getattr(scorer, "plots_dir", None)
    if not base or not Path(str(base)).is_dir():
        return None, ()
    folder = Path(str(base))
    names = []
    for item in card.get("plots") or []:
        name = item.get("file") if isinstance(item, dict) else item
        if isinstance(name, str) and Path(name).name == name and (folder / name).is_file():
            names.append(name)
    return folder, tuple(names)


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
    # The engine's own units of work (judging, escalation, acknowledgements) write ahead
    # of ingest on SQLite's one-writer queue: alerts must not wait behind a flood of pings.
    urgent_sessions = sessionmaker(
        engine.execution_options(**{URGENT: True}), expire_on_commit=False
    )
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
    geo_cache: VersionedCache[str, Any] = VersionedCache(60.0)
    bus = MessageBus(
        lambda: SqlUnitOfWork(
            urgent_sessions, pack, settings.warn_radius_m, geo_cache, read_sessions
        ),
        clock,
        hub,
        policy,
    )

    def has_pending() -> bool:
        with peeking(read_sessions) as s:
            q = select(t.ContactEvent.id).where(t.ContactEvent.processed_at.is_(None)).limit(1)
            return s.scalars(q).first() is not None

    def latest_seq() -> int:
        with peeking(read_sessions) as s:
            return alert_views.latest_seq(s)

    def has_device_events() -> bool:
        with peeking(read_sessions) as s:
            q = select(t.DeviceEvent.id).where(t.DeviceEvent.processed_at.is_(None)).limit(1)
            return s.scalars(q).first() is not None

    scorer = load_scorer(settings.risk_scorer)
    plot_dir, plots = risk_plots(scorer)

    def has_rescores() -> bool:
        with peeking(read_sessions) as s:
            q = select(t.Case.id).where(t.Case.risk_rescore_due_at.is_not(None)).limit(1)
            return s.scalars(q).first() is not None

    def peek() -> WorkSeen:
        with peeking(read_sessions) as s:
            row = s.execute(waiting.LOOK, {"now": clock.now()}).one()
        contacts, devices, rescores, fixes, due = row
        # Aligned with the inboxes below.
        return WorkSeen(bool(contacts), bool(due), (bool(devices), bool(fixes), bool(rescores)))

    rules = Rules(
        eta_warn_s=settings.eta_warn_s, victim_fix_max_age_s=settings.victim_fix_max_age_s
    )

    track_memory = TrackMemory()  # this process's judge keeps the tracks' states here

    def has_positions() -> bool:
        with peeking(read_sessions) as s:
            newest = s.scalar(select(func.max(t.Position.seq)))
            return newest is not None and newest > positions.cursor(s)

    worker = Worker(
        bus,
        has_pending,
        settings.worker_poll_s,
        settings.worker_batch,
        inboxes=[
            (has_device_events, JudgeDeviceEvents),
            (has_positions, lambda: JudgePositions(rules=rules, memory=track_memory)),
            (has_rescores, lambda: RescoreCases(scorer)),
        ],
        timers=[(5.0, lambda: CheckSilentDevices(settings.device_silence_s))],
        peek=peek,
    )
    limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    live = LiveFeed(read_sessions, hub.generation, evidence=settings.alert_evidence_shown)

    def alerts_notified(payload: str) -> None:
        # A change this process's streams have read already (its own) wakes nobody.
        if not payload.isdigit() or int(payload) > live.head:
            hub.alerts_changed()

    listener = (
        None
        if is_sqlite(settings.database_url)
        else PgListener(
            settings.database_url,
            {"jikimi_alerts": alerts_notified, "jikimi_inbox": lambda _: worker.wake()},
            ignore_from=own_backends(engine, read_engine),  # acted on already
        )
    )
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
    )
