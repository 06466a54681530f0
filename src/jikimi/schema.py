"""SQLAlchemy 2 tables, one module per subject; personal fields are `Sealed` (encrypted
per field, see crypto).

Everything is re-exported here, so `from jikimi.store import tables as t` names any table,
and importing this package registers every table on one metadata (`Base.metadata`, which
Alembic compares with the migrations).
"""

from __future__ import annotations

from jikimi.accounts.tables import (
    AccessFlag,
    AccessRecord,
    Account,
    ApiToken,
    BreakGlass,
    CallerLookup,
    SeenSignature,
    StaffSession,
)
from jikimi.alerts.tables import AlertChange, AlertEvidence, AlertRow, ContactEvent
from jikimi.cases.tables import (
    Address,
    Case,
    CaseAssignment,
    Order,
    OrderExtension,
    Person,
    PersonPhone,
)
from jikimi.core.tables import NAMING, Base, UtcDateTime, new_id, table_of
from jikimi.proximity.tables import (
    Device,
    DeviceEvent,
    EngineCursor,
    Position,
    TrackStateRow,
)
from jikimi.risk.tables import RiskAssessmentRow

__all__ = [
    "NAMING",
    "AccessFlag",
    "AccessRecord",
    "Account",
    "Address",
    "AlertChange",
    "AlertEvidence",
    "AlertRow",
    "ApiToken",
    "Base",
    "BreakGlass",
    "CallerLookup",
    "Case",
    "CaseAssignment",
    "ContactEvent",
    "Device",
    "DeviceEvent",
    "EngineCursor",
    "Order",
    "OrderExtension",
    "Person",
    "PersonPhone",
    "Position",
    "RiskAssessmentRow",
    "SeenSignature",
    "StaffSession",
    "TrackStateRow",
    "UtcDateTime",
    "new_id",
    "table_of",
]
