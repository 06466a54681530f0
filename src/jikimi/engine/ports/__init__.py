"""The interfaces the engine needs; store and adapters implement them.

One module per family (the clock; contacts and cases; alerts and the notifier; devices
and positions; risk; the unit of work), all re-exported here: import them from
`jikimi.engine.ports`.
"""

from __future__ import annotations

from jikimi.engine.ports.alerts import AlertRepository, Notifier
from jikimi.engine.ports.clock import Clock
from jikimi.engine.ports.contacts import (
    CaseRepository,
    ContactRepository,
    PendingContact,
    VictimLocks,
)
from jikimi.engine.ports.devices import (
    DeviceRepository,
    LoggedFix,
    PendingDeviceEvent,
    PositionRepository,
    SilentDevice,
)
from jikimi.engine.ports.risk import Override, RiskRepository, RiskScorer, StoredAssessment
from jikimi.engine.ports.uow import UnitOfWork

__all__ = [
    "AlertRepository",
    "CaseRepository",
    "Clock",
    "ContactRepository",
    "DeviceRepository",
    "LoggedFix",
    "Notifier",
    "Override",
    "PendingContact",
    "PendingDeviceEvent",
    "PositionRepository",
    "RiskRepository",
    "RiskScorer",
    "SilentDevice",
    "StoredAssessment",
    "UnitOfWork",
    "VictimLocks",
]
