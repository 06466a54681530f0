"""Cases, their orders and devices, the break-glass read and the 112 look-up."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from jikimi.cases.caseload import CaseFilter
from jikimi.cases.schemas import (
    AssignmentCreate,
    BreakGlassCreate,
    CallerCasePage,
    CaseClose,
    CaseCreate,
    CaseRead,
    CaseSummaryPage,
    DeviceCreate,
    DeviceCreated,
    DeviceRead,
    OrderCreate,
    OrderExtend,
    OrderRead,
    OrderRevoke,
)
from jikimi.cases.service import CaseReading, CaseWork
from jikimi.core.access import Role
from jikimi.core.errors import Forbidden, Invalid
from jikimi.http.deps import CaseStaff, Officer, OfficerOrSupervisor, Supervisor

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.post("/cases", status_code=201, response_model=CaseRead)
def create_case(body: CaseCreate, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Open a case; the officer who opens it is assigned to it."""
    return work.create_case(p, body)


@router.get("/cases", response_model=CaseSummaryPage | CallerCasePage)
def list_cases(
    p: CaseStaff,
    work: CaseWork,
    caller: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    mine: bool | None = None,
    status: Literal["open", "closed", "all"] = "open",
    tier: Literal["low", "medium", "high", "very_high"] | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Officers and supervisors: their cases, newest first, with what is owed on each (an
    officer's are those assigned to them; a supervisor's the agency's, `mine` those
    assigned to them); `q` is a name, a phone number in any format or the start of a case
    id; `tier` the latest risk tier.

    Dispatchers: the 112 look-up by `caller`, the cases of the agency whose victim holds
    the calling number, each opened to this dispatcher for an hour; recorded with whose
    data it showed. A number no case knows is an empty list."""
    if p.role is Role.DISPATCHER:
        if caller is None:
            raise Invalid("caller: the calling number is required for the 112 look-up")
        return work.lookup_caller(p, caller)
    if caller is not None:
        raise Forbidden("the 112 look-up by caller is a dispatcher's")
    wanted = CaseFilter(mine=mine, status=status, tier=tier, q=q)
    return work.list_cases(p, wanted, limit, cursor)


@router.post("/cases/{case_id}/assignments", response_model=CaseRead)
def assign_officer(
    case_id: str, body: AssignmentCreate, p: Supervisor, work: CaseWork
) -> dict[str, Any]:
    """Assign an officer of the case's agency (422 otherwise); with `replace`, the
    officers assigned before are unassigned."""
    return work.assign(p, case_id, body.officer_id, body.replace)


@router.post("/cases/{case_id}/close", response_model=CaseRead)
def close_case(case_id: str, body: CaseClose, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Close a case: 409 while an order of it is in force or scheduled, or while the
    victim is owed follow-up monitoring."""
    return work.close(p, case_id, body.reason)


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(case_id: str, p: CaseStaff, work: CaseReading) -> dict[str, Any]:
    """A case with its orders, devices and open alerts."""
    return work.get_case(p, case_id)


@router.post("/cases/{case_id}/break-glass", status_code=201, response_model=CaseRead)
def open_by_break_glass(
    case_id: str, body: BreakGlassCreate, p: OfficerOrSupervisor, work: CaseWork
) -> dict[str, Any]:
    """Emergency read of a case of one's agency outside one's caseload, for
    JIKIMI_BREAK_GLASS_MINUTES, flagged for review; it allows no write."""
    return work.break_glass(p, case_id, body.reason)


@router.get("/cases/{case_id}/evidence")
def export_evidence(
    case_id: str,
    p: OfficerOrSupervisor,
    work: CaseReading,
    reason: Annotated[str, Query(min_length=10, max_length=500)],
) -> dict[str, Any]:
    """The case's evidence as a hash-chained bundle a court can verify without Jikimi
    (`tools/verify_evidence.py`); the export is recorded in the access trail first."""
    return work.export_evidence(p, case_id, reason)


@router.post("/cases/{case_id}/orders", status_code=201, response_model=OrderRead)
def create_order(case_id: str, body: OrderCreate, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Record an order; a window beyond the statute is a 422 naming the limit."""
    return work.create_order(p, case_id, body)


@router.post("/orders/{order_id}/extensions", response_model=OrderRead)
def extend_order(order_id: str, body: OrderExtend, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Extend an order within its statute."""
    return work.extend_order(p, order_id, body)


@router.post("/orders/{order_id}/revoke", response_model=OrderRead)
def revoke_order(order_id: str, body: OrderRevoke, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Revoke an order from now on."""
    return work.revoke_order(p, order_id, body.reason)


@router.post("/cases/{case_id}/devices", status_code=201, response_model=DeviceCreated)
def create_device(case_id: str, body: DeviceCreate, p: Officer, work: CaseWork) -> dict[str, Any]:
    """Enrol the victim's phone (its token is shown once) or bind an anklet."""
    return work.create_device(p, case_id, body.kind, body.serial)


@router.post("/devices/{device_id}/revoke", response_model=DeviceRead)
def revoke_device(device_id: str, p: Officer, work: CaseWork) -> dict[str, Any]:
    """A lost or stolen phone: its token and signing key stop working at once."""
    return work.revoke_device(p, device_id)
