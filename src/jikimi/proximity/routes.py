"""Positions and device health: the anklet feed, the victim's own fixes and SOS, and
the positions a case's staff may see."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, records
from jikimi.contacts.ingest import touch_device
from jikimi.contacts.schemas import Accepted
from jikimi.core.access import DISPATCH_TRACK, Principal, Role
from jikimi.core.errors import Invalid
from jikimi.core.tx import transaction
from jikimi.devices import tables as devices_tables
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import CaseStaff, ContainerDep, Device, Feed, ReadDb, WriteDb
from jikimi.http.signing import Signed, remember, remember_touching
from jikimi.ports import LoggedFix
from jikimi.proximity import positions, zones
from jikimi.proximity import writer as position_writer
from jikimi.proximity.pings import RawBody, parse_pings
from jikimi.proximity.schemas import (
    PING_BATCH_OPENAPI,
    CasePositions,
    DeviceEventBatch,
    FixBatch,
    PingsAccepted,
    SosIn,
)

router = APIRouter(prefix="/api/v1", tags=["locations"])
CLOCK_SKEW = timedelta(minutes=5)


def _not_future(c: ContainerDep, times: list[Any]) -> None:
    limit = c.clock.now() + CLOCK_SKEW
    for i, at in enumerate(times):
        if at > limit:
            raise Invalid(f"item {i}: recorded in the future ({at.isoformat()}); check the clock")


def _owners(s: Session, device_ids: list[str]) -> list[str]:
    if not device_ids:
        return []
    q = select(devices_tables.Device.person_id).where(
        devices_tables.Device.id.in_(sorted(set(device_ids)))
    )
    return sorted(set(s.scalars(q)))


@router.post(
    "/feed/locations",
    status_code=202,
    response_model=PingsAccepted,
    openapi_extra=PING_BATCH_OPENAPI,
)
def feed_locations(
    p: Feed,
    _: Signed,
    raw: RawBody,
    r: ReadDb,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
    request: Request,
) -> dict[str, Any]:
    """Anklet positions, up to 10,000 a request, durable before the 202.

    Pings of serials bound to no case are not kept (Jikimi holds positions only of people
    in its cases) and are counted as `unknown`.
    """
    pings = parse_pings(raw, c.clock.now() + CLOCK_SKEW)
    # Everything but the writes comes first: on SQLite the write session's first
    # statement takes the database's one write lock, which the judge waits for too.
    known = c.anklets.lookup(r, pings.serials)
    r.rollback()
    fixes = pings.of_known(known)
    ready = position_writer.seal_fixes(fixes)
    remember(request, s)
    accepted, dups = position_writer.write_fixes(s, ready, c.clock.now(), phone=False)
    # One record per request naming every person whose anklet it reported on, once.
    owners = sorted({x.person_id for x in known.values()})
    a.change(s, "submit", "positions", p.account_id, owners)
    s.commit()  # durable before we answer
    c.work_stored()
    return {"accepted": accepted, "duplicates": dups, "unknown": len(pings) - len(fixes)}


@router.post("/feed/device-events", status_code=202, response_model=PingsAccepted)
def feed_device_events(
    body: DeviceEventBatch,
    p: Feed,
    _: Signed,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
    request: Request,
) -> dict[str, Any]:
    """Strap tamper, battery, signal: stored in the engine's inbox before the 202."""
    _not_future(c, [x.occurred_at for x in body.events])
    remember(request, s)
    known = c.anklets.lookup(s, (x.device for x in body.events))
    events = [
        (known[x.device].device_id, x.kind, x.occurred_at, None)
        for x in body.events
        if x.device in known
    ]
    accepted, dups = positions.store_device_events(s, events, c.clock.now())
    owners = sorted({x.person_id for x in known.values()})
    a.change(s, "submit", "device_events", p.account_id, owners)
    s.commit()
    c.work_stored()
    return {"accepted": accepted, "duplicates": dups, "unknown": len(body.events) - len(events)}


@router.post("/device/locations", status_code=202, response_model=Accepted)
async def device_locations(
    body: FixBatch, p: Device, _: Signed, request: Request
) -> dict[str, Any]:
    """The victim's own fixes: the newest fresh one is a zone that moves with the victim."""
    # All of the request's database work in one hop to the thread pool, as a phone's
    # contact report does (devices/routes.py): every phone of every victim sends these.
    c: Container = request.app.state.container
    return await run_in_threadpool(_store_victim_fixes, body, p, c, Auditor(c, request), request)


