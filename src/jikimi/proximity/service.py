"""Positions in and out: the anklet feed, device events, the victim's own fixes and SOS,
and the positions a case's staff may see; each recorded in the access trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, records
from jikimi.contacts.ingest import touch_device
from jikimi.core.access import DISPATCH_TRACK, Principal, Role
from jikimi.core.errors import Invalid
from jikimi.core.tx import transaction
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.http.signing import remember, remember_touching
from jikimi.proximity import positions, zones
from jikimi.proximity import writer as position_writer
from jikimi.proximity.pings import RawBody, parse_pings
from jikimi.proximity.schemas import DeviceEventBatch, FixBatch, SosIn, case_positions_json

CLOCK_SKEW = timedelta(minutes=5)


def _not_future(c: Container, times: list[datetime]) -> None:
    limit = c.clock.now() + CLOCK_SKEW
    for i, at in enumerate(times):
        if at > limit:
            raise Invalid(f"item {i}: recorded in the future ({at.isoformat()}); check the clock")


class PositionService:
    """Positions on one request's session; the anklet feed also reads on a second,
    read-only one before it writes."""

    def __init__(
        self, s: Session, c: Container, a: Auditor, request: Request, r: Session | None = None
    ) -> None:
        self.s, self.c, self.a, self.request, self.r = s, c, a, request, r

    def feed_locations(self, p: Principal, raw: RawBody) -> dict[str, Any]:
        """Seal and store the anklets' pings of bound serials; count the others unknown."""
        s, c = self.s, self.c
        assert self.r is not None
        pings = parse_pings(raw, c.clock.now() + CLOCK_SKEW)
        # Everything but the writes comes first: on SQLite the write session's first
        # statement takes the database's one write lock, which the judge waits for too.
        known = c.anklets.lookup(self.r, pings.serials)
        self.r.rollback()
        fixes = pings.of_known(known)
        ready = position_writer.seal_fixes(fixes)
        remember(self.request, s)
        accepted, dups = position_writer.write_fixes(s, ready, c.clock.now(), phone=False)
        # One record per request naming every person whose anklet it reported on, once.
        owners = sorted({x.person_id for x in known.values()})
        self.a.change(s, "submit", "positions", p.account_id, owners)
        s.commit()  # durable before we answer
        c.work_stored()
        return {"accepted": accepted, "duplicates": dups, "unknown": len(pings) - len(fixes)}

    def feed_device_events(self, p: Principal, body: DeviceEventBatch) -> dict[str, Any]:
        """Store the anklets' tamper, battery and signal events in the engine's inbox."""
        s, c = self.s, self.c
        _not_future(c, [x.occurred_at for x in body.events])
        remember(self.request, s)
        known = c.anklets.lookup(s, (x.device for x in body.events))
        events = [
            (known[x.device].device_id, x.kind, x.occurred_at, None)
            for x in body.events
            if x.device in known
        ]
        accepted, dups = positions.store_device_events(s, events, c.clock.now())
        owners = sorted({x.person_id for x in known.values()})
        self.a.change(s, "submit", "device_events", p.account_id, owners)
        s.commit()
        c.work_stored()
        return {"accepted": accepted, "duplicates": dups, "unknown": len(body.events) - len(events)}

    def sos(self, p: Principal, body: SosIn) -> dict[str, Any]:
        """Store the panic button's event and the victim's position at that moment."""
        s, c = self.s, self.c
        assert p.device_id is not None
        _not_future(c, [body.occurred_at])
        remember(self.request, s)
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
        person_id = touch_device(s, p.device_id)
        self.a.change(s, "submit", "sos", p.device_id, [person_id] if person_id else [])
        s.commit()
        c.work_stored()
        return {"accepted": accepted, "duplicates": dups}

    def case_positions(self, p: Principal, case_id: str, minutes: int) -> dict[str, Any]:
        """The zones in force now and both tracks of the last `minutes` (a dispatcher's
        cover the last hour at most)."""
        s, c = self.s, self.c
        case = records.get_case(s, p, case_id)
        if p.role is Role.DISPATCHER:
            minutes = min(minutes, int(DISPATCH_TRACK.total_seconds() // 60))
        now = c.clock.now()
        geo = zones.cases_geo(s, c.pack, [case.id], c.settings.warn_radius_m)[case.id]
        bans = geo.bans_at(now)
        start = now - timedelta(minutes=minutes)
        perpetrator_fixes = positions.between(s, geo.anklets, start, now, phones=False)
        victim_fixes = positions.between(s, geo.victim_devices, start, now, phones=True)
        radius = max(b.radius_m for b in bans) if bans else None
        warn = max(b.warn_m for b in bans) if bans else None
        max_age = timedelta(seconds=c.settings.victim_fix_max_age_s)
        fresh = [f for f in victim_fixes if now - f.recorded_at <= max_age]
        flags = break_glass.case_flags(s, p, case.id)
        self.a.read("positions", case.id, [case.victim_id, case.perpetrator_id], flags=flags)
        victim_at = fresh[-1] if fresh else None
        return case_positions_json(
            geo.places, victim_at, radius, warn, perpetrator_fixes, victim_fixes
        )


def store_victim_fixes(
    body: FixBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
    """The victim's own fixes, in one transaction of their own (run on a thread)."""
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


async def position_reader(
    s: ReadDb, c: ContainerDep, a: Audit, request: Request
) -> PositionService:
    """Positions on a read-only session."""
    return PositionService(s, c, a, request)


async def position_recorder(
    s: WriteDb, c: ContainerDep, a: Audit, request: Request
) -> PositionService:
    """Positions on a session that commits before the answer."""
    return PositionService(s, c, a, request)


async def feed_service(
    r: ReadDb, s: WriteDb, c: ContainerDep, a: Audit, request: Request
) -> PositionService:
    """The anklet feed: a read-only session for the look-ups, then the writing one."""
    return PositionService(s, c, a, request, r)


PositionReading = Annotated[PositionService, Depends(position_reader)]
PositionWork = Annotated[PositionService, Depends(position_recorder, scope="function")]
LocationFeed = Annotated[PositionService, Depends(feed_service, scope="function")]
