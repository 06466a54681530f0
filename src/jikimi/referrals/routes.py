"""Consents and referrals: the case's officer records consent and refers; a counselling
centre's counsellor reads its centre's referrals (only what the consent shares), accepts
or declines them and writes notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jikimi.http.deps import Counsellor, Officer, OfficerOrSupervisor
from jikimi.referrals.schemas import (
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdraw,
    NoteCreate,
    NoteRead,
    ReferralCreate,
    ReferralDecline,
    ReferralPage,
    ReferralRead,
)
from jikimi.referrals.service import ReferralReading, ReferralWork

router = APIRouter(prefix="/api/v1", tags=["referrals"])


@router.post("/cases/{case_id}/consents", status_code=201, response_model=ConsentRead)
def record_consent(
    case_id: str, body: ConsentCreate, p: Officer, work: ReferralWork
) -> dict[str, Any]:
    """Record the victim's consent to share kinds of data with a counselling centre, for
    purposes, until it expires; a centre nobody works for is a 422."""
    return work.record_consent(p, case_id, body)


@router.get("/cases/{case_id}/consents", response_model=ConsentPage)
def list_consents(case_id: str, p: OfficerOrSupervisor, work: ReferralReading) -> dict[str, Any]:
    """The case's consents, newest first, each with its status now."""
    return work.consents(p, case_id)


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentRead)
def withdraw_consent(
    consent_id: str, p: Officer, work: ReferralWork, body: ConsentWithdraw | None = None
) -> dict[str, Any]:
    """Record the victim's withdrawal: from now on the centre sees none of what the
    consent shared; a consent no longer active is a 409."""
    return work.withdraw(p, consent_id, body.reason if body else None)


@router.post("/cases/{case_id}/referrals", status_code=201, response_model=ReferralRead)
def refer(case_id: str, body: ReferralCreate, p: Officer, work: ReferralWork) -> dict[str, Any]:
    """Refer the case to a centre: needs an active consent naming the centre (else a 422),
    unless the body carries a vital-interests override, which is flagged for review and
    shares the victim's contact only."""
    return work.refer(p, case_id, body)


@router.get("/cases/{case_id}/referrals", response_model=ReferralPage)
def case_referrals(case_id: str, p: OfficerOrSupervisor, work: ReferralReading) -> dict[str, Any]:
    """The case's referrals, newest first, with the centres' notes and what each centre
    sees now (`shares`)."""
    return {**work.case_referrals(p, case_id), "next": None}


@router.get("/referrals", response_model=ReferralPage)
def centre_referrals(
    p: Counsellor,
    work: ReferralReading,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """The counsellor's centre's referrals, newest first, each with only what the consent
    in force shares."""
    return work.centre_page(p, limit, cursor)


@router.get("/referrals/{referral_id}", response_model=ReferralRead)
def centre_referral(referral_id: str, p: Counsellor, work: ReferralReading) -> dict[str, Any]:
    """One referral of the counsellor's centre (404 for another centre's)."""
    return work.centre_get(p, referral_id)


@router.post("/referrals/{referral_id}/accept", response_model=ReferralRead)
def accept(referral_id: str, p: Counsellor, work: ReferralWork) -> dict[str, Any]:
    """The centre takes the referral up; one already answered, or whose consent is no
    longer in force, is a 409."""
    return work.accept(p, referral_id)


@router.post("/referrals/{referral_id}/decline", response_model=ReferralRead)
def decline(
    referral_id: str, body: ReferralDecline, p: Counsellor, work: ReferralWork
) -> dict[str, Any]:
    """The centre declines the referral, with the reason."""
    return work.decline(p, referral_id, body.reason)


@router.post("/referrals/{referral_id}/notes", status_code=201, response_model=NoteRead)
def add_note(
    referral_id: str, body: NoteCreate, p: Counsellor, work: ReferralWork
) -> dict[str, Any]:
    """A note on the referral; a `concern` reaches the case's officer as a
    `counsellor_concern` task due within 24 hours."""
    return work.note(p, referral_id, body.kind, body.text)
