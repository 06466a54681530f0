"""The case page's consents and referrals: the victim's consents (recording one, with the
centre, purpose, kinds of data shared, expiry and how it was given; withdrawing one) and
the referrals to counselling centres (sending one under consent, or with a vital-interests
override), through the referrals' service, as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import Field

from jikimi.http.deps import Officer, OfficerOrSupervisor
from jikimi.referrals.rules import ConsentMethod, Purpose, Share
from jikimi.referrals.schemas import ConsentCreate, ReferralCreate
from jikimi.referrals.service import ReferralReading, ReferralWork
from jikimi.workspace.forms import Form, Short, Text, moment, optional, parsed
from jikimi.workspace.pages import Lang, changed, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class ConsentForm(Form):
    """A consent: the shares' checkboxes come as one value or a list (htmx's json-enc)."""

    recipient: Short
    purpose: Short = Purpose.COUNSELLING.value
    shares: Short | Annotated[list[Short], Field(max_length=len(Share))] = Field(
        default_factory=list
    )
    expires_at: Short
    method: Short = ConsentMethod.VERBAL.value


class WithdrawForm(Form):
    """A withdrawal, the reason optional."""

    reason: Annotated[str, Field(max_length=1000)] = ""


class ReferralForm(Form):
    """A referral; `override` ticked sends it without consent, with its reason."""

    centre: Short
    reason: Text = ""
    override: Short = ""
    override_reason: Annotated[str, Field(max_length=1000)] = ""


@router.get("/cases/{case_id}/referrals", response_class=HTMLResponse)
def case_referrals(
    case_id: str, p: OfficerOrSupervisor, work: ReferralReading, lang: Lang
) -> HTMLResponse:
    """The case's consents and referrals (both reads on the access trail, as the API's)
    and, for its officer, the forms to record consent and to refer."""
    consents = work.consents(p, case_id)["items"]
    referrals = work.case_referrals(p, case_id)["items"]
    return render(
        "referrals.html",
        lang,
        case_id=case_id,
        consents=consents,
        referrals=referrals,
        centres=work.centres(),
        purposes=list(Purpose),
        shares=list(Share),
        methods=list(ConsentMethod),
        **who(p),
    )


@router.post("/cases/{case_id}/consents", response_class=HTMLResponse)
def record_consent(
    case_id: str, body: ConsentForm, p: Officer, work: ReferralWork, lang: Lang
) -> HTMLResponse:
    """Record the victim's consent for a centre."""
    shares = [body.shares] if isinstance(body.shares, str) else body.shares
    consent = parsed(
        ConsentCreate,
        recipient=body.recipient,
        purposes=[body.purpose],
        shares=[x for x in shares if x],
        expires_at=moment("expires_at", body.expires_at, work.c.pack.tz),
        method=body.method,
    )
    work.record_consent(p, case_id, consent)
    return changed(lang, "동의를 기록했습니다.")


@router.post("/consents/{consent_id}/withdraw", response_class=HTMLResponse)
def withdraw_consent(
    consent_id: str, body: WithdrawForm, p: Officer, work: ReferralWork, lang: Lang
) -> HTMLResponse:
    """Record the consent withdrawn: the centre sees none of what it shared from now on."""
    work.withdraw(p, consent_id, optional(body.reason))
    return changed(lang, "동의 철회를 기록했습니다.")


@router.post("/cases/{case_id}/referrals", response_class=HTMLResponse)
def refer(
    case_id: str, body: ReferralForm, p: Officer, work: ReferralWork, lang: Lang
) -> HTMLResponse:
    """Refer the case to a centre, under consent or on a vital-interests override."""
    override = None
    if body.override in ("on", "true", "yes"):
        override = {"basis": "vital_interests", "reason": body.override_reason}
    referral = parsed(ReferralCreate, centre=body.centre, reason=body.reason, override=override)
    work.refer(p, case_id, referral)
    return changed(lang, "상담소에 연계했습니다.")
