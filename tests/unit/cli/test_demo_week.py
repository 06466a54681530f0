"""The demo's own task falls later today in Seoul."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from jikimi.cli.demo_week import SEOUL, due_today


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)))
def test_due_today_is_later_the_same_day_in_seoul(naive: datetime) -> None:
    now = naive.replace(tzinfo=UTC)
    due = due_today(now)
    local = now.astimezone(SEOUL)
    assert due.date() == local.date()
    assert due >= local or (local.hour == 23 and local.minute >= 59)
