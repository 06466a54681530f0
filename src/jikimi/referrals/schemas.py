"""Consents and referrals on the wire, and the rendering of rows into them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict
from jikimi.referrals.rules import (
    Basis,
    ConsentMethod,
    ConsentStatus,
    Disclosure,
    NoteKind,
    Purpose,
    ReferralStatus,
    Share,
    consent_status,
)
from jikimi.referrals.tables import Consent, Referral, ReferralNote

CentreId = Annotated[
    StrictStr, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]


class ConsentCreate(Strict):
    """The victim's consent: to whom, for what, which kinds of data, until when, how given."""

    recipient: CentreId
    purposes: list[Purpose] = Field(min_length=1, max_length=len(Purpose))
    shares: list[Share] = Field(min_length=1, max_length=len(Share))
    expires_at: Moment
    method: ConsentMethod


class ConsentWithdraw(Strict):
    """The victim withdraws consent (the reason is optional)."""

    reason: StrictStr | None = Field(None, max_length=1000)


class ConsentRead(Out):
    """A consent; `status` from the clock (active, withdrawn, expired)."""

    id: str
    case_id: str
    recipient: str
    purposes: list[Purpose]
    shares: list[Share]
    expires_at: str
    method: ConsentMethod
    status: ConsentStatus
    recorded_by: str | None
    recorded_at: str
    withdrawn_by: str | None
    withdrawn_at: str | None
    withdraw_reason: str | None


class ConsentPage(Out):
    """A case's consents, newest first."""

    items: list[ConsentRead]


class OverrideIn(Strict):
    """A referral without consent, in the victim's vital interests (flagged for review)."""

    basis: Literal["vital_interests"]
    reason: StrictStr = Field(min_length=10, max_length=1000)


class ReferralCreate(Strict):
    """A referral of the case to a centre."""

    centre: CentreId
    reason: StrictStr = Field(min_length=1, max_length=2000)
    override: OverrideIn | None = None


class ReferralDecline(Strict):
    """The centre declines, with the reason."""

    reason: StrictStr = Field(min_length=1, max_length=1000)


class NoteCreate(Strict):
    """A counsellor's note: a contact made, or a concern for the case's officer."""

    kind: NoteKind
    text: StrictStr = Field(min_length=1, max_length=4000)


class NoteRead(Out):
    """A note on a referral; a concern names the officer's task it became."""

    id: str
    referral_id: str
    kind: NoteKind
    text: str
    created_at: str
    task_id: str | None


class OrderShared(Out):
    """An order as a consent to share orders shows it."""

    kind: str
    title: str
    ends_at: str


class ReferralRead(Out):
    """A referral. To its centre, the shared fields carry only what the consent in force
    shares now (null otherwise, and all null once the consent is withdrawn or expired);
    to the officer they are null (the case page has them) and `shares` says what the
    centre sees."""

    id: str
    case_id: str
    centre: str
    status: ReferralStatus
    consent_id: str | None
    basis: Basis
    shares: list[Share]
    reason: str | None
    override: dict[str, Any] | None
    created_at: str
    answered_at: str | None
    decline_reason: str | None
    victim_name: str | None
    victim_phones: list[str] | None
    offense: str | None
    relationship: str | None
    open_alerts: int | None
    risk_tier: str | None
    orders: list[OrderShared] | None
    notes: list[NoteRead]


class ReferralPage(Out):
    """A page of referrals, newest first."""

    items: list[ReferralRead]
    next: str | None


def consent_json(c: Consent, now: datetime) -> dict[str, Any]:
    """A consent as the API shows it, its status at `now`."""
    return {
        "id": c.id,
        "case_id": c.case_id,
        "recipient": c.recipient,
        "purposes": list(c.purposes),
        "shares": list(c.shares),
        "expires_at": iso(c.expires_at),
        "method": c.method,
        "status": consent_status(c.expires_at, c.withdrawn_at, now).value,
        "recorded_by": c.recorded_by,
        "recorded_at": iso(c.recorded_at),
        "withdrawn_by": c.withdrawn_by,
        "withdrawn_at": iso(c.withdrawn_at),
        "withdraw_reason": c.withdraw_reason,
    }


def note_json(n: ReferralNote) -> dict[str, Any]:
    """A note as the API shows it."""
    return {
        "id": n.id,
        "referral_id": n.referral_id,
        "kind": n.kind,
        "text": n.text,
        "created_at": iso(n.created_at),
        "task_id": n.task_id,
    }


def referral_json(
    r: Referral,
    d: Disclosure,
    facts: dict[str, Any],
    notes: list[ReferralNote],
    *,
    officer: bool,
) -> dict[str, Any]:
    """A referral as its officer (`officer`) or its centre sees it; `facts`: the shared
    fields (all null for the officer, or when nothing is disclosed)."""
    disclosing = bool(d.shares)
    override: dict[str, str | None] | None = None
    if r.override_basis is not None:
        override = {"basis": r.override_basis}
        if officer:
            override["reason"] = r.override_reason
    return {
        "id": r.id,
        "case_id": r.case_id,
        "centre": r.centre,
        "status": d.status.value,
        "consent_id": d.consent_id,
        "basis": d.basis.value,
        "shares": sorted(x.value for x in d.shares),
        # The officer's words on the case: the centre reads them only while it may read.
        "reason": r.reason if officer or disclosing else None,
        "override": override,
        "created_at": iso(r.created_at),
        "answered_at": iso(r.answered_at),
        "decline_reason": r.decline_reason,
        **facts,
        "notes": [note_json(n) for n in notes],
    }
