"""Read side: cases, people and orders in the JSON shapes of API.md, straight from the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.alerts.views import alerts_json
from jikimi.cases import records
from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import Case, Order, Person
from jikimi.core.access import Principal
from jikimi.core.times import iso
from jikimi.devices.tables import Device
from jikimi.risk import records as risk_records


def order_json(s: Session, pack: StatutePack, o: Order, now: datetime) -> dict[str, Any]:
    """An order with its conditions, status and extensions."""
    kind = pack.kinds.get(o.kind)
    status = (
        OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).status_at(now).value
        if kind
        else "unknown"
    )
    return {
        "id": o.id,
        "case_id": o.case_id,
        "kind": o.kind,
        "title": kind.title if kind else None,
        "statute": kind.statute if kind else None,
        "starts_at": iso(o.starts_at),
        "ends_at": iso(o.ends_at),
        "status": status,
        "no_contact": bool(kind and kind.no_contact),
        "distance_m": kind.distance_m if kind else None,
        "warn_m": (o.warn_m or None) if kind and kind.distance_m else None,
        "court_ref": o.court_ref,
        "revoked_at": iso(o.revoked_at),
        "extensions": [
            {
                "previous_ends_at": iso(e.previous_ends_at),
                "ends_at": iso(e.ends_at),
                "court_ref": e.court_ref,
                "at": iso(e.created_at),
            }
            for e in records.extensions_of(s, o.id)
        ],
    }


def person_json(s: Session, person: Person, *, full: bool = True) -> dict[str, Any]:
    """A person with phones (E.164, with their history) and addresses.

    Not `full` (the dispatcher's view): what is needed to act now — name, current numbers,
    current addresses — without birth date or number history.
    """
    phones = records.phones_of(s, person.id)
    out: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "phones": [p.e164 for p in phones if p.valid_to is None],
        "phone_history": [
            {"number": p.e164, "valid_from": iso(p.valid_from), "valid_to": iso(p.valid_to)}
            for p in phones
        ],
    }
    if not full:
        out["birth_date"] = None
        out["phone_history"] = []
    out["addresses"] = [
        {"label": a.label, "text": a.text, "lat": a.lat, "lon": a.lon}
        for a in records.addresses_of(s, person.id)
    ]
    return out


def case_json(s: Session, p: Principal, pack: StatutePack, case: Case) -> dict[str, Any]:
    """A case with its people, orders, devices and open alerts."""
    now = datetime.now(UTC)
    full = p.role.value == "officer" or p.role.value == "supervisor"
    orders = s.scalars(select(Order).where(Order.case_id == case.id).order_by(Order.starts_at))
    devices = s.scalars(select(Device).where(Device.case_id == case.id))
    open_alerts = list(
        s.scalars(
            select(AlertRow)
            .where(AlertRow.case_id == case.id, AlertRow.status != "resolved")
            .order_by(AlertRow.opened_at.desc())
        )
    )
    victim = s.get(Person, case.victim_id)
    perp = s.get(Person, case.perpetrator_id)
    if victim is None or perp is None:
        raise LookupError("a case without its people")
    return {
        "id": case.id,
        "victim_id": case.victim_id,
        "perpetrator_id": case.perpetrator_id,
        "relationship": case.relationship,
        "offense": case.offense,
        "agency": case.agency,
        "created_at": iso(case.created_at),
        # A dispatcher gets what is needed to act now, not the person's history.
        "victim": person_json(s, victim, full=full),
        "perpetrator": person_json(s, perp, full=full),
        "orders": [order_json(s, pack, o, now) for o in orders],
        "devices": [
            {"id": d.id, "kind": d.kind, "serial": d.serial, "last_seen_at": iso(d.last_seen_at)}
            for d in devices
        ],
        "open_alerts": alerts_json(s, open_alerts),
        # The latest assessment, override applied in `effective_tier`.
        "risk": risk_records.latest_json(s, p, case.id),
    }


def case_subjects(s: Session, case_ids: list[str]) -> list[str]:
    """The people (victims and perpetrators) of these cases."""
    if not case_ids:
        return []
    rows = s.execute(select(Case.victim_id, Case.perpetrator_id).where(Case.id.in_(case_ids)))
    return sorted({pid for row in rows for pid in row})
