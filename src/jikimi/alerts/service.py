"""Alerts: the queue, one alert, its timeline, acknowledge and resolve; every read recorded
in the access trail before it leaves."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.alerts import queries
from jikimi.alerts.handlers import AlertNotFound
from jikimi.alerts.messages import AcknowledgeAlert, ResolveAlert
from jikimi.alerts.rules import Outcome
from jikimi.alerts.schemas import alert_json, timeline_json
from jikimi.bootstrap import Container
from jikimi.cases import queries as case_queries
from jikimi.core.access import Principal
from jikimi.core.errors import NotFound
from jikimi.core.tx import reading
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb


def _visible(s: Session, p: Principal, alert_id: str, write: bool = False) -> str:
    row = queries.visible_alert(s, p, alert_id, write=write)
    if row is None:
        raise NotFound("alert")
    return row.case_id


class AlertService:
    """Alerts for one request: on its read-only session (`s`), or, around a command on the
    bus, on read-only sessions of its own before and after the command commits."""

    def __init__(self, c: Container, a: Auditor, s: Session | None = None) -> None:
        self.c, self.a, self.s = c, a, s

    def _session(self) -> Session:
        if self.s is None:
            raise RuntimeError("this alert service has no session of the request")
        return self.s

    def page(
        self,
        p: Principal,
        status: str | None,
        case_id: str | None,
        limit: int,
        cursor: str | None,
    ) -> dict[str, Any]:
        """Alerts of the caller's cases, newest first, a page at a time."""
        s = self._session()
        shown = self.c.settings.alert_evidence_shown
        rows, nxt = queries.list_alerts(s, p, status, case_id, limit, cursor)
        items = queries.with_evidence(s, [alert_json(r) for r in rows], shown)
        case_ids = sorted({x["case_id"] for x in items})
        self.a.read("alerts", case_id, case_queries.case_subjects(s, case_ids))
        return {"items": items, "next": nxt}

    def timeline(self, p: Principal, alert_id: str) -> list[dict[str, Any]]:
        """Every change of the alert, oldest first."""
        s = self._session()
        case_id = _visible(s, p, alert_id)
        out = timeline_json(queries.changes(s, alert_id))
        self.a.read("alert", alert_id, case_queries.case_subjects(s, [case_id]))
        return out

    def one(self, p: Principal, alert_id: str, action: str = "read") -> dict[str, Any]:
        """One alert with all its evidence, its read recorded as `action`."""
        with reading(self.c.read_sessions) as s:
            row = queries.visible_alert(s, p, alert_id)
            if row is None:
                raise NotFound("alert")
            out = queries.with_evidence(s, [alert_json(row)])[0]
            subjects = case_queries.case_subjects(s, [row.case_id])
            self.a.read("alert", alert_id, subjects, action=action)
            return out

    def _may_act(self, p: Principal, alert_id: str) -> None:
        with reading(self.c.read_sessions) as s:
            _visible(s, p, alert_id, write=True)  # a break-glass reads, never acts

    def acknowledge(self, p: Principal, alert_id: str) -> dict[str, Any]:
        """Acknowledge the alert (it stops escalating); the alert as it is then."""
        self._may_act(p, alert_id)
        try:
            self.c.bus.handle(AcknowledgeAlert(alert_id, p.label))
        except AlertNotFound:
            raise NotFound("alert") from None
        return self.one(p, alert_id, "update")

    def resolve(
        self, p: Principal, alert_id: str, outcome: Outcome, note: str | None
    ) -> dict[str, Any]:
        """Close the alert with its outcome; the alert as it is then."""
        self._may_act(p, alert_id)
        try:
            self.c.bus.handle(ResolveAlert(alert_id, p.label, outcome, note))
        except AlertNotFound:
            raise NotFound("alert") from None
        return self.one(p, alert_id, "update")


async def alert_reader(s: ReadDb, c: ContainerDep, a: Audit) -> AlertService:
    """Alerts on the request's read-only session."""
    return AlertService(c, a, s)


async def alert_service(c: ContainerDep, a: Audit) -> AlertService:
    """Alerts on sessions of their own, around the bus's commands."""
    return AlertService(c, a)


AlertReading = Annotated[AlertService, Depends(alert_reader)]
AlertWork = Annotated[AlertService, Depends(alert_service)]
