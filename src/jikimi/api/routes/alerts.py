"""Alerts: the queue, the live stream, acknowledge and resolve."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Header, Query, Request
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from jikimi.api.audit import Audit, Auditor
from jikimi.api.deps import (
    CaseStaff,
    CaseStaffWatching,
    ContainerDep,
    ReadDb,
    current_principal,
)
from jikimi.api.schemas.alerts import AlertPage, AlertRead, AlertResolve, TimelineEntry
from jikimi.domain.access import Principal, sees_whole_agency
from jikimi.domain.alerts import Outcome
from jikimi.domain.errors import NotFound
from jikimi.engine.handlers import AlertNotFound
from jikimi.engine.messages import AcknowledgeAlert, ResolveAlert
from jikimi.store import alert_views, queries
from jikimi.store.live import visible_to
from jikimi.store.tail import TimelineTail
from jikimi.store.tx import peeking, reading

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
    last_event_id: Annotated[str | None, Header(max_length=30)] = None,
) -> EventSourceResponse:
    """Every change to an alert the caller may see, as it happens.

    The stream tails the alerts' append-only timeline, so a console that reconnects with
    Last-Event-ID misses nothing, and changes made by other server processes arrive too.
    Opening the stream is recorded in the access trail. Watching is not a user action:
    a console session still goes idle, and the stream ends within seconds of a logout,
    an idle timeout, a revoked token or a suspended account.
    """
    credential: str = request.state.credential
    live, shown = c.live, c.settings.alert_evidence_shown

    def start() -> TimelineTail:
        # One record when the stream opens: who watched which agency's live queue, from
        # where, for what. What it was shown follows from the alert timeline after that
        # point, so recording every push (a write per alert per console) is not needed.
        a.read("alerts", p.agency, [], action="stream")
        if last_event_id and last_event_id.isdigit():
            return TimelineTail(p, int(last_event_id), latest=shown)
        live.catch_up()
        if live.head >= 0:
            return TimelineTail(p, live.head, latest=shown)
        with reading(c.read_sessions) as s:
            return TimelineTail(p, alert_views.latest_seq(s), latest=shown)

    def read(tail: TimelineTail) -> tuple[list[tuple[int, str]], bool]:
        """What to send next, and whether more may be waiting already."""
        live.catch_up()
        changes = live.after(tail.cursor)
        if changes is None:  # further behind than the shared feed holds: read for itself
            with peeking(c.read_sessions) as s:
                batch = tail.poll(s)
            return [(seq, _render(alert)) for seq, alert in batch], bool(batch)
        if not changes:
            return [], False
        tail.cursor = changes[-1].seq
        if sees_whole_agency(p):
            mine = visible_to(None, p, changes)
        else:
            with peeking(c.read_sessions) as s:
                mine = visible_to(s, p, changes)
        out = []
        for change in mine:
            if change.rendered is None:  # the first stream to send it renders it for all
                change.rendered = _render(change.alert)
            out.append((change.seq, change.rendered))
        return out, False

    async def events() -> AsyncIterator[ServerSentEvent]:
        wake = c.hub.subscribe()
        # The stream's reads get a thread of their own rather than queueing for the shared
        # pool behind every request under load: an alert must not wait for ingest.
        own = CapacityLimiter(1)
        try:
            tail = await to_thread.run_sync(start, limiter=own)
            yield ServerSentEvent(comment="connected")
            while True:
                if await current_principal(c, credential) is None:
                    return  # the console reconnects, gets 401, and asks for a login
                wake.clear()
                batch, more = await to_thread.run_sync(read, tail, limiter=own)
                for seq, data in batch:
                    # Each alert carries the seq of its own latest change, ascending, so a
                    # console that reconnects with Last-Event-ID resumes exactly there.
                    yield ServerSentEvent(data=data, event="alert", id=str(seq))
                if more:
                    continue  # catching up on its own: there may be more behind a page
                # Woken by the hub (this process's worker, or the timeline watcher for
                # other processes); the timeout is only a safety net.
                wait = 0.2 if tail.waiting_on_gap else 2.0
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), wait)
        finally:
            c.hub.unsubscribe(wake)

    return EventSourceResponse(events(), ping=15, send_timeout=30)


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
