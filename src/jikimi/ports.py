"""The interfaces the engine needs; store and adapters implement them.

One module per family (the clock; contacts and cases; alerts and the notifier; devices
and positions; risk; the unit of work), all re-exported here: import them from
`jikimi.ports`.
"""

from __future__ import annotations

from jikimi.alerts.ports import AlertRepository, Notifier
from jikimi.contacts.ports import (
    CaseRepository,
    ContactRepository,
    PendingContact,
    VictimLocks,
)
from jikimi.core.clock_port import Clock
from jikimi.devices.ports import (
    DeviceRepository,
    LoggedFix,
    PendingDeviceEvent,
    PositionRepository,
    SilentDevice,
)
from jikimi.risk.ports import Override, RiskRepository, RiskScorer, StoredAssessment
from jikimi.work import UnitOfWork

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
