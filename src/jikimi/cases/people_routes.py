"""People: victims and perpetrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from jikimi.cases import break_glass, caller_lookup, records
from jikimi.cases import views as queries
from jikimi.cases.people_schemas import PersonCreate, PersonRead, PhoneAdd, PhoneEnd
from jikimi.core.phones import normalise
from jikimi.http.audit import Audit
from jikimi.http.deps import ContainerDep, Officer, OfficerOrSupervisor, ReadDb, WriteDb

router = APIRouter(prefix="/api/v1/people", tags=["people"])


def _shared(s: Session, e164s: list[str], person_id: str) -> tuple[str, ...]:
    held = caller_lookup.held_by_another(s, e164s, person_id, datetime.now(UTC))
    return ("shared_number",) if held else ()


@router.post("", status_code=201, response_model=PersonRead)
def create_person(
    body: PersonCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Record a person; phone numbers are stored as E.164."""
    phones = [normalise(n, c.settings.default_region) for n in body.phones]
    addresses = [records.AddressIn(x.label, x.text, x.lat, x.lon) for x in body.addresses]
    person = records.create_person(s, p, body.name, body.birth_date, phones, addresses)
    a.change(s, "create", "person", person.id, [person.id], flags=_shared(s, phones, person.id))
    return queries.person_json(s, person)


@router.get("/{person_id}", response_model=PersonRead)
def get_person(person_id: str, p: OfficerOrSupervisor, s: ReadDb, a: Audit) -> dict[str, Any]:
    """A person involved in one of the caller's cases."""
    person = records.get_person(s, p, person_id)
    out = queries.person_json(s, person)
    a.read("person", person_id, [person_id], flags=break_glass.person_flags(s, p, person))
    return out


@router.post("/{person_id}/phones", response_model=PersonRead)
def add_phone(
    person_id: str, body: PhoneAdd, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Record a number the person now uses (from `valid_from`, or since ever)."""
    e164 = normalise(body.number, c.settings.default_region)
    person = records.add_phone(s, p, person_id, e164, body.valid_from)
    a.change(s, "update", "person", person_id, [person_id], flags=_shared(s, [e164], person_id))
    return queries.person_json(s, person)


@router.post("/{person_id}/phones/end", response_model=PersonRead)
def end_phone(
    person_id: str, body: PhoneEnd, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Record that the person gave up a number; events before `valid_to` still match it."""
    e164 = normalise(body.number, c.settings.default_region)
    person = records.end_phone(s, p, person_id, e164, body.valid_to)
    a.change(s, "update", "person", person_id, [person_id])
    return queries.person_json(s, person)
