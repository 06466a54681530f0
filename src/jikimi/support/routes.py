"""Emergency support: an officer or supervisor applies, a supervisor other than the
applicant decides, officers and supervisors record payments and read the ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jikimi.http.deps import OfficerOrSupervisor, Supervisor
from jikimi.http.schemas import query_moment
from jikimi.support.schemas import (
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    DecisionCreate,
    EntryRead,
    LedgerRead,
    PaymentCreate,
)
from jikimi.support.service import SupportReading, SupportWork

router = APIRouter(prefix="/api/v1", tags=["support"])

From = Annotated[
    str | None,
    Query(alias="from", max_length=40, description="RFC 3339 with an offset; `paid_at` from"),
]
To = Annotated[
    str | None,
    Query(alias="to", max_length=40, description="RFC 3339 with an offset; `paid_at` before"),
]


@router.post(
    "/cases/{case_id}/support-applications", status_code=201, response_model=ApplicationRead
)
def apply_for_support(
    case_id: str, body: ApplicationCreate, p: OfficerOrSupervisor, work: SupportWork
) -> dict[str, Any]:
    """Apply for emergency support on a case; an amount above the kind's limit (the
    jurisdiction pack's) is a 422 that names it."""
    return work.apply(p, case_id, body)


@router.get("/cases/{case_id}/support-applications", response_model=ApplicationPage)
def list_applications(case_id: str, p: OfficerOrSupervisor, work: SupportReading) -> dict[str, Any]:
    """The case's applications, newest first, each with its decision and ledger entries."""
    return work.of_case(p, case_id)


@router.post("/support-applications/{application_id}/decision", response_model=ApplicationRead)
def decide_application(
    application_id: str, body: DecisionCreate, p: Supervisor, work: SupportWork
) -> dict[str, Any]:
    """Approve (an amount up to the one applied for) or refuse, with the reason. The
    account that applied never decides (403, whichever token or role it uses); a decided
    application is a 409."""
    return work.decide(p, application_id, body)


@router.post(
    "/support-applications/{application_id}/payments", status_code=201, response_model=EntryRead
)
def record_payment(
    application_id: str, body: PaymentCreate, p: OfficerOrSupervisor, work: SupportWork
) -> dict[str, Any]:
    """Record a payment in the ledger, or a correction (a negative amount with its
    reason). Payments beyond the approved amount are a 422; an application not approved
    (pending or refused) is a 409."""
    return work.pay(p, application_id, body)


@router.get("/support/ledger", response_model=LedgerRead)
def support_ledger(
    p: OfficerOrSupervisor,
    work: SupportReading,
    since: From = None,
    until: To = None,
) -> dict[str, Any]:
    """The ledger entries paid in [from, to) with their totals (all, by kind, by case, by
    agency): a supervisor's agency, an officer's own cases."""
    return work.ledger(p, query_moment("from", since), query_moment("to", until))
