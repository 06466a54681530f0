"""Alerts: the queue, the live stream, acknowledge and resolve."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Header, Query, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from jikimi.alerts import timeline
from jikimi.alerts import views as alert_views
from jikimi.alerts.handlers import AlertNotFound
from jikimi.alerts.live import Mark, catch_up_from, visible_to
from jikimi.alerts.messages import AcknowledgeAlert, ResolveAlert
from jikimi.alerts.rules import Outcome
from jikimi.alerts.schemas import AlertPage, AlertRead, AlertResolve, TimelineEntry
from jikimi.cases import views as queries
from jikimi.core.access import Principal, sees_whole_agency
from jikimi.core.db import unavailable
from jikimi.core.errors import NotFound
from jikimi.core.tx import reading, reading_without_transaction
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import (
    CaseStaff,
    CaseStaffWatching,
    ContainerDep,
    ReadDb,
    current_principal,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


@router.get("", response_model=AlertPage)
def list_alerts(
    p: CaseStaff,
    s: ReadDb,
    a: Audit,
    c: ContainerDep,
    status: Literal["open", "acknowledged", "resolved"] | None = None,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Alerts of the caller's cases, newest first."""
    page = alert_views.list_alerts(
        s, p, status, case_id, limit, cursor, c.settings.alert_evidence_shown
    )
    a.read("alerts", case_id, _subjects(s, page["items"]))
    return page


@router.get(
    "/stream",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "one `alert` event per change"}
    },
)
async def stream(
    request: Request,
    p: CaseStaffWatching,
    c: ContainerDep,
    a: Audit,
    last_event_id: Annotated[str | None, Header()] = None,
) -> EventSourceResponse:
    """Every change to an alert the caller may see, as it commits.

    Each event's id is a position in the alerts' timeline: a console that reconnects with
    Last-Event-ID gets every change after it (an id that is not one starts from now), and
    changes made by other server processes arrive too. Opening the stream and every batch
    of alerts it sends are recorded in the access trail with the people they concern.
    Watching is not a user action: a console session still goes idle, and the stream ends
    within seconds of a logout, an idle timeout, a revoked token or a suspended account.
    It also ends when the database cannot be reached; the console reconnects.
    """
    credential: str = request.state.credential
    live, shown = c.live, c.settings.alert_evidence_shown
    since = timeline.parse(last_event_id)
    subjects_of: dict[str, list[str]] = {}  # a case's people, asked once per stream

    def disclose(case_ids: list[str], replay: bool) -> None:
        """Record what is about to be sent, with whose data it is, before it leaves."""
        missing = sorted({i for i in case_ids if i not in subjects_of})
        if missing:
            with reading_without_transaction(c.read_sessions) as s:
                for case_id in missing:
                    subjects_of[case_id] = queries.case_subjects(s, [case_id])
        people = sorted({x for i in case_ids for x in subjects_of[i]})
        a.read("alert_stream", "replay" if replay else "live", people)

    def start() -> tuple[Mark, list[tuple[str | None, str]]]:
        a.read("alerts", p.agency, [], action="stream")
        live.catch_up()
        mark = live.mark()
        if since is None:
            return mark, []
        # A reconnect: what the console missed, read for itself, then the feed from the
        # mark taken before that reading (a change may come twice, never not at all).
        alerts, reached = catch_up_from(c.read_sessions, p, since, shown)
        if alerts:
            disclose([x["case_id"] for x in alerts], replay=True)
        return mark, _identified([_render(x) for x in alerts], reached)

    def read(at: Mark) -> tuple[Mark, list[tuple[str | None, str]]]:
        """What to send next, and the feed's mark after it."""
        live.catch_up()
        found = live.after(at.reading)
        if found is None:  # further behind than the shared feed holds: read for itself
            mark = live.mark()
            alerts, reached = catch_up_from(c.read_sessions, p, at.position, shown)
            if alerts:
                disclose([x["case_id"] for x in alerts], replay=True)
            return mark, _identified([_render(x) for x in alerts], reached)
        changes, mark = found
        if not changes:
            return mark, []
        if sees_whole_agency(p):
            mine = visible_to(None, p, changes)
        else:
            with reading_without_transaction(c.read_sessions) as s:
                mine = visible_to(s, p, changes)
        if not mine:
            return mark, []
        disclose([x.case_id for x in mine], replay=False)
        for change in mine:
            if change.rendered is None:  # the first stream to send it renders it for all
                change.rendered = _render(change.alert)
        return mark, _identified([x.rendered or "" for x in mine], mark.position)

    async def events() -> AsyncIterator[ServerSentEvent]:
        wake = c.hub.subscribe()
        # The stream's reads get a thread of their own rather than queueing for the shared
        # pool behind every request under load: an alert must not wait for ingest.
        own = CapacityLimiter(1)
        try:
            at, batch = await to_thread.run_sync(start, limiter=own)
            yield ServerSentEvent(comment="connected")
            while True:
                for event_id, data in batch:
                    yield ServerSentEvent(data=data, event="alert", id=event_id)
                if await current_principal(c, credential) is None:
                    return  # the console reconnects, gets 401, and asks for a login
                # Woken by the hub (this process's worker, or the timeline watcher for
                # other processes); the timeout is only a safety net.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), 2.0)
                wake.clear()
                at, batch = await to_thread.run_sync(read, at, limiter=own)
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            # The database went away: end the stream cleanly; the console reconnects with
            # its Last-Event-ID and is answered 503 until the database is back.
            log.warning("alert stream ended: the database is unavailable")
        finally:
            c.hub.unsubscribe(wake)

    return EventSourceResponse(events(), ping=15, send_timeout=30)


