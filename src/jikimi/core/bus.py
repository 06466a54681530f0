"""The message bus: a map from command type to handler, and a notifier after commit.

The bus knows no feature: bootstrap hands it every feature's handlers with their
dependencies bound (`core.feature.inject`) and, where a feature has one, the handler that
retries a failed batch item by item.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

# A handler with its dependencies bound: (command, unit of work) -> ids of alerts changed
Handler = Callable[[Any, Any], set[str]]


class Notifier(Protocol):
    """Tells live listeners (the console's SSE streams) that alerts changed."""

    def alerts_changed(self) -> None:
        """Wake listeners; they read what changed from the store."""
        ...


@dataclass
class MessageBus:
    """Runs a command's handler in a fresh unit of work, then tells listeners."""

    uow_factory: Callable[[], Any]
    notifier: Notifier
    handlers: Mapping[type[Any], Handler]
    one_by_one: Mapping[type[Any], Handler] = field(default_factory=dict)

    def handle(self, cmd: Any) -> set[str]:
        """Carry out `cmd`; return the ids of alerts it changed."""
        handler = self.handlers[type(cmd)]
        uow = self.uow_factory()
        try:
            changed = handler(cmd, uow)
        except Exception as exc:
            # With the database away every item would fail alike: the caller (the worker)
            # tries the whole batch again later.
            retry = self.one_by_one.get(type(cmd))
            if retry is None or uow.unavailable(exc):
                raise
            # A batch failed as a block; judge its items one by one so one bad item
            # cannot hold up every alert behind it.
            log.warning("%s failed as a batch; retrying item by item", type(cmd).__name__)
            changed = retry(cmd, self.uow_factory())
        if changed:
            self.notifier.alerts_changed()
        return changed
