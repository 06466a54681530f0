"""The bus and the worker's inboxes, built from the features' registrations.

Handlers get their dependencies here, once (`core.feature.inject`): the clock, the
escalation policy, the approach rules, the tracks' memory, the risk scorer, and for each
command its `Claims` (what the worker's batches of that inbox took over a pass, which the
worker reads back).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.bootstrap.worker import Drain
from jikimi.core.bus import MessageBus, Notifier
from jikimi.core.claims import Claims
from jikimi.core.feature import Feature, Inbox, inject
from jikimi.core.tx import reading_without_transaction
from jikimi.ports import Clock


def message_bus(
    features: Sequence[Feature],
    uow_factory: Callable[[], Any],
    notifier: Notifier,
    deps: Mapping[str, Any],
) -> tuple[MessageBus, dict[type[Any], Claims]]:
    """A bus that runs every feature's handlers, and each command's claims."""
    claims: dict[type[Any], Claims] = {}
    handlers: dict[type[Any], Any] = {}
    one_by_one: dict[type[Any], Any] = {}
    for feature in features:
        for table, registered in ((handlers, feature.handlers), (one_by_one, feature.one_by_one)):
            for kind, fn in registered.items():
                own = {**deps, "claims": claims.setdefault(kind, Claims())}
                table[kind] = inject(fn, own)
    return MessageBus(uow_factory, notifier, handlers, one_by_one), claims


def _has_work(read_sessions: sessionmaker[Session], waiting: Any) -> bool:
    with reading_without_transaction(read_sessions) as s:
        return bool(s.scalar(select(waiting)))


def drains(
    inboxes: Sequence[Inbox],
    settings: Any,
    claims: Mapping[type[Any], Claims],
    read_sessions: sessionmaker[Session],
    deps: Mapping[str, Any],
) -> list[Drain]:
    """The inboxes as the worker drains them, in the features' order."""
    out = []
    for inbox in inboxes:
        command = functools.partial(inbox.command, settings)
        has_work: Callable[[], bool]
        if inbox.waiting is not None:
            has_work = functools.partial(_has_work, read_sessions, inbox.waiting)
        elif inbox.ready is not None:
            has_work = inject(inbox.ready, deps)
        else:
            raise ValueError(f"inbox {inbox.name!r} says neither how to look nor when ready")
        kind = type(command())
        out.append(Drain(inbox.name, command, has_work, claims[kind], inbox.escalate_between))
    return out


def look_for_work(
    inboxes: Sequence[Inbox], read_sessions: sessionmaker[Session], clock: Clock
) -> Callable[[], dict[str, bool]]:
    """One read that asks every inbox with a `waiting` expression at once (an idle pass
    costs one query, not one per inbox)."""
    asked = [i for i in inboxes if i.waiting is not None]
    query = select(*(i.waiting.label(f"w{n}") for n, i in enumerate(asked)))

    def look() -> dict[str, bool]:
        with reading_without_transaction(read_sessions) as s:
            row = s.execute(query, {"now": clock.now()}).one()
        return {i.name: bool(v) for i, v in zip(asked, row, strict=True)}

    return look