def _identified(rendered: list[str], reached: timeline.Position) -> list[tuple[str | None, str]]:
    """Events to send: the last carries the position they bring the console to (a console
    cut off part-way resumes from the position before them, and gets them again)."""
    last = len(rendered) - 1
    return [(reached.token() if i == last else None, x) for i, x in enumerate(rendered)]


def _render(alert: dict[str, Any]) -> str:
    return AlertRead.model_validate(alert).model_dump_json()


def _subjects(s: Session, alerts: list[dict[str, Any]]) -> list[str]:
    return queries.case_subjects(s, sorted({x["case_id"] for x in alerts}))


def _visible(s: Session, p: Principal, alert_id: str, write: bool = False) -> str:
    row = alert_views.visible_alert(s, p, alert_id, write=write)
    if row is None:
        raise NotFound("alert")
    return row.case_id


def _one(c: ContainerDep, p: Principal, alert_id: str, a: Auditor, action: str) -> dict[str, Any]:
    with reading(c.read_sessions) as s:
        row = alert_views.visible_alert(s, p, alert_id)
        if row is None:
            raise NotFound("alert")
        out = alert_views.alerts_json(s, [row])[0]
        a.read("alert", alert_id, queries.case_subjects(s, [row.case_id]), action=action)
        return out


@router.get("/{alert_id}", response_model=AlertRead)
def get_alert(alert_id: str, p: CaseStaff, c: ContainerDep, a: Audit) -> dict[str, Any]:
    """One alert."""
    return _one(c, p, alert_id, a, "read")


@router.get("/{alert_id}/timeline", response_model=list[TimelineEntry])
def get_timeline(alert_id: str, p: CaseStaff, s: ReadDb, a: Audit) -> list[dict[str, Any]]:
    """Every change of the alert, oldest first."""
    case_id = _visible(s, p, alert_id)
    out = alert_views.timeline(s, alert_id)
    a.read("alert", alert_id, queries.case_subjects(s, [case_id]))
    return out


@router.post("/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge(alert_id: str, p: CaseStaff, c: ContainerDep, a: Audit) -> dict[str, Any]:
    """I have seen it; stops escalation."""
    with reading(c.read_sessions) as s:
        _visible(s, p, alert_id, write=True)  # a break-glass reads, never acts
    try:
        c.bus.handle(AcknowledgeAlert(alert_id, p.label))
    except AlertNotFound:
        raise NotFound("alert") from None
    return _one(c, p, alert_id, a, "update")


@router.post("/{alert_id}/resolve", response_model=AlertRead)
def resolve(
    alert_id: str, body: AlertResolve, p: CaseStaff, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Close the alert with its outcome; the next violation opens a new alert."""
    with reading(c.read_sessions) as s:
        _visible(s, p, alert_id, write=True)  # a break-glass reads, never acts
    try:
        c.bus.handle(ResolveAlert(alert_id, p.label, Outcome(body.outcome), body.note))
    except AlertNotFound:
        raise NotFound("alert") from None
    return _one(c, p, alert_id, a, "update")
