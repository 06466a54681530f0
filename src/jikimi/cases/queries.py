"""Read side of cases: a case, its people, orders and devices as records (rows with what
belongs to them); cases/schemas.py and people_schemas.py render them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.cases import records
from jikimi.cases.tables import Address, Case, Order, OrderExtension, Person, PersonPhone
from jikimi.core.access import Principal
from jikimi.devices.tables import Device
from jikimi.risk import records as risk_records


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person with every number they held (current first) and their addresses."""

    person: Person
    phones: list[PersonPhone]
    addresses: list[Address]


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order with its extensions, oldest first."""

    order: Order
    extensions: list[OrderExtension]


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case with its people, orders, devices, open alerts and latest assessment."""

    case: Case
    victim: PersonRecord
    perpetrator: PersonRecord
    orders: list[OrderRecord]
    devices: list[Device]
    open_alerts: list[AlertRow]
    risk: dict[str, Any] | None  # as `GET /cases/{id}` carries it, override applied


def person_record(s: Session, person: Person) -> PersonRecord:
    """The person with their numbers and addresses."""
    return PersonRecord(person, records.phones_of(s, person.id), records.addresses_of(s, person.id))


def order_record(s: Session, order: Order) -> OrderRecord:
    """The order with its extensions."""
    return OrderRecord(order, records.extensions_of(s, order.id))


def case_record(s: Session, p: Principal, case: Case) -> CaseRecord:
    """The case with everything `GET /cases/{id}` shows of it (the risk as `p` may see it)."""
    orders = s.scalars(select(Order).where(Order.case_id == case.id).order_by(Order.starts_at))
    devices = s.scalars(select(Device).where(Device.case_id == case.id))
    open_alerts = s.scalars(
        select(AlertRow)
        .where(AlertRow.case_id == case.id, AlertRow.status != "resolved")
        .order_by(AlertRow.opened_at.desc())
    )
    victim = s.get(Person, case.victim_id)
    perp = s.get(Person, case.perpetrator_id)
    if victim is None or perp is None:
        raise LookupError("a case without its people")
    return CaseRecord(
        case,
        person_record(s, victim),
        person_record(s, perp),
        [order_record(s, o) for o in orders],
        list(devices),
        list(open_alerts),
        risk_records.latest_json(s, p, case.id),
    )


def case_subjects(s: Session, case_ids: list[str]) -> list[str]:
    """The people (victims and perpetrators) of these cases."""
    if not case_ids:
        return []
    rows = s.execute(select(Case.victim_id, Case.perpetrator_id).where(Case.id.in_(case_ids)))
    return sorted({pid for row in rows for pid in row})
