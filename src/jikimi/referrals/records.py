"""The referrals feature's record keeping: consents recorded and withdrawn, referrals sent
by the case's officer and answered by the centre, the centre's notes; each under
need-to-know (an officer through `cases.records.get_case`, a counsellor by its centre), in
the caller's transaction (none commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from jikimi.accounts.queries import centres
from jikimi.cases.records import get_case
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Conflict, Invalid, NotFound
from jikimi.referrals import repo
from jikimi.referrals.rules import (
    ConsentMethod,
    ConsentState,
    ConsentStatus,
    Disclosure,
    NoteKind,
    Purpose,
    ReferralStatus,
    Share,
    concern_due,
    consent_status,
    disclosure,
    unique,
)
from jikimi.referrals.tables import Consent, Referral, ReferralNote
from jikimi.tasks.records import owe
from jikimi.tasks.rules import TaskKind


@dataclass(frozen=True)
class ConsentIn:
    """A consent as the officer records it."""

    recipient: str
    purposes: list[Purpose]
    shares: list[Share]
    expires_at: datetime
    method: ConsentMethod


@dataclass(frozen=True)
class Override:
    """A referral sent without consent, on the victim's vital interests."""

    basis: str
    reason: str


def known_centres(s: Session) -> list[str]:
    """The centres a consent or referral may name (those with a counsellor)."""
    return centres(s)


def _known_centre(s: Session, centre: str) -> None:
    if centre not in centres(s):
        raise Invalid("recipient: no counselling centre of that id")


def status_of(c: Consent, now: datetime) -> ConsentStatus:
    """A consent's status at `now`."""
    return consent_status(c.expires_at, c.withdrawn_at, now)


def record_consent(
    s: Session, p: Principal, case_id: str, given: ConsentIn, now: datetime
) -> Consent:
    """Record the victim's consent on one of the officer's cases, for a known centre."""
    case = get_case(s, p, case_id, write=True)
    _known_centre(s, given.recipient)
    if given.expires_at <= now:
        raise Invalid("expires_at must be in the future")
    consent = Consent(
        case_id=case.id,
        recipient=given.recipient,
        purposes=unique(given.purposes),
        shares=unique(given.shares),
        method=given.method.value,
        expires_at=given.expires_at,
        recorded_by=p.account_id,
        recorded_at=now,
    )
    s.add(consent)
    s.flush()
    return consent


def get_consent(s: Session, p: Principal, consent_id: str, *, write: bool = False) -> Consent:
    """A consent of a case the caller may see (with `write`: change); else NotFound."""
    consent = s.get(Consent, consent_id, with_for_update=write)
    if consent is None:
        raise NotFound("consent")
    try:
        get_case(s, p, consent.case_id, write=write)
    except NotFound:
        raise NotFound("consent") from None
    return consent


def withdraw_consent(
    s: Session, p: Principal, consent_id: str, reason: str | None, now: datetime
) -> Consent:
    """Record the victim's withdrawal now (409 when it is no longer active)."""
    consent = get_consent(s, p, consent_id, write=True)
    status = status_of(consent, now)
    if status is not ConsentStatus.ACTIVE:
        raise Conflict(f"the consent is {status.value} already")
    consent.withdrawn_at, consent.withdrawn_by = now, p.account_id
    consent.withdraw_reason = reason
    s.flush()
    return consent


def list_consents(s: Session, p: Principal, case_id: str) -> list[Consent]:
    """A case's consents, newest first (NotFound for a case not the caller's)."""
    return repo.consents_of(s, get_case(s, p, case_id).id)


def send_referral(
    s: Session,
    p: Principal,
    case_id: str,
    centre: str,
    reason: str,
    override: Override | None,
    now: datetime,
) -> Referral:
    """Refer one of the officer's cases to a centre: under the newest active consent
    naming it, or else on a recorded vital-interests override; neither is a 422."""
    case = get_case(s, p, case_id, write=True)
    _known_centre(s, centre)
    if repo.open_referral(s, case.id, centre) is not None:
        raise Conflict("the case has a referral to this centre that is still open")
    named = repo.consents_naming(s, case.id, centre)
    consent = next((c for c in named if status_of(c, now) is ConsentStatus.ACTIVE), None)
    if consent is None and override is None:
        raise Invalid(
            "no active consent names this centre: record the victim's consent, or state a "
            "vital-interests override"
        )
    referral = Referral(
        case_id=case.id,
        centre=centre,
        status=ReferralStatus.SENT.value,
        consent_id=consent.id if consent is not None else None,
        reason=reason,
        created_by=p.account_id,
        created_at=now,
    )
    if consent is None and override is not None:
        referral.override_basis, referral.override_reason = override.basis, override.reason
    s.add(referral)
    s.flush()
    return referral


