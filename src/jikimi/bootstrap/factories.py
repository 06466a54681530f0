"""From settings to the adapters `build` wires in: logging, the risk scorer and its
plots, the worker with its inboxes, the PostgreSQL listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.bootstrap import waiting
from jikimi.bootstrap.worker import Worker, WorkSeen
from jikimi.cases.tables import Case
from jikimi.contacts.tables import ContactEvent
from jikimi.core.bus import MessageBus
from jikimi.core.db import is_sqlite
from jikimi.core.hub import AlertHub
from jikimi.core.pg_listen import PgListener
from jikimi.core.settings import Settings
from jikimi.core.tx import reading_without_transaction
from jikimi.devices.messages import CheckSilentDevices, JudgeDeviceEvents
from jikimi.devices.tables import DeviceEvent
from jikimi.ports import Clock, RiskScorer
from jikimi.proximity import positions
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.proximity.rules import Rules
from jikimi.proximity.tables import Position
from jikimi.risk.messages import RescoreCases
from jikimi.risk.rules import ChecklistScorer

# The bootstrap's one logger name, as before it became a package (operators filter on it).
log = logging.getLogger("jikimi.bootstrap")


def configure_logging(settings: Settings) -> None:
    """Log at the configured level, without the libraries' chatter."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # Request URLs and migration chatter are noise for an operator; keep them out.
    for noisy in ("httpx", "httpx2", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


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


def make_worker(
    settings: Settings,
    bus: MessageBus,
    read_sessions: sessionmaker[Session],
    clock: Clock,
    scorer: RiskScorer,
    track_memory: TrackMemory,
) -> Worker:
    """The worker: the contact inbox, the other inboxes it looks into, its timers."""

    def has_pending() -> bool:
        with reading_without_transaction(read_sessions) as s:
            q = select(ContactEvent.id).where(ContactEvent.processed_at.is_(None)).limit(1)
            return s.scalars(q).first() is not None

    def has_device_events() -> bool:
        with reading_without_transaction(read_sessions) as s:
            q = select(DeviceEvent.id).where(DeviceEvent.processed_at.is_(None)).limit(1)
            return s.scalars(q).first() is not None

    def has_rescores() -> bool:
        with reading_without_transaction(read_sessions) as s:
            q = select(Case.id).where(Case.risk_rescore_due_at.is_not(None)).limit(1)
            return s.scalars(q).first() is not None

    def look_for_work() -> WorkSeen:
        with reading_without_transaction(read_sessions) as s:
            row = s.execute(waiting.LOOK, {"now": clock.now()}).one()
        contacts, devices, rescores, fixes, due = row
        # Aligned with the inboxes below.
        return WorkSeen(bool(contacts), bool(due), (bool(devices), bool(fixes), bool(rescores)))

    rules = Rules(
        eta_warn_s=settings.eta_warn_s, victim_fix_max_age_s=settings.victim_fix_max_age_s
    )

    def has_positions() -> bool:
        with reading_without_transaction(read_sessions) as s:
            newest = s.scalar(select(func.max(Position.seq)))
            return newest is not None and newest > positions.cursor(s)

    return Worker(
        bus,
        has_pending,
        settings.worker_poll_s,
        settings.worker_batch,
        inboxes=[
            (has_device_events, lambda claims: JudgeDeviceEvents(claims=claims)),
            (
                has_positions,
                lambda claims: JudgePositions(rules=rules, memory=track_memory, claims=claims),
            ),
            (has_rescores, lambda claims: RescoreCases(scorer, claims=claims)),
            # After the batches' alerts are told: a part of the tracks' snapshot.
            (track_memory.checkpoint_due, lambda claims: SaveTrackStates(track_memory, claims)),
        ],
        timers=[(5.0, lambda: CheckSilentDevices(settings.device_silence_s))],
        look_for_work=look_for_work,
    )


ALERTS, INBOX = "jikimi_alerts", "jikimi_inbox"  # PostgreSQL's channels between processes


def make_listener(
    settings: Settings,
    hub: AlertHub,
    worker: Worker,
    ignore_from: Callable[[int], bool],
) -> PgListener | None:
    """What hears the other processes on a PostgreSQL database: a connection that LISTENs
    (notifications whose sender `ignore_from` names are dropped). None on SQLite, which
    one process serves alone."""
    if is_sqlite(settings.database_url):
        return None

    def alerts_notified(_: str) -> None:
        # Every commit that changed alerts wakes the streams: a transaction that took long
        # commits a change below the newest seq, and it must be read all the same.
        hub.alerts_changed()

    handlers = {ALERTS: alerts_notified, INBOX: lambda _: worker.wake()}
    return PgListener(settings.database_url, handlers, ignore_from=ignore_from)
