"""The case page's emergency support: the case's applications with their ledger entries,
applying (each kind's limit shown from the pack), a supervisor's decision (not on an
application the supervisor's own account made: four eyes) and recording a payment;
through the support service, as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import Field

from jikimi.core.errors import Invalid
from jikimi.http.deps import OfficerOrSupervisor, Supervisor
from jikimi.support.schemas import ApplicationCreate, DecisionCreate, PaymentCreate
from jikimi.support.service import SupportReading, SupportWork
from jikimi.workspace.forms import Form, Short, Text, moment, optional, parsed
from jikimi.workspace.pages import Lang, changed, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class SupportForm(Form):
    """An application for support."""

    kind: Short
    amount_krw: Short
    reason: Annotated[str, Field(max_length=2000)] = ""


class SupportDecisionForm(Form):
    """A supervisor's decision: `approve` or `refuse`."""

    decision: Short
    amount_krw: Short = ""
    reason: Annotated[str, Field(max_length=2000)] = ""


class PaymentForm(Form):
    """A payment made, or a correction below 0."""

    amount_krw: Short
    paid_at: Short
    reference: Annotated[str, Field(max_length=200)] = ""
    reason: Text = ""


def won(name: str, value: str) -> int:
    """A form's amount in whole won ("1,500,000" and "1500000" alike); else a 422
    naming the field."""
    digits = value.replace(",", "").replace(" ", "")
    try:
        return int(digits)
    except ValueError:
        raise Invalid(f"{name}: a whole number of won") from None


@router.get("/cases/{case_id}/support", response_class=HTMLResponse)
def case_support(
    case_id: str, p: OfficerOrSupervisor, work: SupportReading, lang: Lang
) -> HTMLResponse:
    """The case's applications and their payments (the read on the access trail, as the
    API's), the form to apply and, for a supervisor, the decision forms."""
    items = work.of_case(p, case_id)["items"]
    return render(
        "support.html",
        lang,
        case_id=case_id,
        applications=items,
        limits=list(work.limits.values()),
        me=p.account_id,
        **who(p),
    )


@router.post("/cases/{case_id}/support", response_class=HTMLResponse)
def apply_for_support(
    case_id: str, body: SupportForm, p: OfficerOrSupervisor, work: SupportWork, lang: Lang
) -> HTMLResponse:
    """Apply; an amount above the kind's limit is a 422 naming it."""
    application = parsed(
        ApplicationCreate,
        kind=body.kind,
        amount_krw=won("amount_krw", body.amount_krw),
        reason=body.reason,
    )
    work.apply(p, case_id, application)
    return changed(lang, "지원을 신청했습니다.")


@router.post("/support/{application_id}/decision", response_class=HTMLResponse)
def decide_support(
    application_id: str, body: SupportDecisionForm, p: Supervisor, work: SupportWork, lang: Lang
) -> HTMLResponse:
    """Approve or refuse; the applicant's own account is refused (403)."""
    if body.decision not in ("approve", "refuse"):
        raise Invalid("decision: approve or refuse")
    approve = body.decision == "approve"
    amount = won("amount_krw", body.amount_krw) if approve and body.amount_krw else None
    decision = parsed(DecisionCreate, approve=approve, amount_krw=amount, reason=body.reason)
    work.decide(p, application_id, decision)
    return changed(lang, "지원 신청을 결정했습니다.")


@router.post("/support/{application_id}/payments", response_class=HTMLResponse)
def record_payment(
    application_id: str, body: PaymentForm, p: OfficerOrSupervisor, work: SupportWork, lang: Lang
) -> HTMLResponse:
    """Record a payment or a correction; beyond the approval is a 422."""
    payment = parsed(
        PaymentCreate,
        amount_krw=won("amount_krw", body.amount_krw),
        paid_at=moment("paid_at", body.paid_at, work.c.pack.tz),
        reference=optional(body.reference),
        reason=optional(body.reason),
    )
    work.pay(p, application_id, payment)
    return changed(lang, "지급을 기록했습니다.")
