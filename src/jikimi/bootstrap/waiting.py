"""What the worker looks at before each pass: is anything waiting in its inboxes, is any
alert due to escalate? One query for all of them."""

from __future__ import annotations

from sqlalchemy import bindparam, exists, func, select

from jikimi.alerts.rules import AlertStatus
from jikimi.alerts.tables import AlertRow
from jikimi.cases.tables import Case
from jikimi.contacts.tables import ContactEvent
from jikimi.core.tables import table_of
from jikimi.devices.tables import DeviceEvent
from jikimi.proximity.tables import EngineCursor, Position

_E, _D = table_of(ContactEvent).c, table_of(DeviceEvent).c
_C, _A = table_of(Case).c, table_of(AlertRow).c
_P, _K = table_of(Position).c, table_of(EngineCursor).c
_JUDGED = (
    select(func.coalesce(func.max(_K.position), 0))
    .where(_K.name == "positions")  # store.positions.CURSOR
    .scalar_subquery()
)

LOOK = select(
    exists().where(_E.processed_at.is_(None)),
    exists().where(_D.processed_at.is_(None)),
    exists().where(_C.risk_rescore_due_at.is_not(None)),
    # Positions logged after the judge's place (the newest seq is the index's last entry).
    exists().where(_P.seq > _JUDGED),
    # As `SqlAlerts.due_for_escalation` chooses them.
    exists().where(
        _A.status == AlertStatus.OPEN.value,
        _A.next_escalation_at.is_not(None),
        _A.next_escalation_at <= bindparam("now"),
    ),
)
