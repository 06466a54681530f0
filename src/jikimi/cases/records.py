"""People, cases, orders and devices: plain record keeping under need-to-know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from jikimi.accounts import tokens as auth
from jikimi.accounts.tables import ApiToken
from jikimi.cases.orders import StatutePack, check_extension, check_window
from jikimi.cases.tables import (
    Address,
    Case,
    CaseAssignment,
    Order,
    OrderExtension,
    Person,
    PersonPhone,
)
from jikimi.cases.visibility import visible_cases
from jikimi.core import sealing as crypto
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Conflict, Forbidden, Invalid, NotFound, ReadOnly
from jikimi.devices import bindings
from jikimi.devices.tables import Device


@dataclass(frozen=True)
class AddressIn:
    """An address as the officer typed it."""

    label: str
    text: str
    lat: float | None
    lon: float | None


def _now() -> datetime:
    return datetime.now(UTC)


def create_person(
    s: Session,
    p: Principal,
    name: str,
    birth_date: date | None,
    phones: list[str],
    addresses: list[AddressIn],
) -> Person:
    """A new person; `phones` are already E.164."""
    person = Person(name=name, birth_date=birth_date, created_by=p.account_id, created_at=_now())
    s.add(person)
    s.flush()
    for e164 in dict.fromkeys(phones):
        s.add(PersonPhone(person_id=person.id, e164=e164))
    for a in addresses:
        s.add(Address(person_id=person.id, label=a.label, text=a.text, lat=a.lat, lon=a.lon))
    s.flush()
    return person


def _in_a_case(p: Principal, person_id: str, write: bool) -> Select[str]:
    return (
        select(Case.id)
        .where(
            or_(Case.victim_id == person_id, Case.perpetrator_id == person_id),
            visible_cases(p, write=write),
        )
        .limit(1)
    )


def get_person(s: Session, p: Principal, person_id: str, *, write: bool = False) -> Person:
    """A person the caller created or who is part of one of the caller's cases; with
    `write`, one the caller may change (`ReadOnly` for one seen only through a
    break-glass)."""
    person = s.get(Person, person_id)
    if person is None:
        raise NotFound("person")
    if p.account_id is not None and person.created_by == p.account_id:
        return person
    if s.scalars(_in_a_case(p, person_id, write)).first() is not None:
        return person
    if write and s.scalars(_in_a_case(p, person_id, False)).first() is not None:
        raise ReadOnly("person", person.id)
    raise NotFound("person")


def add_phone(
    s: Session, p: Principal, person_id: str, e164: str, valid_from: datetime | None
) -> Person:
    """Record a number the person (now) uses."""
    person = get_person(s, p, person_id, write=True)
    s.add(PersonPhone(person_id=person.id, e164=e164, valid_from=valid_from))
    s.flush()
    return person


def end_phone(s: Session, p: Principal, person_id: str, e164: str, valid_to: datetime) -> Person:
    """Record that the person gave up a number at `valid_to`; earlier events still match."""
    person = get_person(s, p, person_id, write=True)
    rows = s.scalars(
        select(PersonPhone).where(
            PersonPhone.person_id == person.id,
            PersonPhone.e164_index == crypto.ring().index(e164),
            PersonPhone.valid_to.is_(None),
        )
    ).all()
    if not rows:
        raise NotFound("phone number")
    for row in rows:
        if row.valid_from is not None and valid_to <= row.valid_from:
            raise Invalid("valid_to must be after the number's valid_from")
        row.valid_to = valid_to
    s.flush()
    return person


def phones_of(s: Session, person_id: str) -> list[PersonPhone]:
    """Every number the person held, current first."""
    return list(
        s.scalars(
            select(PersonPhone)
            .where(PersonPhone.person_id == person_id)
            .order_by(PersonPhone.valid_to.is_not(None), PersonPhone.valid_from)
        )
    )


def addresses_of(s: Session, person_id: str) -> list[Address]:
    """The person's addresses."""
    return list(s.scalars(select(Address).where(Address.person_id == person_id)))


def create_case(
    s: Session,
    p: Principal,
    victim_id: str,
    perpetrator_id: str,
    relationship: str,
    offense: str,
    agency: str | None,
) -> Case:
    """Open a case in the officer's agency and assign the officer to it."""
    agency = agency or p.agency
    if agency is None or agency != p.agency:
        raise Forbidden("an officer opens cases only for their own agency")
    if victim_id == perpetrator_id:
        raise Invalid("victim and perpetrator must be different people")
    for pid in (victim_id, perpetrator_id):
        get_person(s, p, pid, write=True)  # nobody seen only through a break-glass
    case = Case(
        victim_id=victim_id,
        perpetrator_id=perpetrator_id,
        relationship=relationship,
        offense=offense,
        agency=agency,
        created_by=p.account_id,
        created_at=_now(),
    )
    s.add(case)
    s.flush()
    if p.account_id is not None:
        s.add(CaseAssignment(case_id=case.id, account_id=p.account_id, assigned_at=_now()))
    s.flush()
    return case


