"""The features whose handlers the message bus runs: adding one is a line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jikimi.alerts import handlers as alerts
from jikimi.alerts.rules import EscalationPolicy
from jikimi.contacts import handlers as contacts
from jikimi.core.bus import Handler, MessageBus, Notifier
from jikimi.devices import handlers as devices
from jikimi.proximity import handlers as proximity
from jikimi.risk import handlers as risk

HANDLER_MODULES = (alerts, contacts, devices, proximity, risk)


def message_bus(
    uow_factory: Callable[[], Any],
    clock: Any,
    notifier: Notifier,
    policy: EscalationPolicy | None = None,
) -> MessageBus:
    """A bus that runs every feature's handlers."""
    handlers: dict[type[Any], Handler] = {}
    one_by_one: dict[type[Any], Handler] = {}
    for module in HANDLER_MODULES:
        handlers.update(module.HANDLERS)
        one_by_one.update(getattr(module, "ONE_BY_ONE", {}))
    return MessageBus(
        uow_factory, clock, notifier, policy or EscalationPolicy(), handlers, one_by_one
    )
