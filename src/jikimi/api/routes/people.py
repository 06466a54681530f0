"""People: victims and perpetrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.api.deps import ContainerDep, Officer, OfficerOrSupervisor, ReadDb, WriteDb
from jikimi.api.schemas.people import PersonCreate, PersonRead, PhoneAdd, PhoneEnd
from jikimi.domain.phones import normalise
from jikimi.store import queries, records

router = APIRouter(prefix="/api/v1/people", tags=["people"])


@router.post("", status_code=201, response_model=PersonRead)
def create_person(body: PersonCreate, p: Officer, s: WriteDb, c: ContainerDep) -> dict[str, Any]:
    """Record a person; phone numbers are stored as E.164."""
    phones = [normalise(n, c.settings.default_region) for n in body.phones]
    addresses = [records.AddressIn(a.label, a.text, a.lat, a.lon) for a in body.addresses]
    person = records.create_person(s, p, body.name, body.birth_date, phones, addresses)
    return queries.person_json(s, person)


@router.get("/{person_id}", response_model=PersonRead)
def get_person(person_id: str, p: OfficerOrSupervisor, s: ReadDb) -> dict[str, Any]:
    """A person involved in one of the caller's cases."""
    return queries.person_json(s, records.get_person(s, p, person_id))


@router.post("/{person_id}/phones", response_model=PersonRead)
def add_phone(
    person_id: str, body: PhoneAdd, p: Officer, s: WriteDb, c: ContainerDep
) -> dict[str, Any]:
    """Record a number the person now uses (from `valid_from`, or since ever)."""
    e164 = normalise(body.number, c.settings.default_region)
    return queries.person_json(s, records.add_phone(s, p, person_id, e164, body.valid_from))


@router.post("/{person_id}/phones/end", response_model=PersonRead)
def end_phone(
    person_id: str, body: PhoneEnd, p: Officer, s: WriteDb, c: ContainerDep
) -> dict[str, Any]:
    """Record that the person gave up a number; events before `valid_to` still match it."""
    e164 = normalise(body.number, c.settings.default_region)
    return queries.person_json(s, records.end_phone(s, p, person_id, e164, body.valid_to))
