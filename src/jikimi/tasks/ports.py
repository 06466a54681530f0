"""What the tasks feature's handlers need from a unit of work: its session (the feature
builds its queries on it, as `tasks.repo` does)."""

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
