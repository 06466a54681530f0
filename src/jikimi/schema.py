"""Every feature's tables in one namespace: importing this module registers them all on one
metadata (`Base.metadata`, which Alembic compares with the migrations).

Features import their own tables (and, where a query joins another feature's, that one's
tables) directly; this registry is for Alembic, key rotation and the tests.
"""

from __future__ import annotations

from jikimi.accounts.tables import Account, ApiToken, SeenSignature, StaffSession
from jikimi.alerts.tables import AlertChange, AlertEvidence, AlertRow
from jikimi.audit.tables import AccessFlag, AccessRecord
from jikimi.cases.tables import (
    Address,
    BreakGlass,
    CallerLookup,
    Case,
    CaseAssignment,
    Order,
    OrderExtension,
    Person,
    PersonPhone,
)
from jikimi.contacts.tables import ContactEvent
from jikimi.core.tables import NAMING, Base, UtcDateTime, new_id, table_of
from jikimi.devices.tables import Device, DeviceEvent
from jikimi.measures.tables import MeasureExtension, SafetyMeasure
from jikimi.proximity.tables import EngineCursor, Position, TrackStateRow
from jikimi.referrals.tables import Consent, Referral, ReferralNote
from jikimi.risk.tables import RiskAssessmentRow
from jikimi.support.tables import LedgerEntry, SupportApplication

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
    "Consent",
    "ContactEvent",
    "Device",
    "DeviceEvent",
    "EngineCursor",
    "LedgerEntry",
    "MeasureExtension",
    "Order",
    "OrderExtension",
    "Person",
    "PersonPhone",
    "Position",
    "Referral",
    "ReferralNote",
    "RiskAssessmentRow",
    "SafetyMeasure",
    "SeenSignature",
    "StaffSession",
    "SupportApplication",
    "TrackStateRow",
    "UtcDateTime",
    "new_id",
    "table_of",
]
