"""The span of times Jikimi takes from a client.

A time outside the span is a typing or clock error, never a real event, order or phone
record; inside it every conversion (to UTC, to Korea's time, a month further for a
statutory limit) is safe, so nothing downstream can overflow.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Events, orders and positions: nothing before this (Jikimi's own records start later)."""
LATEST = datetime(2100, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
"""Nothing after this: an order's end, even extended, lies well before it."""
EARLIEST_HISTORY = datetime(1900, 1, 1, tzinfo=UTC)
"""A person's records (a number held since, a birth date) may be older than Jikimi."""


def within(at: datetime, earliest: datetime = EARLIEST, latest: datetime = LATEST) -> bool:
    """True when `at` carries an offset and lies in [earliest, latest]. Never raises: a
    time far outside (year 1 at +14:00 has no UTC form) is refused by its own wall-clock
    reading before a comparison across offsets would have to convert it."""
    offset = at.utcoffset()
    if offset is None:
        return False
    naive = at.replace(tzinfo=None)
    margin = timedelta(days=2)  # larger than any offset: the subtraction below is safe
    if not earliest.replace(tzinfo=None) - margin <= naive <= latest.replace(tzinfo=None) + margin:
        return False
    return earliest <= at <= latest
