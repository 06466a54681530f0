"""Fakes of the core's ports: the clock, the notifier, the victims' locks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.fakes import FakeStore


T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when the test says."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def now(self) -> datetime:
        """The held instant."""
        return self.at

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments (seconds=, hours=, ...)."""
        self.at += timedelta(**delta)


class FakeNotifier:
    """Counts how often listeners were woken."""

    def __init__(self) -> None:
        self.calls = 0

    def alerts_changed(self) -> None:
        """Remember one wake-up."""
        self.calls += 1


class FakeLocks:
    """Victims' locks: one thread, so only the victims the test says another transaction
    holds (`FakeStore.held_elsewhere`) are refused."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def take(self, victim_ids: Iterable[str], *, wait: bool = False) -> set[str]:
        """The victims asked for but those held elsewhere; each call is remembered."""
        ids = sorted(set(victim_ids))
        self.store.lock_calls.append(ids)
        return set(ids) - self.store.held_elsewhere
