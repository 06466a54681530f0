"""Counting without personal data: whole periods in Korean time, suppression under five,
every category listed."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.core.errors import Invalid
from jikimi.stats.counting import (
    MAX_PERIODS,
    Group,
    Measure,
    default_window,
    periods,
    suppress,
    table,
)

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (120, 120)])
def test_counts_of_one_to_four_are_suppressed(n: int, shown: int | str) -> None:
    """0 stays 0; 1 to 4 become "<5"."""
    assert suppress(n) == shown


def test_a_window_widens_to_whole_korean_months() -> None:
    """Mid-month instants widen to the months they fall in, in Seoul's calendar: 1 March
    00:30 KST is still 28 February in UTC, and belongs to March."""
    start = datetime(2026, 2, 28, 15, 30, tzinfo=UTC)  # 2026-03-01 00:30 KST
    end = datetime(2026, 4, 10, tzinfo=UTC)
    spans = periods(start, end, Group.MONTH, SEOUL)
    assert [p.label for p in spans] == ["2026-03", "2026-04"]
    assert spans[0].starts_at == datetime(2026, 3, 1, tzinfo=SEOUL)
    assert spans[-1].ends_at == datetime(2026, 5, 1, tzinfo=SEOUL)


def test_an_end_on_a_period_boundary_adds_no_period() -> None:
    """[1 Jan, 1 Jan next year) is one year, twelve months."""
    start, end = datetime(2025, 1, 1, tzinfo=SEOUL), datetime(2026, 1, 1, tzinfo=SEOUL)
    assert [p.label for p in periods(start, end, Group.YEAR, SEOUL)] == ["2025"]
    assert len(periods(start, end, Group.MONTH, SEOUL)) == 12


def test_empty_and_too_long_windows_are_refused() -> None:
    """An end before the start, or more periods than one request counts, is Invalid."""
    at = datetime(2026, 1, 1, tzinfo=SEOUL)
    with pytest.raises(Invalid, match="after"):
        periods(at, at, Group.MONTH, SEOUL)
    with pytest.raises(Invalid, match=str(MAX_PERIODS)):
        periods(at, datetime(2032, 1, 2, tzinfo=SEOUL), Group.MONTH, SEOUL)


@given(
    st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=40 * 24 * 365 // 20),
    st.sampled_from(list(Group)),
)
def test_periods_tile_the_window(start: datetime, hours: int, group: Group) -> None:
    """The periods follow one another without gap or overlap and cover the window."""
    end = start + timedelta(hours=hours)
    try:
        spans = periods(start, end, group, SEOUL)
    except Invalid:
        return  # longer than one request counts
    assert spans[0].starts_at <= start
    assert end <= spans[-1].ends_at
    for a, b in itertools.pairwise(spans):
        assert a.ends_at == b.starts_at
    assert spans[-1].starts_at < end


def test_the_default_window_is_the_last_twelve_months() -> None:
    """From the first of the month eleven months back to the end of this one."""
    start, end = default_window(datetime(2026, 3, 15, tzinfo=UTC), SEOUL)
    assert (start, end) == (datetime(2025, 4, 1, tzinfo=SEOUL), datetime(2026, 4, 1, tzinfo=SEOUL))


def test_a_table_lists_every_category_and_suppresses() -> None:
    """Categories with nothing are 0; one met only in the data is added; no totals."""
    spans = periods(
        datetime(2026, 1, 1, tzinfo=SEOUL), datetime(2026, 3, 1, tzinfo=SEOUL), Group.MONTH, SEOUL
    )
    counted = {Measure.CASES_OPENED: {(0, "stalking"): 3, (1, "stalking"): 7, (1, "odd"): 1}}
    rows = table(spans, counted, {Measure.CASES_OPENED: ("stalking", "other")})
    assert rows[0]["cases_opened_by_offense"] == {"stalking": "<5", "other": 0}
    assert rows[1]["cases_opened_by_offense"] == {"stalking": 7, "other": 0, "odd": "<5"}
    assert rows[0]["tasks_done"] == {}
    assert "total" not in str(rows)
