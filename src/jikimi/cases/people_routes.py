"""People: victims and perpetrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.cases.people_schemas import PersonCreate, PersonRead, PhoneAdd, PhoneEnd
from jikimi.cases.people_service import PersonReading, PersonWork
from jikimi.http.deps import Officer, OfficerOrSupervisor

router = APIRouter(prefix="/api/v1/people", tags=["people"])


@router.post("", status_code=201, response_model=PersonRead)
def create_person(body: PersonCreate, p: Officer, work: PersonWork) -> dict[str, Any]:
    """Record a person; phone numbers are stored as E.164."""
    return work.create(p, body)


@router.get("/{person_id}", response_model=PersonRead)
def get_person(person_id: str, p: OfficerOrSupervisor, work: PersonReading) -> dict[str, Any]:
    """A person involved in one of the caller's cases."""
    return work.get(p, person_id)


@router.post("/{person_id}/phones", response_model=PersonRead)
def add_phone(person_id: str, body: PhoneAdd, p: Officer, work: PersonWork) -> dict[str, Any]:
    """Record a number the person now uses (from `valid_from`, or since ever)."""
    return work.add_phone(p, person_id, body.number, body.valid_from)


@router.post("/{person_id}/phones/end", response_model=PersonRead)
def end_phone(person_id: str, body: PhoneEnd, p: Officer, work: PersonWork) -> dict[str, Any]:
    """Record that the person gave up a number; events before `valid_to` still match it."""
    return work.end_phone(p, person_id, body.number, body.valid_to)
