"""What the worker looks at before each pass: is anything waiting in its inboxes, is any
alert due to escalate? One query for all of them."""

from __future__ import annotations

from sqlalchemy import bindparam, exists, func, select

from jikimi import schema as t
from jikimi.alerts.rules import AlertStatus

_E, _D = t.table_of(t.ContactEvent).c, t.table_of(t.DeviceEvent).c
_C, _A = t.table_of(t.Case).c, t.table_of(t.AlertRow).c
_P, _K = t.table_of(t.Position).c, t.table_of(t.EngineCursor).c
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
