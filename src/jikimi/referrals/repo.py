"""The referrals feature's queries: a case's consents and referrals, a centre's referrals a
page at a time, their notes, and the referrals that still wait for their centre."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jikimi.core import pages
from jikimi.referrals.rules import ReferralStatus
from jikimi.referrals.tables import Consent, Referral, ReferralNote

OPEN = (ReferralStatus.SENT.value, ReferralStatus.ACCEPTED.value)


def consents_of(s: Session, case_id: str) -> list[Consent]:
    """A case's consents, newest first."""
    q = (
        select(Consent)
        .where(Consent.case_id == case_id)
        .order_by(Consent.recorded_at.desc(), Consent.id)
    )
    return list(s.scalars(q))


def consents_naming(s: Session, case_id: str, centre: str) -> list[Consent]:
    """A case's consents naming one recipient, newest first."""
    q = (
        select(Consent)
        .where(Consent.case_id == case_id, Consent.recipient == centre)
        .order_by(Consent.recorded_at.desc(), Consent.id)
    )
    return list(s.scalars(q))


def referrals_of_case(s: Session, case_id: str) -> list[Referral]:
    """A case's referrals, newest first."""
    q = (
        select(Referral)
        .where(Referral.case_id == case_id)
        .order_by(Referral.created_at.desc(), Referral.id)
    )
    return list(s.scalars(q))


def open_referral(s: Session, case_id: str, centre: str) -> Referral | None:
    """The case's referral to this centre still sent or accepted, if any."""
    q = select(Referral).where(
        Referral.case_id == case_id, Referral.centre == centre, Referral.status.in_(OPEN)
    )
    return s.scalars(q.limit(1)).first()


def referrals_of_centre(
    s: Session, centre: str, limit: int, cursor: str | None
) -> tuple[list[Referral], str | None]:
    """A page of a centre's referrals, newest first."""
    q = select(Referral).where(Referral.centre == centre)
    if cursor:
        at, referral_id = pages.decode(cursor)
        q = q.where(
            or_(
                Referral.created_at < at,
                and_(Referral.created_at == at, Referral.id > referral_id),
            )
        )
    rows = list(s.scalars(q.order_by(Referral.created_at.desc(), Referral.id).limit(limit + 1)))
    last = rows[limit - 1] if len(rows) > limit else None
    nxt = pages.encode(last.created_at, last.id) if last is not None else None
    return rows[:limit], nxt


def notes_of(s: Session, referral_ids: Sequence[str]) -> dict[str, list[ReferralNote]]:
    """The referrals' notes, oldest first, by referral."""
    out: dict[str, list[ReferralNote]] = {i: [] for i in referral_ids}
    if not referral_ids:
        return out
    q = (
        select(ReferralNote)
        .where(ReferralNote.referral_id.in_(list(referral_ids)))
        .order_by(ReferralNote.created_at, ReferralNote.id)
    )
    for n in s.scalars(q):
        out[n.referral_id].append(n)
    return out


def waiting_since(s: Session, before: datetime, limit: int) -> list[Referral]:
    """Referrals still only sent, sent at or before `before`, whose follow-up is not
    written yet (oldest first)."""
    q = (
        select(Referral)
        .where(
            Referral.status == ReferralStatus.SENT.value,
            Referral.follow_up_checked_at.is_(None),
            Referral.created_at <= before,
        )
        .order_by(Referral.created_at, Referral.id)
        .limit(limit)
    )
    return list(s.scalars(q))
