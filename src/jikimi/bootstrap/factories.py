"""From settings to the adapters `build` wires in: logging, the risk scorer and its
plots, the worker with its inboxes, the PostgreSQL listener."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from jikimi.alerts.messages import EscalateDueAlerts
from jikimi.alerts.repo import ESCALATION_DUE
from jikimi.bootstrap import wiring
from jikimi.bootstrap.worker import ESCALATION, Worker
from jikimi.core.bus import MessageBus
from jikimi.core.claims import Claims
from jikimi.core.db import is_sqlite
from jikimi.core.feature import Feature, Inbox
from jikimi.core.hub import AlertHub
from jikimi.core.pg_listen import PgListener
from jikimi.core.settings import Settings
from jikimi.ports import Clock, RiskScorer
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


# Open alerts due to escalate: asked with the inboxes, run by the worker itself.
_ESCALATION = Inbox(ESCALATION, lambda settings: EscalateDueAlerts(), waiting=ESCALATION_DUE)


def make_worker(
    settings: Settings,
    features: Sequence[Feature],
    bus: MessageBus,
    claims: Mapping[type[Any], Claims],
    read_sessions: sessionmaker[Session],
    clock: Clock,
    deps: Mapping[str, Any],
) -> Worker:
    """The worker: every feature's inboxes (in the features' order) and timers, and
    escalation between and after them."""
    inboxes = [i for f in features for i in f.inboxes]
    return Worker(
        bus,
        wiring.drains(inboxes, settings, claims, read_sessions, deps),
        settings.worker_poll_s,
        escalate=EscalateDueAlerts,
        timers=[
            (t.every_s(settings), functools.partial(t.command, settings))
            for f in features
            for t in f.timers
        ],
        look_for_work=wiring.look_for_work([*inboxes, _ESCALATION], read_sessions, clock),
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
