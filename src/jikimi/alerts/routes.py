"""Alerts: the queue, the live stream, acknowledge and resolve."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from jikimi.alerts import timeline
from jikimi.alerts.rules import Outcome
from jikimi.alerts.schemas import AlertPage, AlertRead, AlertResolve, TimelineEntry
from jikimi.alerts.service import AlertReading, AlertWork
from jikimi.alerts.stream import AlertStream, DatabaseGone
from jikimi.http.audit import Audit
from jikimi.http.deps import CaseStaff, CaseStaffWatching, ContainerDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


@router.get("", response_model=AlertPage)
def list_alerts(
    p: CaseStaff,
    work: AlertReading,
    status: Literal["open", "acknowledged", "resolved"] | None = None,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Alerts of the caller's cases, newest first."""
    return work.page(p, status, case_id, limit, cursor)


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
    reader = AlertStream(c, a, p, timeline.parse(last_event_id))

    async def events() -> AsyncIterator[ServerSentEvent]:
        wake = c.hub.subscribe()
        # The stream's reads get a thread of their own rather than queueing for the shared
        # pool behind every request under load: an alert must not wait for ingest.
        own = CapacityLimiter(1)
        try:
            at, batch = await to_thread.run_sync(reader.start, limiter=own)
            yield ServerSentEvent(comment="connected")
            while True:
                for event_id, data in batch:
                    yield ServerSentEvent(data=data, event="alert", id=event_id)
                if not await reader.signed_in(credential):
                    return  # the console reconnects, gets 401, and asks for a login
                # Woken by the hub (this process's worker, or the timeline watcher for
                # other processes); the timeout is only a safety net.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), 2.0)
                wake.clear()
                at, batch = await to_thread.run_sync(reader.read, at, limiter=own)
        except DatabaseGone:
            # The database went away: end the stream cleanly; the console reconnects with
            # its Last-Event-ID and is answered 503 until the database is back.
            log.warning("alert stream ended: the database is unavailable")
        finally:
            c.hub.unsubscribe(wake)

    return EventSourceResponse(events(), ping=15, send_timeout=30)


@router.get("/{alert_id}", response_model=AlertRead)
def get_alert(alert_id: str, p: CaseStaff, work: AlertWork) -> dict[str, Any]:
    """One alert."""
    return work.one(p, alert_id)


@router.get("/{alert_id}/timeline", response_model=list[TimelineEntry])
def get_timeline(alert_id: str, p: CaseStaff, work: AlertReading) -> list[dict[str, Any]]:
    """Every change of the alert, oldest first."""
    return work.timeline(p, alert_id)


@router.post("/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge(alert_id: str, p: CaseStaff, work: AlertWork) -> dict[str, Any]:
    """I have seen it; stops escalation."""
    return work.acknowledge(p, alert_id)


@router.post("/{alert_id}/resolve", response_model=AlertRead)
def resolve(alert_id: str, body: AlertResolve, p: CaseStaff, work: AlertWork) -> dict[str, Any]:
    """Close the alert with its outcome; the next violation opens a new alert."""
    return work.resolve(p, alert_id, Outcome(body.outcome), body.note)
