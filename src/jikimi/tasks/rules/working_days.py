"""Working days in a jurisdiction's time zone: weekdays that are not public holidays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from jikimi.tasks.rules.policy import PolicyError

# No calendar has a year of holidays in a row: a longer search means a broken predicate.
_SEARCH_LIMIT_DAYS = 366


def _no_holidays(day: date) -> bool:
    return False


@dataclass(frozen=True)
class WorkingCalendar:
    """The time zone dates are read in, and which of those dates are public holidays."""

    tz: ZoneInfo
    is_holiday: Callable[[date], bool] = _no_holidays

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday when the day is not a public holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self._step(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        return self._step(day, -1)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n < 0); `day` itself when n == 0."""
        for _ in range(abs(n)):
            day = self._step(day, 1 if n > 0 else -1)
        return day

    def _step(self, day: date, direction: int) -> date:
        for offset in range(1, _SEARCH_LIMIT_DAYS + 1):
            candidate = day + timedelta(days=direction * offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days of {day}")


def calendar_for(holiday_calendar: str | None, tz: ZoneInfo) -> WorkingCalendar:
    """The working calendar of a pack: its `holidays` country code (or none) and time zone."""
    if holiday_calendar is None:
        return WorkingCalendar(tz)
    if not isinstance(holiday_calendar, str):
        raise PolicyError('holidays must be a country code such as "KR"')
    import holidays  # here, not at the top: it loads every country's module

    try:
        table = holidays.country_holidays(holiday_calendar)
    except NotImplementedError:
        raise PolicyError(
            f"holidays: no public-holiday calendar for {holiday_calendar!r}"
        ) from None
    return WorkingCalendar(tz, table.__contains__)
