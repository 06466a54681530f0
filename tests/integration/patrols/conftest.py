"""The patrols' tests run with a held clock (shifts end, graces pass) and a short search
(their plans are a handful of homes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from jikimi.bootstrap import Container, build
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings


@pytest.fixture
def clock() -> FixedClock:
    """The server's clock, held at the real time so the factory's orders are in force."""
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(database_url: str) -> Settings:
    """A short search: the plans here are a handful of homes."""
    return Settings(database_url=database_url, escalate_after_s=60, patrol_solve_s=1)


@pytest.fixture
def container(settings: Settings, clock: FixedClock) -> Iterator[Container]:
    """Jikimi on the test database with the held clock."""
    c = build(settings, clock=clock)
    yield c
    c.close()
