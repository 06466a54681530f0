"""Telecom-ban matching: a call or text from the perpetrator's number, while a ban is in
force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.alerts.rules import AlertKind
from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.contacts.rules import (
    CaseFacts,
    Contact,
    NumberSpan,
    judge_contact,
    no_contact_in_force,
    same_contact,
)

PACK = load_pack("kr")
BAN = PACK.get("stalking.provisional.3")
APPROACH_BAN = PACK.get("stalking.provisional.2")
PERPETRATOR_NUMBER = "+821023456789"
FORMER_NUMBER = "+821098765432"
STRANGER = "+821055554444"
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
END = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
DURING = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def case(
    *orders: OrderWindow, numbers: tuple[NumberSpan, ...] = (NumberSpan(PERPETRATOR_NUMBER),)
) -> CaseFacts:
    """A case with these orders and the perpetrator's numbers."""
    return CaseFacts("case-1", orders, numbers)


def call(number: str | None, at: datetime = DURING, kind: str = "call") -> Contact:
    """A contact the victim received."""
    return Contact(kind, number, at)


# --- numbers over time ---------------------------------------------------------------


def test_a_number_without_dates_is_always_the_perpetrators() -> None:
    span = NumberSpan(PERPETRATOR_NUMBER)
    assert span.valid_at(datetime(1990, 1, 1, tzinfo=UTC))
    assert span.valid_at(datetime(2090, 1, 1, tzinfo=UTC))


def test_a_number_is_the_perpetrators_from_valid_from_until_just_before_valid_to() -> None:
    span = NumberSpan(PERPETRATOR_NUMBER, valid_from=START, valid_to=END)
    assert not span.valid_at(START - US)
    assert span.valid_at(START)
    assert span.valid_at(END - US)
    assert not span.valid_at(END)


# --- judging one contact -------------------------------------------------------------


def test_the_perpetrators_number_during_a_ban_is_a_contact_violation() -> None:
    assert judge_contact(call(PERPETRATOR_NUMBER), case(OrderWindow(BAN, START, END))) is (
        AlertKind.CONTACT_VIOLATION
    )


@pytest.mark.parametrize("kind", ["call", "missed_call", "sms", "mms"])
def test_every_kind_of_contact_counts(kind: str) -> None:
    assert judge_contact(
        call(PERPETRATOR_NUMBER, kind=kind), case(OrderWindow(BAN, START, END))
    ) is (AlertKind.CONTACT_VIOLATION)


def test_a_hidden_number_during_a_ban_is_a_hidden_number_contact() -> None:
    assert judge_contact(call(None), case(OrderWindow(BAN, START, END))) is (
        AlertKind.HIDDEN_NUMBER_CONTACT
    )


def test_someone_elses_number_during_a_ban_is_nothing() -> None:
    assert judge_contact(call(STRANGER), case(OrderWindow(BAN, START, END))) is None


@pytest.mark.parametrize("number", [PERPETRATOR_NUMBER, None])
def test_an_approach_ban_alone_does_not_forbid_calls(number: str | None) -> None:
    assert judge_contact(call(number), case(OrderWindow(APPROACH_BAN, START, END))) is None


@pytest.mark.parametrize("number", [PERPETRATOR_NUMBER, None])
def test_without_any_order_nothing_is_a_violation(number: str | None) -> None:
    assert judge_contact(call(number), case()) is None


@pytest.mark.parametrize(
    ("order", "at"),
    [
        (OrderWindow(BAN, START, END), START - US),  # not started yet
        (OrderWindow(BAN, START, END), END),  # expired
        (OrderWindow(BAN, START, END, revoked_at=DURING), DURING),  # revoked at that moment
        (OrderWindow(BAN, START, END, revoked_at=DURING), END - US),  # revoked earlier
    ],
)
@pytest.mark.parametrize("number", [PERPETRATOR_NUMBER, None])
def test_a_ban_not_in_force_at_the_contacts_time_does_not_match(
    order: OrderWindow, at: datetime, number: str | None
) -> None:
    assert judge_contact(call(number, at), case(order)) is None


def test_a_contact_just_before_revocation_still_matches() -> None:
    order = OrderWindow(BAN, START, END, revoked_at=DURING)
    assert (
        judge_contact(call(PERPETRATOR_NUMBER, DURING - US), case(order))
        is AlertKind.CONTACT_VIOLATION
    )


def test_a_second_ban_in_force_is_enough_when_the_first_has_expired() -> None:
    old = OrderWindow(BAN, START - timedelta(days=90), START)
    new = OrderWindow(BAN, START, END)
    assert judge_contact(call(PERPETRATOR_NUMBER), case(old, new)) is AlertKind.CONTACT_VIOLATION


def test_a_number_given_up_before_the_contact_does_not_match() -> None:
    numbers = (
        NumberSpan(FORMER_NUMBER, valid_to=DURING - timedelta(days=1)),
        NumberSpan(PERPETRATOR_NUMBER),
    )
    c = case(OrderWindow(BAN, START, END), numbers=numbers)
    assert judge_contact(call(FORMER_NUMBER, DURING), c) is None
    assert judge_contact(call(FORMER_NUMBER, DURING - timedelta(days=2)), c) is (
        AlertKind.CONTACT_VIOLATION
    )


