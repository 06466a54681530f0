"""One console's live stream of alerts: what to send next from the shared feed (or read for
itself after a reconnect), each batch recorded in the access trail before it leaves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from jikimi.alerts import timeline
from jikimi.alerts.live import Mark, catch_up_from, visible_to
from jikimi.alerts.schemas import identified, render_alert
from jikimi.bootstrap import Container
from jikimi.cases import queries
from jikimi.core.access import Principal, sees_whole_agency
from jikimi.core.db import unavailable
from jikimi.core.tx import reading_without_transaction
from jikimi.http.audit import Auditor
from jikimi.http.deps import current_principal

Batch = list[tuple[str | None, str]]
"""Events to send: (SSE id or None, the alert's JSON)."""

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseGone(Exception):
    """The database cannot be reached: the stream ends and the console reconnects."""


def _ends_when_unavailable(read: Callable[P, T]) -> Callable[P, T]:
    @wraps(read)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(*args, **kwargs)
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            raise DatabaseGone from exc

    return guarded


class AlertStream:
    """What one caller's stream sends, from `since` (a Last-Event-ID) or from now."""

    def __init__(
        self, c: Container, a: Auditor, p: Principal, since: timeline.Position | None
    ) -> None:
        self.c, self.a, self.p, self.since = c, a, p, since
        self.shown = c.settings.alert_evidence_shown
        self.subjects_of: dict[str, list[str]] = {}  # a case's people, asked once per stream

    def _disclose(self, case_ids: list[str], replay: bool) -> None:
        """Record what is about to be sent, with whose data it is, before it leaves."""
        missing = sorted({i for i in case_ids if i not in self.subjects_of})
        if missing:
            with reading_without_transaction(self.c.read_sessions) as s:
                for case_id in missing:
                    self.subjects_of[case_id] = queries.case_subjects(s, [case_id])
        people = sorted({x for i in case_ids for x in self.subjects_of[i]})
        self.a.read("alert_stream", "replay" if replay else "live", people)

    def _read_own(self, since: timeline.Position) -> tuple[list[dict[str, Any]], Any]:
        alerts, reached = catch_up_from(self.c.read_sessions, self.p, since, self.shown)
        if alerts:
            self._disclose([x["case_id"] for x in alerts], replay=True)
        return alerts, reached

    @_ends_when_unavailable
    def start(self) -> tuple[Mark, Batch]:
        """Record the stream's opening; the feed's mark and, after a reconnect, what the
        console missed."""
        live = self.c.live
        self.a.read("alerts", self.p.agency, [], action="stream")
        live.catch_up()
        mark = live.mark()
        if self.since is None:
            return mark, []
        # A reconnect: what the console missed, read for itself, then the feed from the
        # mark taken before that reading (a change may come twice, never not at all).
        alerts, reached = self._read_own(self.since)
        return mark, identified([render_alert(x) for x in alerts], reached)

    @_ends_when_unavailable
    def read(self, at: Mark) -> tuple[Mark, Batch]:
        """What to send next, and the feed's mark after it."""
        live, p = self.c.live, self.p
        live.catch_up()
        found = live.after(at.reading)
        if found is None:  # further behind than the shared feed holds: read for itself
            mark = live.mark()
            alerts, reached = self._read_own(at.position)
            return mark, identified([render_alert(x) for x in alerts], reached)
        changes, mark = found
        if not changes:
            return mark, []
        if sees_whole_agency(p):
            mine = visible_to(None, p, changes)
        else:
            with reading_without_transaction(self.c.read_sessions) as s:
                mine = visible_to(s, p, changes)
        if not mine:
            return mark, []
        self._disclose([x.case_id for x in mine], replay=False)
        for change in mine:
            if change.rendered is None:  # the first stream to send it renders it for all
                change.rendered = render_alert(change.alert)
        return mark, identified([x.rendered or "" for x in mine], mark.position)

    async def signed_in(self, credential: str) -> bool:
        """Whether the caller's token or console session still holds."""
        try:
            return await current_principal(self.c, credential) is not None
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            raise DatabaseGone from exc
