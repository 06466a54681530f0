"""Positions and device health: the anklet feed, the victim's own fixes and SOS, and
the positions a case's staff may see."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from jikimi.bootstrap import Container
from jikimi.contacts.schemas import Accepted
from jikimi.http.audit import Auditor
from jikimi.http.deps import CaseStaff, Device, Feed
from jikimi.http.signing import Signed
from jikimi.proximity.pings import RawBody
from jikimi.proximity.schemas import (
    PING_BATCH_OPENAPI,
    CasePositions,
    DeviceEventBatch,
    FixBatch,
    PingsAccepted,
    SosIn,
)
from jikimi.proximity.service import (
    LocationFeed,
    PositionReading,
    PositionWork,
    store_victim_fixes,
)

router = APIRouter(prefix="/api/v1", tags=["locations"])


@router.post(
    "/feed/locations",
    status_code=202,
    response_model=PingsAccepted,
    openapi_extra=PING_BATCH_OPENAPI,
)
def feed_locations(p: Feed, _: Signed, raw: RawBody, work: LocationFeed) -> dict[str, Any]:
    """Anklet positions, up to 10,000 a request, durable before the 202.

    Pings of serials bound to no case are not kept (Jikimi holds positions only of people
    in its cases) and are counted as `unknown`.
    """
    return work.feed_locations(p, raw)


@router.post("/feed/device-events", status_code=202, response_model=PingsAccepted)
def feed_device_events(
    body: DeviceEventBatch, p: Feed, _: Signed, work: PositionWork
) -> dict[str, Any]:
    """Strap tamper, battery, signal: stored in the engine's inbox before the 202."""
    return work.feed_device_events(p, body)


@router.post("/device/locations", status_code=202, response_model=Accepted)
async def device_locations(
    body: FixBatch, p: Device, _: Signed, request: Request
) -> dict[str, Any]:
    """The victim's own fixes: the newest fresh one is a zone that moves with the victim."""
    # All of the request's database work in one hop to the thread pool, as a phone's
    # contact report does (contacts/routes.py): every phone of every victim sends these.
    c: Container = request.app.state.container
    return await run_in_threadpool(store_victim_fixes, body, p, c, Auditor(c, request), request)


@router.post("/device/sos", status_code=202, response_model=Accepted)
def device_sos(body: SosIn, p: Device, _: Signed, work: PositionWork) -> dict[str, Any]:
    """The panic button: a critical `sos` alert with where the victim is, raised by the engine
    from its durable inbox the moment the 202 is sent."""
    return work.sos(p, body)


@router.get("/cases/{case_id}/positions", response_model=CasePositions)
def case_positions(
    case_id: str,
    p: CaseStaff,
    work: PositionReading,
    minutes: Annotated[int, Query(ge=1, le=1440)] = 60,
) -> dict[str, Any]:
    """The zones in force now and both tracks of the last `minutes`, for the map (a
    dispatcher's cover the last hour at most: where people are, not where they went)."""
    return work.case_positions(p, case_id, minutes)
