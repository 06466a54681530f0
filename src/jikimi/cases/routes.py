"""Cases, their orders and devices, the break-glass read and the 112 look-up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from jikimi.cases import break_glass, caller_lookup, evidence, records
from jikimi.cases import views as queries
from jikimi.cases.schemas import (
    BreakGlassCreate,
    CallerCasePage,
    CaseCreate,
    CaseRead,
    DeviceCreate,
    DeviceCreated,
    DeviceRead,
    OrderCreate,
    OrderExtend,
    OrderRead,
    OrderRevoke,
)
from jikimi.cases.tables import Case, Order
from jikimi.core.errors import Invalid, ReadOnly
from jikimi.core.phones import normalise
from jikimi.core.times import iso
from jikimi.http.audit import Audit
from jikimi.http.deps import (
    CaseStaff,
    ContainerDep,
    Dispatcher,
    Officer,
    OfficerOrSupervisor,
    ReadDb,
    WriteDb,
)

router = APIRouter(prefix="/api/v1", tags=["cases"])


def _people(case: Case) -> list[str]:
    return [case.victim_id, case.perpetrator_id]


def _order_people(s: Session, order: Order) -> list[str]:
    return queries.case_subjects(s, [order.case_id])


@router.post("/cases", status_code=201, response_model=CaseRead)
def create_case(
    body: CaseCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Open a case; the officer who opens it is assigned to it."""
    case = records.create_case(
        s, p, body.victim_id, body.perpetrator_id, body.relationship, body.offense, body.agency
    )
    a.change(s, "create", "case", case.id, _people(case))
    return queries.case_json(s, p, c.pack, case)


@router.get("/cases", response_model=CallerCasePage)
def lookup_caller(
    p: Dispatcher,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
    caller: Annotated[str, Query(min_length=1, max_length=40)],
) -> dict[str, Any]:
    """The 112 look-up: the cases of the dispatcher's agency whose victim holds the calling
    number, each opened to this dispatcher for an hour; recorded with whose data it
    showed. A number no case knows is an empty list."""
    e164 = normalise(caller, c.settings.default_region)
    now = datetime.now(UTC)
    cases = caller_lookup.find(s, p, e164, now)
    caller_lookup.open_to(s, p, cases, now)
    subjects = [pid for case in cases for pid in _people(case)]
    a.change(s, "read", "lookup_112", None, subjects)
    return {"items": [caller_lookup.summary_json(s, c.pack, x, now) for x in cases], "next": None}


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(case_id: str, p: CaseStaff, s: ReadDb, c: ContainerDep, a: Audit) -> dict[str, Any]:
    """A case with its orders, devices and open alerts."""
    case = records.get_case(s, p, case_id)
    out = queries.case_json(s, p, c.pack, case)
    a.read("case", case.id, _people(case), flags=break_glass.case_flags(s, p, case.id))
    return out


@router.post("/cases/{case_id}/break-glass", status_code=201, response_model=CaseRead)
def open_by_break_glass(
    case_id: str,
    body: BreakGlassCreate,
    p: OfficerOrSupervisor,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
) -> dict[str, Any]:
    """Emergency read of a case of one's agency outside one's caseload, for
    JIKIMI_BREAK_GLASS_MINUTES, flagged for review; it allows no write."""
    case = break_glass.open_case(s, p, case_id, body.reason, c.settings.break_glass_minutes)
    a.change(s, "break_glass", "case", case.id, _people(case), flags=(break_glass.FLAG,))
    return queries.case_json(s, p, c.pack, case)


@router.get("/cases/{case_id}/evidence")
def export_evidence(
    case_id: str,
    p: OfficerOrSupervisor,
    s: ReadDb,
    c: ContainerDep,
    a: Audit,
    reason: Annotated[str, Query(min_length=10, max_length=500)],
) -> dict[str, Any]:
    """The case's evidence as a hash-chained bundle a court can verify without Jikimi
    (`tools/verify_evidence.py`); the export is recorded in the access trail first."""
    try:
        case = records.get_case(s, p, case_id, write=True)
    except ReadOnly:
        raise ReadOnly("case", case_id, "break-glass allows no evidence export") from None
    a.read("case", case.id, _people(case), action="export")
    return evidence.bundle(s, c.pack, case, p.label, reason)


@router.post("/cases/{case_id}/orders", status_code=201, response_model=OrderRead)
def create_order(
    case_id: str, body: OrderCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Record an order; a window beyond the statute is a 422 naming the limit."""
    order = records.add_order(
        s, p, c.pack, case_id, body.kind, body.starts_at, body.ends_at, body.court_ref
    )
    if body.warn_m is not None:
        if not c.pack.get(order.kind).distance_m:
            raise Invalid("warn_m applies only to approach bans (orders with a distance)")
        order.warn_m = body.warn_m
    a.change(s, "create", "order", order.id, _order_people(s, order))
    return queries.order_json(s, c.pack, order, datetime.now(UTC))


@router.post("/orders/{order_id}/extensions", response_model=OrderRead)
def extend_order(
    order_id: str, body: OrderExtend, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Extend an order within its statute."""
    order = records.extend_order(s, p, c.pack, order_id, body.ends_at, body.court_ref)
    a.change(s, "update", "order", order.id, _order_people(s, order))
    return queries.order_json(s, c.pack, order, datetime.now(UTC))


@router.post("/orders/{order_id}/revoke", response_model=OrderRead)
def revoke_order(
    order_id: str, body: OrderRevoke, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Revoke an order from now on."""
    order = records.revoke_order(s, p, order_id, body.reason)
    a.change(s, "update", "order", order.id, _order_people(s, order))
    return queries.order_json(s, c.pack, order, datetime.now(UTC))


@router.post("/cases/{case_id}/devices", status_code=201, response_model=DeviceCreated)
def create_device(
    case_id: str, body: DeviceCreate, p: Officer, s: WriteDb, a: Audit
) -> dict[str, Any]:
    """Enrol the victim's phone (its token is shown once) or bind an anklet."""
    device, credentials = records.add_device(s, p, case_id, body.kind, body.serial)
    a.change(s, "create", "device", device.id, [device.person_id])
    token, key = credentials if credentials else (None, None)
    return {
        "id": device.id,
        "kind": device.kind,
        "serial": device.serial,
        "token": token,
        "signing_key": key,
    }


@router.post("/devices/{device_id}/revoke", response_model=DeviceRead)
def revoke_device(
    device_id: str, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """A lost or stolen phone: its token and signing key stop working at once."""
    device = records.revoke_device(s, p, device_id)
    a.change(s, "update", "device", device.id, [device.person_id])
    s.commit()
    c.principals.clear()  # this process forgets it at once; others within the cache time
    return {
        "id": device.id,
        "kind": device.kind,
        "serial": device.serial,
        "last_seen_at": iso(device.last_seen_at),
    }
