"""What the referrals feature's handler needs from a unit of work: its session, and a
read-only session beside it for the look before a pass."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol


class SessionWork(Protocol):
    """A unit of work with an open session inside `with`."""

    session: Any
    reader: Any  # a read-only session beside it, or None

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the transaction durable."""
        ...
