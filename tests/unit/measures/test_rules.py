"""Safety measures: the kinds of the `kr` pack, their window and extension limits, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.cases.orders import load_pack
from jikimi.core.errors import Invalid
from jikimi.measures.rules import (
    MeasureKind,
    MeasureRuleError,
    MeasureStatus,
    SafetyMeasure,
    check_extension,
    check_window,
    get_kind,
    measures_from,
    status_at,
)

KST = ZoneInfo("Asia/Seoul")
KINDS = measures_from(load_pack("kr").safety_measures)
START = datetime(2026, 6, 5, 20, tzinfo=KST)
US = timedelta(microseconds=1)


def days(n: float) -> timedelta:
    return timedelta(days=n)


# --- the pack ------------------------------------------------------------------------


def test_the_kr_pack_sets_limits_for_every_kind() -> None:
    assert set(KINDS) == set(SafetyMeasure)
    assert {k.value for k in SafetyMeasure} == {
        "smartwatch",
        "home_cctv",
        "private_security",
        "shelter",
        "patrol",
        "emergency_112_registration",
        "escort",
        "relocation",
    }


def test_private_security_lasts_14_days_with_one_extension_of_14() -> None:
    guard = KINDS[SafetyMeasure.PRIVATE_SECURITY]
    assert (guard.max_days, guard.max_extensions, guard.extension_days) == (14, 1, 14)


def test_a_smartwatch_is_lent_a_month_at_a_time_with_no_cap_on_extensions() -> None:
    watch = KINDS[SafetyMeasure.SMARTWATCH]
    assert (watch.max_days, watch.max_extensions, watch.extension_days) == (30, None, 30)


def test_every_kind_has_a_korean_title() -> None:
    assert all(kind.title for kind in KINDS.values())


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(MeasureRuleError, match="bodyguard"):
        get_kind(KINDS, "bodyguard")
    assert get_kind(KINDS, "escort").kind is SafetyMeasure.ESCORT


def test_a_rule_error_is_an_invalid_request() -> None:
    # The API answers Invalid with a 422 that carries the message.
    assert issubclass(MeasureRuleError, Invalid)
    assert issubclass(MeasureRuleError, ValueError)


def _entries(**change: Any) -> list[dict[str, Any]]:
    raw = [dict(e) for e in load_pack("kr").safety_measures]
    raw[0].update(change)
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"not": "a list"}, "must be a list"),
        (["smartwatch"], "must be an object"),
        (_entries(kind="jetpack"), "unknown kind 'jetpack'"),
        (_entries(max_dayz=3), "unknown key.*max_dayz"),
        (_entries(max_days=0), "max_days must be at least 1"),
        (_entries(max_days="30"), "max_days must be a whole number"),
        (_entries(max_extensions=-1), "max_extensions must be a whole number"),
        (_entries(extension_days=True), "extension_days must be a whole number"),
        (load_pack("kr").safety_measures[:-1], "no limits for relocation"),
        ([*load_pack("kr").safety_measures, {"kind": "escort"}], "escort appears twice"),
        ([{"kind": "smartwatch", "title": "x"}, *_entries()[1:]], "smartwatch.*max_days"),
    ],
)
def test_bad_measure_data_is_refused_by_name(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        measures_from(raw)


# --- windows -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SafetyMeasure))
def test_a_window_of_the_longest_length_is_allowed_and_no_longer(kind: SafetyMeasure) -> None:
    limits = KINDS[kind]
    check_window(limits, START, START + days(limits.max_days))
    with pytest.raises(MeasureRuleError, match=f"{kind} lasts at most {limits.max_days} day"):
        check_window(limits, START, START + days(limits.max_days) + US)


def test_private_security_for_15_days_names_the_14_day_limit() -> None:
    with pytest.raises(MeasureRuleError, match="private_security lasts at most 14 day"):
        check_window(KINDS[SafetyMeasure.PRIVATE_SECURITY], START, START + days(15))


def test_an_empty_or_reversed_window_is_refused() -> None:
    watch = KINDS[SafetyMeasure.SMARTWATCH]
    with pytest.raises(MeasureRuleError, match="after starts_at"):
        check_window(watch, START, START)
    with pytest.raises(MeasureRuleError, match="after starts_at"):
        check_window(watch, START, START - days(1))


# --- extensions ----------------------------------------------------------------------


def test_private_security_extends_once_by_at_most_14_days() -> None:
    guard = KINDS[SafetyMeasure.PRIVATE_SECURITY]
    end = START + days(14)
    check_extension(guard, end, 0, end + days(14))
    with pytest.raises(MeasureRuleError, match="extension of private_security is at most 14"):
        check_extension(guard, end, 0, end + days(14) + US)
    with pytest.raises(MeasureRuleError, match="private_security allows at most 1 extension"):
        check_extension(guard, end + days(14), 1, end + days(20))


def test_a_smartwatch_extends_a_month_at_a_time_as_often_as_needed() -> None:
    watch = KINDS[SafetyMeasure.SMARTWATCH]
    end = START + days(30)
    for so_far in range(12):
        check_extension(watch, end, so_far, end + days(30))
        end += days(30)
    with pytest.raises(MeasureRuleError, match="at most 30 day"):
        check_extension(watch, end, 12, end + days(31))


def test_an_escort_cannot_be_extended() -> None:
    with pytest.raises(MeasureRuleError, match="escort cannot be extended"):
        check_extension(KINDS[SafetyMeasure.ESCORT], START + days(1), 0, START + days(2))


def test_an_extension_must_end_later() -> None:
    watch = KINDS[SafetyMeasure.SMARTWATCH]
    with pytest.raises(MeasureRuleError, match="after the measure's current end"):
        check_extension(watch, START + days(30), 0, START + days(30))


def test_a_kind_with_extension_days_but_zero_extensions_cannot_be_extended() -> None:
    kind = MeasureKind(SafetyMeasure.ESCORT, "동행", 1, max_extensions=0, extension_days=1)
    with pytest.raises(MeasureRuleError, match="cannot be extended"):
        check_extension(kind, START + days(1), 0, START + days(2))


instants = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.sampled_from([UTC, KST]),
)


@given(st.sampled_from(list(SafetyMeasure)), instants, st.integers(1, 400 * 24))
def test_a_window_passes_exactly_when_it_fits_the_kind(
    kind: SafetyMeasure, start: datetime, hours: int
) -> None:
    limits = KINDS[kind]
    end = start + timedelta(hours=hours)
    fits = hours <= limits.max_days * 24
    try:
        check_window(limits, start, end)
    except MeasureRuleError:
        assert not fits
    else:
        assert fits


# --- status --------------------------------------------------------------------------


def test_a_measure_is_scheduled_then_active_then_ended() -> None:
    end = START + days(14)
    assert status_at(START, end, None, START - US) is MeasureStatus.SCHEDULED
    assert status_at(START, end, None, START) is MeasureStatus.ACTIVE
    assert status_at(START, end, None, end - US) is MeasureStatus.ACTIVE
    assert status_at(START, end, None, end) is MeasureStatus.ENDED


def test_a_measure_ended_early_is_ended_from_that_moment() -> None:
    end, ended = START + days(14), START + days(3)
    assert status_at(START, end, ended, ended - US) is MeasureStatus.ACTIVE
    assert status_at(START, end, ended, ended) is MeasureStatus.ENDED


def test_a_measure_ended_before_it_began_never_becomes_active() -> None:
    end, ended = START + days(14), START - days(1)
    assert status_at(START, end, ended, START + days(1)) is MeasureStatus.ENDED


@given(instants, st.integers(1, 1000), st.integers(-2000, 2000))
def test_a_measure_is_active_exactly_inside_its_window(
    start: datetime, length_h: int, at_h: int
) -> None:
    end = start + timedelta(hours=length_h)
    now = start + timedelta(hours=at_h)
    active = status_at(start, end, None, now) is MeasureStatus.ACTIVE
    assert active == (start <= now < end)