def list_case_referrals(s: Session, p: Principal, case_id: str) -> list[Referral]:
    """A case's referrals, newest first (NotFound for a case not the caller's)."""
    return repo.referrals_of_case(s, get_case(s, p, case_id).id)


def disclosure_of(s: Session, r: Referral, now: datetime) -> Disclosure:
    """What the referral discloses to its centre now: the newest active consent naming
    the centre governs (else the one it was sent under, inactive), or its override."""
    consents = repo.consents_naming(s, r.case_id, r.centre)
    active = next((c for c in consents if status_of(c, now) is ConsentStatus.ACTIVE), None)
    governing = active or next((c for c in consents if c.id == r.consent_id), None)
    state = None
    if governing is not None:
        shares = frozenset(Share(x) for x in governing.shares if x in set(Share))
        state = ConsentState(governing.id, shares, status_of(governing, now))
    refused = any(c.withdrawn_at is not None and c.withdrawn_at > r.created_at for c in consents)
    return disclosure(ReferralStatus(r.status), state, r.override_basis is not None, refused)


def centre_referral(s: Session, p: Principal, referral_id: str, *, write: bool = False) -> Referral:
    """A referral to the counsellor's own centre; anything else is NotFound, the same for
    another centre's referral as for none at all."""
    r = s.get(Referral, referral_id, with_for_update=write)
    if r is None or p.role is not Role.COUNSELLOR or p.agency is None or r.centre != p.agency:
        raise NotFound("referral")
    return r


def centre_referrals(
    s: Session, p: Principal, limit: int, cursor: str | None
) -> tuple[list[Referral], str | None]:
    """A page of the counsellor's centre's referrals, newest first."""
    if p.agency is None:
        return [], None
    return repo.referrals_of_centre(s, p.agency, limit, cursor)


def _answerable(s: Session, r: Referral, now: datetime) -> None:
    if r.status != ReferralStatus.SENT.value:
        raise Conflict(f"the referral is {r.status} already")
    if disclosure_of(s, r, now).status is ReferralStatus.CLOSED:
        raise Conflict("the referral is closed: the victim's consent is no longer in force")


def accept(s: Session, p: Principal, referral_id: str, now: datetime) -> Referral:
    """The centre takes the referral up (409 unless it is only sent and still has a basis)."""
    r = centre_referral(s, p, referral_id, write=True)
    _answerable(s, r, now)
    r.status, r.answered_at, r.answered_by = ReferralStatus.ACCEPTED.value, now, p.account_id
    s.flush()
    return r


def decline(s: Session, p: Principal, referral_id: str, reason: str, now: datetime) -> Referral:
    """The centre declines the referral, with the reason (409 unless it is only sent)."""
    r = centre_referral(s, p, referral_id, write=True)
    if r.status != ReferralStatus.SENT.value:
        raise Conflict(f"the referral is {r.status} already")
    r.status, r.answered_at, r.answered_by = ReferralStatus.DECLINED.value, now, p.account_id
    r.decline_reason = reason
    s.flush()
    return r


def add_note(
    s: Session, p: Principal, referral_id: str, kind: NoteKind, text: str, now: datetime
) -> ReferralNote:
    """A counsellor's note; a concern owes the case's officer a `counsellor_concern` task
    due within 24 hours (a declined referral takes no notes)."""
    r = centre_referral(s, p, referral_id, write=True)
    if r.status == ReferralStatus.DECLINED.value:
        raise Conflict("the referral was declined")
    note = ReferralNote(
        referral_id=r.id, kind=kind.value, text=text, created_by=p.account_id, created_at=now
    )
    s.add(note)
    s.flush()
    if kind is NoteKind.CONCERN:
        note.task_id = owe(
            s,
            r.case_id,
            TaskKind.COUNSELLOR_CONCERN,
            concern_due(now),
            f"상담소 우려 ({r.centre}): {text}",
            now,
            key=f"referral:concern:{note.id}",
        )
        s.flush()
    return note
