"""Consent and referrals as pure rules: the vocabulary, a consent's status from the clock,
what a referral discloses to its centre now, and when the work it owes is due.

A consent is the victim's permission for one recipient (a counselling centre), for some
purposes, to receive some kinds of data, until it expires or is withdrawn. A referral
discloses to its centre only what an active consent naming the centre shares; without one,
a recorded vital-interests override discloses the victim's contact alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from jikimi.tasks.rules import WorkingCalendar


class Share(StrEnum):
    """A kind of data a consent lets the centre receive."""

    CONTACT = "contact"  # the victim's name and phone numbers
    CASE_SUMMARY = "case_summary"  # offense, relationship, open alerts count
    RISK = "risk"  # the latest risk tier
    ORDERS = "orders"  # protective orders' kinds and end dates


class Purpose(StrEnum):
    """What the recipient may use the data for."""

    COUNSELLING = "counselling"
    SHELTER = "shelter"
    LEGAL_AID = "legal_aid"
    MEDICAL = "medical"


class ConsentMethod(StrEnum):
    """How the victim gave consent."""

    VERBAL = "verbal"
    WRITTEN = "written"


class ConsentStatus(StrEnum):
    """Where a consent stands at an instant (from the clock: never stored)."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class ReferralStatus(StrEnum):
    """Where a referral stands: `sent`, `accepted` and `declined` are recorded; `closed`
    is read from its basis (the consent withdrawn or expired, the override refused)."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"


class NoteKind(StrEnum):
    """A counsellor's note on a referral."""

    CONTACT = "contact"  # the centre reached the victim
    CONCERN = "concern"  # the case officer must hear of it within 24 hours


class Basis(StrEnum):
    """On what a referral discloses anything now."""

    CONSENT = "consent"
    VITAL_INTERESTS = "vital_interests"
    NONE = "none"


# A counsellor's concern reaches the case officer as a task due within this.
CONCERN_WITHIN = timedelta(hours=24)
# A referral the centre has not accepted within this many working days owes a follow-up.
ACCEPT_WITHIN_WORKING_DAYS = 3


def consent_status(
    expires_at: datetime, withdrawn_at: datetime | None, now: datetime
) -> ConsentStatus:
    """A consent's status at `now`: withdrawn once withdrawn, expired from its expiry on."""
    if withdrawn_at is not None and withdrawn_at <= now:
        return ConsentStatus.WITHDRAWN
    if now >= expires_at:
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


@dataclass(frozen=True)
class ConsentState:
    """What the disclosure rule needs of a consent."""

    id: str
    shares: frozenset[Share]
    status: ConsentStatus


@dataclass(frozen=True)
class Disclosure:
    """What a referral discloses to its centre now, and on what basis."""

    status: ReferralStatus
    basis: Basis
    shares: frozenset[Share]
    consent_id: str | None


def disclosure(
    recorded: ReferralStatus,
    consent: ConsentState | None,
    override: bool,
    refused_since: bool,
) -> Disclosure:
    """What a referral shows its centre now.

    `consent`: the consent governing it (the newest active one naming the centre, else the
    one it was sent under); `override`: it was sent on a vital-interests override;
    `refused_since`: a consent naming the centre was withdrawn after it was sent (the
    victim's own refusal ends what the override assumed). A declined referral discloses
    nothing, and one with no basis left reads as closed.
    """
    consent_id = consent.id if consent is not None else None
    if consent is not None and consent.status is ConsentStatus.ACTIVE:
        basis, shares = Basis.CONSENT, consent.shares
    elif override and not refused_since:
        basis, shares = Basis.VITAL_INTERESTS, frozenset({Share.CONTACT})
    else:
        basis, shares = Basis.NONE, frozenset()
    if recorded is ReferralStatus.DECLINED:
        return Disclosure(recorded, basis, frozenset(), consent_id)
    status = ReferralStatus.CLOSED if basis is Basis.NONE else recorded
    return Disclosure(status, basis, shares, consent_id)


def unique(values: Iterable[StrEnum]) -> list[str]:
    """The values' codes, each once, in the order first given."""
    return list(dict.fromkeys(v.value for v in values))


def follow_up_deadline(sent_at: datetime, calendar: WorkingCalendar) -> datetime:
    """When a referral not accepted owes its follow-up: the same Korean wall-clock time on
    the third working day after the day it was sent."""
    return _working_days_later(sent_at, ACCEPT_WITHIN_WORKING_DAYS, calendar)


def follow_up_due(sent_at: datetime, calendar: WorkingCalendar) -> datetime:
    """When the officer's follow-up is due: one working day after the deadline passed
    (the task is written when it passes, so it is never overdue on arrival)."""
    return _working_days_later(follow_up_deadline(sent_at, calendar), 1, calendar)


def _working_days_later(at: datetime, n: int, calendar: WorkingCalendar) -> datetime:
    local = at.astimezone(calendar.tz)
    day = calendar.add_working_days(local.date(), n)
    return datetime.combine(day, local.time(), tzinfo=calendar.tz).astimezone(UTC)


def concern_due(noted_at: datetime) -> datetime:
    """When the officer must act on a counsellor's concern: within 24 hours, weekends
    included (urgent work does not wait for a working day)."""
    return (noted_at + CONCERN_WITHIN).astimezone(UTC)
