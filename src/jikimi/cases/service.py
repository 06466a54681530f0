"""Cases, their orders and devices, the break-glass read, the 112 look-up and the evidence
export; each recorded in the access trail on the request's session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.alerts import queries as alert_queries
from jikimi.alerts.schemas import alert_json
from jikimi.bootstrap import Container
from jikimi.cases import break_glass, caller_lookup, caseload, evidence, queries, records
from jikimi.cases.schemas import (
    CaseCreate,
    OrderCreate,
    OrderExtend,
    case_json,
    case_summary_json,
    order_json,
)
from jikimi.cases.tables import Case, Order
from jikimi.core.access import Principal
from jikimi.core.errors import Invalid, ReadOnly
from jikimi.core.phones import normalise
from jikimi.core.times import iso
from jikimi.devices.enrolment import enrolment_qr_svg, enrolment_uri
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb


def _people(case: Case) -> list[str]:
    return [case.victim_id, case.perpetrator_id]


class CaseService:
    """Case work on one request's session (read-only, or committed before the answer)."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def _case_json(self, p: Principal, case: Case) -> dict[str, Any]:
        record = queries.case_record(self.s, p, case)
        fields = [alert_json(r) for r in record.open_alerts]
        open_alerts = alert_queries.with_evidence(self.s, fields)
        out = case_json(record, open_alerts, p, self.c.pack, datetime.now(UTC))
        out["status"] = "closed" if case.closed_at is not None else "open"
        out["closed_at"] = iso(case.closed_at)
        out["officer_ids"] = caseload.officer_ids(self.s, case.id)
        return out

    def _order_people(self, order: Order) -> list[str]:
        return queries.case_subjects(self.s, [order.case_id])

    def create_case(self, p: Principal, body: CaseCreate) -> dict[str, Any]:
        """Open a case; the officer who opens it is assigned to it."""
        s = self.s
        case = records.create_case(
            s, p, body.victim_id, body.perpetrator_id, body.relationship, body.offense, body.agency
        )
        self.a.change(s, "create", "case", case.id, _people(case))
        return self._case_json(p, case)

    def lookup_caller(self, p: Principal, caller: str) -> dict[str, Any]:
        """The 112 look-up: the agency's cases whose victim holds the number, each opened
        to the dispatcher for an hour."""
        s, c = self.s, self.c
        e164 = normalise(caller, c.settings.default_region)
        now = datetime.now(UTC)
        cases = caller_lookup.find(s, p, e164, now)
        caller_lookup.open_to(s, p, cases, now)
        subjects = [pid for case in cases for pid in _people(case)]
        self.a.change(s, "read", "lookup_112", None, subjects)
        items = [caller_lookup.summary_json(s, c.pack, x, now) for x in cases]
        return {"items": items, "next": None}

    def get_case(self, p: Principal, case_id: str) -> dict[str, Any]:
        """A case with its orders, devices and open alerts."""
        s = self.s
        case = records.get_case(s, p, case_id)
        out = self._case_json(p, case)
        flags = break_glass.case_flags(s, p, case.id)
        self.a.read("case", case.id, _people(case), flags=flags)
        return out

    def break_glass(self, p: Principal, case_id: str, reason: str) -> dict[str, Any]:
        """Open a case of one's agency outside one's caseload for a while, flagged."""
        s, c = self.s, self.c
        case = break_glass.open_case(s, p, case_id, reason, c.settings.break_glass_minutes)
        self.a.change(s, "break_glass", "case", case.id, _people(case), flags=(break_glass.FLAG,))
        return self._case_json(p, case)

    def export_evidence(self, p: Principal, case_id: str, reason: str) -> dict[str, Any]:
        """The case's evidence bundle, its export recorded first."""
        s = self.s
        try:
            case = records.get_case(s, p, case_id, write=True)
        except ReadOnly:
            raise ReadOnly("case", case_id, "break-glass allows no evidence export") from None
        self.a.read("case", case.id, _people(case), action="export")
        return evidence.bundle(s, self.c.pack, case, p.label, reason)

    def create_order(self, p: Principal, case_id: str, body: OrderCreate) -> dict[str, Any]:
        """Record an order; a window beyond the statute is a 422 naming the limit."""
        s, pack = self.s, self.c.pack
        order = records.add_order(
            s, p, pack, case_id, body.kind, body.starts_at, body.ends_at, body.court_ref
        )
        if body.warn_m is not None:
            if not pack.get(order.kind).distance_m:
                raise Invalid("warn_m applies only to approach bans (orders with a distance)")
            order.warn_m = body.warn_m
        self.a.change(s, "create", "order", order.id, self._order_people(order))
        return order_json(pack, queries.order_record(s, order), datetime.now(UTC))

    def extend_order(self, p: Principal, order_id: str, body: OrderExtend) -> dict[str, Any]:
        """Extend an order within its statute."""
        s, pack = self.s, self.c.pack
        order = records.extend_order(s, p, pack, order_id, body.ends_at, body.court_ref)
        self.a.change(s, "update", "order", order.id, self._order_people(order))
        return order_json(pack, queries.order_record(s, order), datetime.now(UTC))

    def revoke_order(self, p: Principal, order_id: str, reason: str) -> dict[str, Any]:
        """Revoke an order from now on."""
        s = self.s
        order = records.revoke_order(s, p, order_id, reason)
        self.a.change(s, "update", "order", order.id, self._order_people(order))
        return order_json(self.c.pack, queries.order_record(s, order), datetime.now(UTC))

    def create_device(
        self, p: Principal, case_id: str, kind: str, serial: str | None
    ) -> dict[str, Any]:
        """Enrol the victim's phone (its token shown once) or bind an anklet."""
        s = self.s
        device, credentials = records.add_device(s, p, case_id, kind, serial)
        self.a.change(s, "create", "device", device.id, [device.person_id])
        token, key = credentials if credentials else (None, None)
        out: dict[str, Any] = {
            "id": device.id,
            "kind": device.kind,
            "serial": device.serial,
            "token": token,
            "signing_key": key,
        }
        if token is not None and key is not None:
            out["enrolment_uri"] = enrolment_uri(token, key)
            out["enrolment_qr_svg"] = enrolment_qr_svg(token, key)
        return out

    def revoke_device(self, p: Principal, device_id: str) -> dict[str, Any]:
        """Stop a lost or stolen phone's token and signing key at once."""
        s = self.s
        device = records.revoke_device(s, p, device_id)
        self.a.change(s, "update", "device", device.id, [device.person_id])
        s.commit()
        self.c.principals.clear()  # this process forgets it at once; others within the cache time
        return {
            "id": device.id,
            "kind": device.kind,
            "serial": device.serial,
            "last_seen_at": iso(device.last_seen_at),
        }

    def list_cases(
        self, p: Principal, wanted: caseload.CaseFilter, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        """A page of the caller's cases with what is owed on each (names included:
        recorded as a read of every case's people)."""
        s, c = self.s, self.c
        rows, nxt = caseload.page(
            s, p, wanted, c.clock.now(), c.settings.default_region, limit, cursor
        )
        people = [pid for r in rows for pid in _people(r.case)]
        # In the request's own transaction: on SQLite it holds the one writer (the route
        # writes for the 112 look-up), so a separate one would wait for it.
        self.a.change(s, "read", "case_list", None, people)
        return {"items": [case_summary_json(r) for r in rows], "next": nxt}

    def assign(self, p: Principal, case_id: str, officer_id: str, replace: bool) -> dict[str, Any]:
        """Assign an officer of the agency to the case (a supervisor's act)."""
        s = self.s
        case = caseload.assign(s, p, case_id, officer_id, replace, self.c.clock.now())
        self.a.change(s, "assign", "case", case.id, _people(case))
        return self._case_json(p, case)

    def close(self, p: Principal, case_id: str, reason: str) -> dict[str, Any]:
        """Close a case no order and no follow-up protects any more."""
        s = self.s
        case = caseload.close(s, p, case_id, reason, self.c.clock.now())
        self.a.change(s, "close", "case", case.id, _people(case))
        return self._case_json(p, case)


async def case_reader(s: ReadDb, c: ContainerDep, a: Audit) -> CaseService:
    """Case work on a read-only session."""
    return CaseService(s, c, a)


async def case_writer(s: WriteDb, c: ContainerDep, a: Audit) -> CaseService:
    """Case work on a session that commits before the answer."""
    return CaseService(s, c, a)


CaseReading = Annotated[CaseService, Depends(case_reader)]
CaseWork = Annotated[CaseService, Depends(case_writer, scope="function")]
