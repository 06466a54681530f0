"""The clock port: the time now."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The time now (a port so tests can hold it still)."""

    def now(self) -> datetime:
        """Aware UTC now."""
        ...
