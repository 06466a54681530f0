"""The span of times a client may send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from jikimi.core.moments import EARLIEST, EARLIEST_HISTORY, LATEST, within

OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-(24 * 60 - 1), 24 * 60 - 1)
)


@given(st.datetimes(timezones=OFFSETS))
def test_within_never_raises_and_agrees_with_utc(at: datetime) -> None:
    """Year 1 at +14:00 has no UTC form: outside, not an OverflowError."""
    try:
        utc = at.astimezone(UTC)
    except OverflowError:
        assert not within(at)
        return
    assert within(at) == (EARLIEST <= utc <= LATEST)


def test_the_span_s_edges() -> None:
    """Both ends belong to it; a time without an offset never does."""
    assert within(EARLIEST)
    assert within(LATEST)
    assert not within(EARLIEST - timedelta(microseconds=1))
    assert not within(LATEST + timedelta(microseconds=1))
    assert within(datetime(2000, 1, 1, 9, tzinfo=timezone(timedelta(hours=9))))
    assert not within(datetime(2026, 3, 1))
    assert within(datetime(1950, 1, 1, tzinfo=UTC), earliest=EARLIEST_HISTORY)
