"""The message bus: a map from command type to handler, and a notifier after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jikimi.domain.alerts import EscalationPolicy
from jikimi.engine import device_handlers, handlers, proximity_handlers, risk_handlers
from jikimi.engine.messages import (
    AcknowledgeAlert,
    CheckSilentDevices,
    Command,
    EscalateDueAlerts,
    JudgeContacts,
    JudgeDeviceEvents,
    JudgePositions,
    RescoreCases,
    ResolveAlert,
    SaveTrackStates,
)
from jikimi.engine.ports import Clock, Notifier, UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Any, UnitOfWork, Clock, EscalationPolicy], set[str]]

HANDLERS: dict[type[Any], Handler] = {
    JudgeContacts: handlers.judge_contacts,
    EscalateDueAlerts: handlers.escalate_due_alerts,
    AcknowledgeAlert: handlers.acknowledge_alert,
    ResolveAlert: handlers.resolve_alert,
    JudgeDeviceEvents: device_handlers.judge_device_events,
    CheckSilentDevices: device_handlers.check_silent_devices,
    JudgePositions: proximity_handlers.judge_positions,
    SaveTrackStates: proximity_handlers.save_track_states,
    RescoreCases: risk_handlers.rescore_cases,
}


@dataclass
class MessageBus:
    """Runs a command's handler in a fresh unit of work, then tells listeners."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    notifier: Notifier
    policy: EscalationPolicy = field(default_factory=EscalationPolicy)

    def handle(self, cmd: Command) -> set[str]:
        """Carry out `cmd`; return the ids of alerts it changed."""
        handler = HANDLERS[type(cmd)]
        uow = self.uow_factory()
        try:
            changed = handler(cmd, uow, self.clock, self.policy)
        except Exception as exc:
            # With the database away every event would fail alike: the caller (the worker)
            # tries the whole batch again later.
            if not isinstance(cmd, JudgeContacts) or uow.unavailable(exc):
                raise
            # A batch failed as a block; judge its events one by one so one bad event
            # cannot hold up every alert behind it.
            log.warning("contact batch failed; retrying event by event")
            changed = handlers.judge_contacts_one_by_one(
                cmd, self.uow_factory(), self.clock, self.policy
            )
        if changed:
            self.notifier.alerts_changed()
        return changed