def get_case(s: Session, p: Principal, case_id: str, *, write: bool = False) -> Case:
    """A case the caller may read; with `write`, one it may change (`ReadOnly` for a case
    open to it only through a break-glass)."""
    q = select(Case).where(Case.id == case_id)
    case = s.scalars(q.where(visible_cases(p, write=write))).first()
    if case is not None:
        return case
    if write and s.scalars(q.where(visible_cases(p))).first() is not None:
        raise ReadOnly("case", case_id)
    raise NotFound("case")


def add_order(
    s: Session,
    p: Principal,
    pack: StatutePack,
    case_id: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    court_ref: str | None,
) -> Order:
    """Record an order, refusing a window beyond its statute."""
    case = get_case(s, p, case_id, write=True)
    check_window(pack.get(kind), starts_at, ends_at, pack.tz)
    order = Order(
        case_id=case.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        court_ref=court_ref,
        created_at=_now(),
    )
    s.add(order)
    s.flush()
    return order


def get_order(s: Session, p: Principal, order_id: str, *, write: bool = False) -> Order:
    """An order of a case the caller may see (with `write`: may change)."""
    order = s.get(Order, order_id)
    if order is None:
        raise NotFound("order")
    try:
        get_case(s, p, order.case_id, write=write)
    except NotFound:
        raise NotFound("order") from None
    return order


def extensions_of(s: Session, order_id: str) -> list[OrderExtension]:
    """The order's extensions, oldest first."""
    return list(
        s.scalars(
            select(OrderExtension)
            .where(OrderExtension.order_id == order_id)
            .order_by(OrderExtension.created_at)
        )
    )


def extend_order(
    s: Session,
    p: Principal,
    pack: StatutePack,
    order_id: str,
    ends_at: datetime,
    court_ref: str | None,
) -> Order:
    """Extend an order within its statute."""
    order = get_order(s, p, order_id, write=True)
    if order.revoked_at is not None:
        raise Conflict("a revoked order cannot be extended")
    if order.ends_at <= _now():
        raise Conflict("an expired order cannot be extended; record a new order")
    previous = extensions_of(s, order.id)
    check_extension(
        pack.get(order.kind), order.starts_at, order.ends_at, ends_at, len(previous), pack.tz
    )
    s.add(
        OrderExtension(
            order_id=order.id,
            previous_ends_at=order.ends_at,
            ends_at=ends_at,
            court_ref=court_ref,
            created_at=_now(),
        )
    )
    order.ends_at = ends_at
    s.flush()
    return order


def revoke_order(s: Session, p: Principal, order_id: str, reason: str) -> Order:
    """Revoke from now on; events before now are still judged by the order."""
    order = get_order(s, p, order_id, write=True)
    if order.revoked_at is not None:
        raise Conflict("the order is already revoked")
    order.revoked_at, order.revoke_reason = _now(), reason
    s.flush()
    return order


def add_device(
    s: Session, p: Principal, case_id: str, kind: str, serial: str | None
) -> tuple[Device, tuple[str, str] | None]:
    """Enrol a victim's phone or smartwatch (returns its token and signing key: a watch
    speaks the phone's protocol, so its SOS takes the phone's path) or bind an anklet."""
    case = get_case(s, p, case_id, write=True)
    if kind in ("victim_phone", "smartwatch"):
        device = Device(case_id=case.id, person_id=case.victim_id, kind=kind, created_at=_now())
        s.add(device)
        s.flush()
        return device, auth.create_signed_token(s, Role.DEVICE, device_id=device.id)
    if not serial:
        raise Invalid("an anklet needs its serial")
    return bindings.bind_anklet(s, case, serial), None


def revoke_device(s: Session, p: Principal, device_id: str) -> Device:
    """A lost or stolen phone: its tokens stop working (a new phone is enrolled anew)."""
    device = s.get(Device, device_id)
    if device is None:
        raise NotFound("device")
    try:
        get_case(s, p, device.case_id, write=True)
    except NotFound:
        raise NotFound("device") from None
    now = _now()
    for token in s.scalars(
        select(ApiToken).where(ApiToken.device_id == device.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    s.flush()
    return device
