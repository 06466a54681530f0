"""The referrals' pure rules: a consent's status from the clock, what a referral discloses
on each basis, and when the work it owes is due (working days in Seoul)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.referrals.rules import (
    Basis,
    ConsentState,
    ConsentStatus,
    Purpose,
    ReferralStatus,
    Share,
    concern_due,
    consent_status,
    disclosure,
    follow_up_deadline,
    follow_up_due,
    unique,
)
from jikimi.tasks.rules import calendar_for

SEOUL = ZoneInfo("Asia/Seoul")
KR = calendar_for("KR", SEOUL)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)
ALL = frozenset(Share)


@given(expires=times, withdrawn=st.none() | times, now=times)
def test_a_consent_is_active_only_before_expiry_and_withdrawal(
    expires: datetime, withdrawn: datetime | None, now: datetime
) -> None:
    status = consent_status(expires, withdrawn, now)
    if withdrawn is not None and withdrawn <= now:
        assert status is ConsentStatus.WITHDRAWN
    elif now >= expires:
        assert status is ConsentStatus.EXPIRED
    else:
        assert status is ConsentStatus.ACTIVE


def test_expiry_is_read_from_the_clock_at_the_instant() -> None:
    ends = T0 + timedelta(days=1)
    assert consent_status(ends, None, ends - timedelta(microseconds=1)) is ConsentStatus.ACTIVE
    assert consent_status(ends, None, ends) is ConsentStatus.EXPIRED


def consent(status: ConsentStatus, shares: frozenset[Share] = ALL) -> ConsentState:
    """A consent in `status`."""
    return ConsentState("c1", shares, status)


def test_an_active_consent_discloses_what_it_shares() -> None:
    d = disclosure(
        ReferralStatus.ACCEPTED,
        consent(ConsentStatus.ACTIVE, frozenset({Share.RISK})),
        False,
        False,
    )
    assert (d.status, d.basis, d.shares, d.consent_id) == (
        ReferralStatus.ACCEPTED,
        Basis.CONSENT,
        frozenset({Share.RISK}),
        "c1",
    )


@pytest.mark.parametrize("status", [ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED])
def test_without_an_active_consent_nothing_is_disclosed_and_the_referral_is_closed(
    status: ConsentStatus,
) -> None:
    d = disclosure(ReferralStatus.SENT, consent(status), False, False)
    assert (d.status, d.basis, d.shares, d.consent_id) == (
        ReferralStatus.CLOSED,
        Basis.NONE,
        frozenset(),
        "c1",
    )


def test_an_override_discloses_the_contact_only_until_the_victim_refuses() -> None:
    d = disclosure(ReferralStatus.SENT, None, True, False)
    assert (d.basis, d.shares) == (Basis.VITAL_INTERESTS, frozenset({Share.CONTACT}))
    refused = disclosure(ReferralStatus.SENT, consent(ConsentStatus.WITHDRAWN), True, True)
    assert (refused.status, refused.shares) == (ReferralStatus.CLOSED, frozenset())
    # A consent given after the override governs instead of it.
    later = disclosure(ReferralStatus.SENT, consent(ConsentStatus.ACTIVE), True, False)
    assert (later.basis, later.shares) == (Basis.CONSENT, ALL)


@given(
    status=st.sampled_from(list(ConsentStatus)),
    override=st.booleans(),
    refused=st.booleans(),
)
def test_a_declined_referral_discloses_nothing(
    status: ConsentStatus, override: bool, refused: bool
) -> None:
    d = disclosure(ReferralStatus.DECLINED, consent(status), override, refused)
    assert (d.status, d.shares) == (ReferralStatus.DECLINED, frozenset())


def test_the_contact_is_never_more_than_consented_or_overridden() -> None:
    for recorded in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        for status in ConsentStatus:
            for override in (False, True):
                d = disclosure(
                    recorded, consent(status, frozenset({Share.ORDERS})), override, False
                )
                allowed = {Share.ORDERS} if status is ConsentStatus.ACTIVE else set()
                if override and status is not ConsentStatus.ACTIVE:
                    allowed = {Share.CONTACT}
                assert set(d.shares) == allowed


def test_codes_are_kept_once_in_the_order_given() -> None:
    assert unique([Purpose.SHELTER, Purpose.COUNSELLING, Purpose.SHELTER]) == [
        "shelter",
        "counselling",
    ]


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    """A Seoul wall-clock time, in UTC."""
    return datetime(y, m, d, h, 0, tzinfo=SEOUL).astimezone(UTC)


def test_the_follow_up_counts_working_days_in_seoul() -> None:
    # Monday 2026-03-02 (the day after 삼일절, itself a Sunday, whose substitute it is):
    # sent that day, the third working day is Thursday 5th.
    assert follow_up_deadline(at(2026, 3, 2), KR) == at(2026, 3, 5)
    # Sent on a Friday: Wednesday, and the task is due on Thursday at the same time.
    assert follow_up_deadline(at(2026, 3, 6), KR) == at(2026, 3, 11)
    assert follow_up_due(at(2026, 3, 6), KR) == at(2026, 3, 12)
    # Chuseok 2026 (24-26 September) and the weekend after it.
    assert follow_up_deadline(at(2026, 9, 23), KR) == at(2026, 9, 30)


@given(sent=times)
def test_the_follow_up_is_due_after_its_deadline_on_a_working_day(sent: datetime) -> None:
    deadline = follow_up_deadline(sent, KR)
    due = follow_up_due(sent, KR)
    assert sent + timedelta(days=3) <= deadline < due
    assert KR.is_working_day(due.astimezone(SEOUL).date())
    assert due.astimezone(SEOUL).time() == sent.astimezone(SEOUL).time()


@given(noted=times)
def test_a_concern_is_due_24_hours_later_weekends_included(noted: datetime) -> None:
    assert concern_due(noted) == noted + timedelta(hours=24)
