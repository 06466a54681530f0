"""The alerts feature's registrations: the queue, the live stream, acknowledgement and
resolution, and escalation (which the worker runs between and after its batches)."""

from __future__ import annotations

from jikimi.alerts import handlers, routes, tables
from jikimi.alerts.messages import AcknowledgeAlert, EscalateDueAlerts, ResolveAlert
from jikimi.core.feature import Feature

FEATURE = Feature(
    name="alerts",
    routers=(routes.router,),
    handlers={
        EscalateDueAlerts: handlers.escalate_due_alerts,
        AcknowledgeAlert: handlers.acknowledge_alert,
        ResolveAlert: handlers.resolve_alert,
    },
    tables=tables,
)
