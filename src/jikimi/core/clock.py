"""Clocks: the real one and one tests can move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """Aware UTC now."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        """The held instant."""
        return self.at

    def advance(self, seconds: float) -> None:
        """Move forward."""
        self.at += timedelta(seconds=seconds)