def _store_victim_fixes(
    body: FixBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
    assert p.device_id is not None
    _not_future(c, [x.recorded_at for x in body.pings])
    fixes = [
        positions.FixIn(p.device_id, x.recorded_at, x.lat, x.lon, x.accuracy_m) for x in body.pings
    ]
    with transaction(c.sessions) as s:
        # The log's lock before the phone's row, as every writer of positions takes them
        # (an SOS among them): the other order could deadlock on PostgreSQL.
        accepted, dups = positions.store_fixes(s, fixes, c.clock.now())
        person_id = remember_touching(request, s, p.device_id)
        a.change(s, "submit", "positions", p.device_id, [person_id] if person_id else [])
        s.commit()  # durable before we answer
    # The worker is not woken: the fixes are judged at its next look (every
    # JIKIMI_WORKER_POLL_S), with the anklets' pings and the other phones' fixes waiting by then,
    # rather than each phone's request costing a judge pass of its own (docs/proximity.md).
    return {"accepted": accepted, "duplicates": dups}


@router.post("/device/sos", status_code=202, response_model=Accepted)
def device_sos(
    body: SosIn,
    p: Device,
    _: Signed,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
    request: Request,
) -> dict[str, Any]:
    """The panic button: a critical `sos` alert with where the victim is, raised by the engine
    from its durable inbox the moment the 202 is sent."""
    assert p.device_id is not None
    _not_future(c, [body.occurred_at])
    remember(request, s)
    fix = positions.encode_fix(body.lat, body.lon, body.accuracy_m)
    accepted, dups = positions.store_device_events(
        s, [(p.device_id, "sos", body.occurred_at, fix)], c.clock.now()
    )
    # The victim's position at that moment is also a fix: the moving zone follows it.
    positions.store_fixes(
        s,
        [positions.FixIn(p.device_id, body.occurred_at, body.lat, body.lon, body.accuracy_m)],
        c.clock.now(),
    )
    touch_device(s, p.device_id)
    a.change(s, "submit", "sos", p.device_id, _owners(s, [p.device_id]))
    s.commit()
    c.work_stored()
    return {"accepted": accepted, "duplicates": dups}


@router.get("/cases/{case_id}/positions", response_model=CasePositions)
def case_positions(
    case_id: str,
    p: CaseStaff,
    s: ReadDb,
    c: ContainerDep,
    a: Audit,
    minutes: Annotated[int, Query(ge=1, le=1440)] = 60,
) -> dict[str, Any]:
    """The zones in force now and both tracks of the last `minutes`, for the map (a
    dispatcher's cover the last hour at most: where people are, not where they went)."""
    case = records.get_case(s, p, case_id)
    if p.role is Role.DISPATCHER:
        minutes = min(minutes, int(DISPATCH_TRACK.total_seconds() // 60))
    now = c.clock.now()
    geo = zones.cases_geo(s, c.pack, [case.id], c.settings.warn_radius_m)[case.id]
    bans = geo.bans_at(now)
    start = now - timedelta(minutes=minutes)
    perpetrator_fixes = positions.between(s, geo.anklets, start, now, phones=False)
    victim_fixes = positions.between(s, geo.victim_devices, start, now, phones=True)
    out_zones: list[dict[str, Any]] = []
    if bans:
        radius = max(b.radius_m for b in bans)
        warn = max(b.warn_m for b in bans)
        out_zones = [
            {"key": z.key, "label": z.label, "lat": z.lat, "lon": z.lon}
            | {"radius_m": radius, "warn_m": warn}
            for z in geo.places
        ]
        fresh = [
            f
            for f in victim_fixes
            if now - f.recorded_at <= timedelta(seconds=c.settings.victim_fix_max_age_s)
        ]
        if fresh:
            last = fresh[-1]
            out_zones.append(
                {"key": "victim", "label": "victim", "lat": last.lat, "lon": last.lon}
                | {"radius_m": radius, "warn_m": warn}
            )
    a.read(
        "positions",
        case.id,
        [case.victim_id, case.perpetrator_id],
        flags=break_glass.case_flags(s, p, case.id),
    )

    def track(fixes: list[LoggedFix]) -> dict[str, Any]:
        return {
            "track": [
                {
                    "lat": f.lat,
                    "lon": f.lon,
                    "accuracy_m": f.accuracy_m,
                    "recorded_at": f.recorded_at,
                }
                for f in fixes
            ]
        }

    return {
        "zones": out_zones,
        "perpetrator": track(perpetrator_fixes),
        "victim": track(victim_fixes),
    }
