"""Protective orders: the kinds of the `kr` pack and the statutory limits on their windows."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.cases.orders import (
    OrderKind,
    OrderRuleError,
    OrderStatus,
    OrderWindow,
    add_months,
    check_extension,
    check_window,
    load_pack,
    months_limit,
)

PACK = load_pack("kr")
KST = ZoneInfo("Asia/Seoul")
US = timedelta(microseconds=1)


def kst(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, us: int = 0) -> datetime:
    """An instant given by Korean wall-clock time."""
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=KST)


# --- the pack ------------------------------------------------------------------------


def test_the_kr_pack_holds_every_kind_of_the_design() -> None:
    assert PACK.jurisdiction == "kr"
    assert PACK.tz == KST
    assert set(PACK.kinds) == {
        "stalking.emergency.1",
        "stalking.emergency.2",
        "stalking.provisional.1",
        "stalking.provisional.2",
        "stalking.provisional.3",
        "stalking.provisional.3-2",
        "stalking.provisional.4",
        "dv.temporary.1",
        "dv.temporary.2",
        "dv.temporary.3",
        "dv.temporary.5",
        "dv.emergency_temporary.2",
        "dv.emergency_temporary.3",
        "dv.protection.2",
        "dv.protection.3",
        "stalking.protection.2",
        "stalking.protection.3",
    }


def test_telecom_bans_are_exactly_the_no_contact_kinds() -> None:
    no_contact = {k for k, kind in PACK.kinds.items() if kind.no_contact}
    assert no_contact == {
        "stalking.emergency.2",
        "stalking.provisional.3",
        "dv.temporary.3",
        "dv.emergency_temporary.3",
        "dv.protection.3",
        "stalking.protection.3",
    }


def test_approach_bans_are_100_m() -> None:
    distance = {k: kind.distance_m for k, kind in PACK.kinds.items() if kind.distance_m}
    assert distance == dict.fromkeys(
        [
            "stalking.emergency.1",
            "stalking.provisional.2",
            "dv.temporary.2",
            "dv.emergency_temporary.2",
            "dv.protection.2",
            "stalking.protection.2",
        ],
        100,
    )


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(OrderRuleError, match=r"stalking\.provisional\.9"):
        PACK.get("stalking.provisional.9")


# --- calendar months -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 1), 12, date(2027, 3, 1)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 1), 36, date(2029, 3, 1)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_keeps_the_date_or_clamps_to_month_end(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@given(st.dates(date(1990, 1, 1), date(2200, 12, 31)), st.integers(0, 120))
def test_add_months_lands_in_the_right_month_on_the_same_day_or_its_last(
    day: date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


starts = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, KST]),
)


@given(starts, st.integers(0, 60), st.integers(0, 60))
def test_months_limit_is_monotonic_in_months(start: datetime, m1: int, m2: int) -> None:
    lo, hi = sorted((m1, m2))
    assert months_limit(start, lo, KST) <= months_limit(start, hi, KST)
    if lo < hi:
        assert months_limit(start, lo, KST) < months_limit(start, hi, KST)


@given(starts, st.integers(0, 60))
def test_months_limit_is_the_midnight_after_the_corresponding_korean_date(
    start: datetime, months: int
) -> None:
    limit = months_limit(start, months, KST)
    local = limit.astimezone(KST)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert local.date() - timedelta(days=1) == add_months(start.astimezone(KST).date(), months)
    # Korea has kept UTC+9 without summer time since 1988: the limit is 15:00 UTC.
    assert limit.utcoffset() == timedelta(hours=9)
    utc = limit.astimezone(UTC)
    assert (utc.hour, utc.minute) == (15, 0)
    assert utc.date() == add_months(start.astimezone(KST).date(), months)


def test_months_limit_counts_from_the_korean_date_not_the_utc_one() -> None:
    # 15:00 UTC on 31 January is midnight, 1 February, in Seoul.
    start = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
    assert months_limit(start, 1, KST) == kst(2026, 3, 2)
    # A microsecond earlier it is still 31 January in Seoul: February has no 31st.
    assert months_limit(start - US, 1, KST) == kst(2026, 3, 1)


# --- windows -------------------------------------------------------------------------

PRESENT_KINDS = sorted(
    k for k, kind in PACK.kinds.items() if kind.max_months and kind.in_force_from is None
)
FUTURE_KINDS = sorted(k for k, kind in PACK.kinds.items() if kind.max_months and kind.in_force_from)


def _kind_and_start() -> st.SearchStrategy[tuple[OrderKind, datetime]]:
    present = st.tuples(st.sampled_from(PRESENT_KINDS).map(PACK.get), starts)
    future = st.tuples(
        st.sampled_from(FUTURE_KINDS).map(PACK.get),
        st.datetimes(
            min_value=datetime(2027, 4, 22), max_value=datetime(2100, 1, 1), timezones=st.just(KST)
        ),
    )
    return st.one_of(present, future)


@given(_kind_and_start())
def test_a_window_may_run_exactly_to_its_limit_and_not_a_microsecond_more(
    kind_and_start: tuple[OrderKind, datetime],
) -> None:
    kind, start = kind_and_start
    assert kind.max_months is not None
    limit = months_limit(start, kind.max_months, KST)
    check_window(kind, start, limit, KST)
    with pytest.raises(OrderRuleError) as refused:
        check_window(kind, start, limit + US, KST)
    assert f"at most {kind.max_months} month(s)" in str(refused.value)
    assert kind.statute in str(refused.value)


def test_a_one_month_emergency_order_from_31_january_ends_with_february() -> None:
    kind = PACK.get("stalking.emergency.2")
    start = kst(2026, 1, 31, 14, 0)
    check_window(kind, start, kst(2026, 3, 1), KST)  # through 28 February
    with pytest.raises(OrderRuleError, match=r"at most 1 month\(s\)"):
        check_window(kind, start, kst(2026, 3, 1, 0, 0, 1), KST)


def test_a_window_must_end_after_it_starts() -> None:
    kind = PACK.get("stalking.provisional.3")
    start = kst(2026, 3, 1, 9)
    for end in (start, start - US):
        with pytest.raises(OrderRuleError, match="ends_at must be after starts_at"):
            check_window(kind, start, end, KST)


def test_a_written_warning_has_no_term() -> None:
    check_window(PACK.get("stalking.provisional.1"), kst(2026, 3, 1), kst(2036, 3, 1), KST)


@pytest.mark.parametrize("kind", ["dv.emergency_temporary.2", "dv.emergency_temporary.3"])
def test_a_police_emergency_temporary_measure_lasts_at_most_48_hours(kind: str) -> None:
    k = PACK.get(kind)
    start = kst(2026, 3, 1, 22, 30)
    check_window(k, start, start + timedelta(hours=48), KST)
    with pytest.raises(OrderRuleError, match="at most 48 hours") as refused:
        check_window(k, start, start + timedelta(hours=48) + US, KST)
    assert k.statute in str(refused.value)


def test_a_kind_not_yet_in_force_is_refused_before_its_date() -> None:
    kind = PACK.get("stalking.protection.3")
    with pytest.raises(OrderRuleError, match="in force only from 2027-04-22"):
        check_window(kind, kst(2026, 6, 1), kst(2026, 7, 1), KST)
    # The last instant of 21 April in Seoul is still too early...
    eve = kst(2027, 4, 21, 23, 59, 59, 999999)
    with pytest.raises(OrderRuleError, match="in force only from 2027-04-22"):
        check_window(kind, eve, eve + timedelta(days=30), KST)
    # ...while midnight in Seoul (15:00 UTC on the 21st) is the first day of the statute.
    first = datetime(2027, 4, 21, 15, 0, tzinfo=UTC)
    check_window(kind, first, first + timedelta(days=30), KST)
    check_window(kind, kst(2027, 6, 1), kst(2027, 9, 1), KST)


# --- extensions ----------------------------------------------------------------------


def _extend(
    kind: str, start: datetime, current_end: datetime, new_end: datetime, so_far: int
) -> None:
    check_extension(PACK.get(kind), start, current_end, new_end, so_far, KST)


def test_a_stalking_provisional_ban_extends_twice_by_at_most_three_months() -> None:
    start = kst(2026, 3, 1, 9)
    end = months_limit(start, 3, KST)
    first = months_limit(end, 3, KST)
    _extend("stalking.provisional.3", start, end, first, 0)
    second = months_limit(first, 3, KST)
    _extend("stalking.provisional.3", start, first, second, 1)
    with pytest.raises(OrderRuleError, match=r"at most 2 extension\(s\)"):
        _extend("stalking.provisional.3", start, second, second + timedelta(days=1), 2)


def test_a_stalking_provisional_extension_longer_than_three_months_is_refused() -> None:
    start = kst(2026, 3, 1, 9)
    end = months_limit(start, 3, KST)
    with pytest.raises(OrderRuleError, match=r"each extension .* at most 3 month\(s\)") as refused:
        _extend("stalking.provisional.3", start, end, months_limit(end, 3, KST) + US, 0)
    assert "스토킹처벌법 §9" in str(refused.value)


def test_an_extension_must_end_after_the_current_end() -> None:
    start = kst(2026, 3, 1, 9)
    end = months_limit(start, 3, KST)
    for new_end in (end, end - timedelta(days=1)):
        with pytest.raises(OrderRuleError, match="must end after"):
            _extend("stalking.provisional.3", start, end, new_end, 0)


def test_a_dv_protection_order_extends_in_two_month_steps_up_to_three_years() -> None:
    kind = "dv.protection.3"
    start = kst(2026, 1, 10)
    end = kst(2027, 1, 10)  # one year, through 9 January
    check_window(PACK.get(kind), start, end, KST)
    # No limit on the count: twelve steps of two months bring it to three years exactly.
    for so_far in range(12):
        local = end.astimezone(KST).date()
        new_end = datetime.combine(add_months(local, 2), end.timetz())
        _extend(kind, start, end, new_end, so_far)
        end = new_end
    assert end == kst(2029, 1, 10)
    with pytest.raises(OrderRuleError, match="at most 36 months in all") as refused:
        _extend(kind, start, end, kst(2029, 3, 10), 12)
    assert "§55의2" in str(refused.value)


def test_a_dv_protection_step_longer_than_two_months_is_refused() -> None:
    start = kst(2026, 1, 10)
    end = kst(2027, 1, 10)
    with pytest.raises(OrderRuleError, match=r"each extension .* at most 2 month\(s\)"):
        _extend("dv.protection.2", start, end, months_limit(end, 2, KST) + US, 0)


def test_a_dv_detention_extends_once_by_at_most_one_month() -> None:
    kind = "dv.temporary.5"
    start = kst(2026, 3, 1, 9)
    end = months_limit(start, 1, KST)
    with pytest.raises(OrderRuleError, match=r"at most 1 month\(s\)"):
        _extend(kind, start, end, months_limit(end, 1, KST) + US, 0)
    once = months_limit(end, 1, KST)
    _extend(kind, start, end, once, 0)
    with pytest.raises(OrderRuleError, match=r"at most 1 extension\(s\)"):
        _extend(kind, start, once, once + timedelta(days=1), 1)


@pytest.mark.parametrize(
    "kind",
    [
        "stalking.emergency.1",
        "stalking.emergency.2",
        "stalking.provisional.1",
        "stalking.provisional.4",
        "dv.emergency_temporary.2",
        "dv.emergency_temporary.3",
    ],
)
def test_kinds_without_extensions_cannot_be_extended(kind: str) -> None:
    start = kst(2026, 3, 1, 9)
    end = start + timedelta(hours=24)
    with pytest.raises(OrderRuleError, match="cannot be extended") as refused:
        _extend(kind, start, end, end + timedelta(hours=1), 0)
    assert kind in str(refused.value)


# --- status at an instant ------------------------------------------------------------

BAN = PACK.get("stalking.provisional.3")


def test_an_order_is_scheduled_active_then_expired() -> None:
    start, end = kst(2026, 3, 1, 9), kst(2026, 6, 1)
    order = OrderWindow(BAN, start, end)
    assert order.status_at(start - US) is OrderStatus.SCHEDULED
    assert order.status_at(start) is OrderStatus.ACTIVE
    assert order.status_at(end - US) is OrderStatus.ACTIVE
    assert order.status_at(end) is OrderStatus.EXPIRED
    assert [order.in_force_at(t) for t in (start - US, start, end - US, end)] == [
        False,
        True,
        True,
        False,
    ]


def test_a_revoked_order_stops_at_its_revocation_and_not_before() -> None:
    start, end, revoked = kst(2026, 3, 1, 9), kst(2026, 6, 1), kst(2026, 4, 15, 14)
    order = OrderWindow(BAN, start, end, revoked_at=revoked)
    assert order.status_at(revoked - US) is OrderStatus.ACTIVE
    assert order.status_at(revoked) is OrderStatus.REVOKED
    assert order.status_at(end + timedelta(days=1)) is OrderStatus.REVOKED
    assert order.in_force_at(revoked - US)
    assert not order.in_force_at(revoked)


def test_an_order_revoked_before_it_starts_never_comes_into_force() -> None:
    start, end = kst(2026, 3, 10), kst(2026, 6, 1)
    order = OrderWindow(BAN, start, end, revoked_at=kst(2026, 3, 5))
    assert order.status_at(kst(2026, 3, 1)) is OrderStatus.SCHEDULED
    assert not any(order.in_force_at(start + timedelta(days=d)) for d in range(0, 90, 7))


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)


@given(instants, st.timedeltas(US, timedelta(days=400)), st.none() | instants, instants)
def test_in_force_means_started_not_ended_and_not_revoked(
    start: datetime, length: timedelta, revoked: datetime | None, at: datetime
) -> None:
    order = OrderWindow(BAN, start, start + length, revoked)
    expected = start <= at < start + length and (revoked is None or at < revoked)
    assert order.in_force_at(at) is expected