def test_a_number_held_at_the_contacts_time_matches_though_dropped_since() -> None:
    numbers = (NumberSpan(FORMER_NUMBER, valid_from=START, valid_to=DURING + timedelta(days=1)),)
    c = case(OrderWindow(BAN, START, END), numbers=numbers)
    assert judge_contact(call(FORMER_NUMBER, DURING), c) is AlertKind.CONTACT_VIOLATION


def test_a_number_taken_only_after_the_contact_does_not_match() -> None:
    numbers = (NumberSpan(STRANGER, valid_from=DURING + timedelta(hours=1)),)
    c = case(OrderWindow(BAN, START, END), numbers=numbers)
    assert judge_contact(call(STRANGER, DURING), c) is None


times = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 9, 1), timezones=st.just(UTC)
)


@given(
    at=times,
    starts=times,
    length=st.timedeltas(timedelta(hours=1), timedelta(days=120)),
    revoked=st.none() | times,
    valid_from=st.none() | times,
    valid_to=st.none() | times,
    hidden=st.booleans(),
)
def test_a_contact_is_judged_by_the_facts_at_its_own_time(
    at: datetime,
    starts: datetime,
    length: timedelta,
    revoked: datetime | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
    hidden: bool,
) -> None:
    order = OrderWindow(BAN, starts, starts + length, revoked)
    c = case(order, numbers=(NumberSpan(PERPETRATOR_NUMBER, valid_from, valid_to),))
    banned = starts <= at < starts + length and (revoked is None or at < revoked)
    number_held = (valid_from is None or valid_from <= at) and (valid_to is None or at < valid_to)
    assert no_contact_in_force(c, at) is banned
    got = judge_contact(call(None if hidden else PERPETRATOR_NUMBER, at), c)
    if not banned:
        assert got is None
    elif hidden:
        assert got is AlertKind.HIDDEN_NUMBER_CONTACT
    else:
        assert got is (AlertKind.CONTACT_VIOLATION if number_held else None)


# --- one call, two reports -----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("call", "missed_call"),
        ("missed_call", "call"),
        ("call", "call"),
        ("sms", "mms"),
        ("mms", "sms"),
    ],
)
def test_reports_of_one_family_within_a_minute_are_one_contact(a: str, b: str) -> None:
    assert same_contact(
        call(PERPETRATOR_NUMBER, DURING, a),
        call(PERPETRATOR_NUMBER, DURING + timedelta(seconds=59), b),
    )
    assert same_contact(
        call(PERPETRATOR_NUMBER, DURING, a),
        call(PERPETRATOR_NUMBER, DURING - timedelta(seconds=60), b),
    )


def test_reports_more_than_a_minute_apart_are_two_contacts() -> None:
    assert not same_contact(
        call(PERPETRATOR_NUMBER, DURING),
        call(PERPETRATOR_NUMBER, DURING + timedelta(seconds=60) + US),
    )


def test_a_call_and_a_text_are_two_contacts() -> None:
    assert not same_contact(
        call(PERPETRATOR_NUMBER, DURING, "call"), call(PERPETRATOR_NUMBER, DURING, "sms")
    )
    assert not same_contact(
        call(PERPETRATOR_NUMBER, DURING, "missed_call"), call(PERPETRATOR_NUMBER, DURING, "mms")
    )


def test_two_numbers_are_two_contacts() -> None:
    assert not same_contact(call(PERPETRATOR_NUMBER), call(FORMER_NUMBER))
    assert not same_contact(call(PERPETRATOR_NUMBER), call(None))


def test_two_hidden_calls_within_a_minute_are_one_contact() -> None:
    assert same_contact(call(None, DURING), call(None, DURING + timedelta(seconds=30)))


def test_kinds_outside_the_families_match_only_themselves() -> None:
    # As the store's query does: an unknown kind is its own family.
    assert not same_contact(
        call(PERPETRATOR_NUMBER, kind="video_call"), call(PERPETRATOR_NUMBER, kind="fax")
    )
    assert not same_contact(
        call(PERPETRATOR_NUMBER, kind="video_call"), call(PERPETRATOR_NUMBER, kind="call")
    )
    assert not same_contact(
        call(PERPETRATOR_NUMBER, kind="voice"), call(PERPETRATOR_NUMBER, kind="call")
    )
    assert same_contact(
        call(PERPETRATOR_NUMBER, kind="video_call"), call(PERPETRATOR_NUMBER, kind="video_call")
    )


@given(
    st.sampled_from(["call", "missed_call", "sms", "mms"]),
    st.sampled_from(["call", "missed_call", "sms", "mms"]),
    st.sampled_from([PERPETRATOR_NUMBER, FORMER_NUMBER, None]),
    st.sampled_from([PERPETRATOR_NUMBER, FORMER_NUMBER, None]),
    st.timedeltas(-timedelta(minutes=5), timedelta(minutes=5)),
)
def test_same_contact_is_symmetric(
    ka: str, kb: str, na: str | None, nb: str | None, gap: timedelta
) -> None:
    a, b = call(na, DURING, ka), call(nb, DURING + gap, kb)
    assert same_contact(a, b) is same_contact(b, a)
