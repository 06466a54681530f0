"""The span of times Jikimi takes from a client, and text it can always store.

A time outside the span is a typing or clock error, never a real event, order or phone
record; inside it every conversion (to UTC, to Korea's time, a month further for a
statutory limit) is safe, so nothing downstream can overflow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Events, orders and positions: nothing before this (Jikimi's own records start later)."""
LATEST = datetime(2100, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
"""Nothing after this: an order's end, even extended, lies well before it."""
EARLIEST_HISTORY = datetime(1900, 1, 1, tzinfo=UTC)
"""A person's records (a number held since, a birth date) may be older than Jikimi."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def within(at: datetime, earliest: datetime = EARLIEST, latest: datetime = LATEST) -> bool:
    """True when `at` carries an offset and lies in [earliest, latest]; never raises
    (year 1 at +14:00 has no UTC form, so the offset is applied by hand)."""
    offset = at.utcoffset()
    if offset is None:
        return False
    naive = at.replace(tzinfo=None)
    margin = timedelta(days=2)  # larger than any offset: the subtraction below is safe
    if not earliest.replace(tzinfo=None) - margin <= naive <= latest.replace(tzinfo=None) + margin:
        return False
    return earliest <= at <= latest


def storable(text: str) -> str:
    """`text` with what no database can hold (NUL, and surrogates that pair with nothing,
    as a JSON "\\ud800" escape decodes to) replaced by U+FFFD: kept, never refused."""
    return _UNSTORABLE.sub("\ufffd", text) if _UNSTORABLE.search(text) else text
