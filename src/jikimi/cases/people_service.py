"""People: victims and perpetrators, recorded in the access trail on the request's session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, caller_lookup, queries, records
from jikimi.cases.people_schemas import PersonCreate, person_json
from jikimi.core.access import Principal
from jikimi.core.phones import normalise
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb


class PersonService:
    """People on one request's session (read-only, or committed before the answer)."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def _shared(self, e164s: list[str], person_id: str) -> tuple[str, ...]:
        held = caller_lookup.held_by_another(self.s, e164s, person_id, datetime.now(UTC))
        return ("shared_number",) if held else ()

    def _number(self, number: str) -> str:
        return normalise(number, self.c.settings.default_region)

    def create(self, p: Principal, body: PersonCreate) -> dict[str, Any]:
        """Record a person; phone numbers are stored as E.164."""
        s = self.s
        phones = [self._number(n) for n in body.phones]
        addresses = [records.AddressIn(x.label, x.text, x.lat, x.lon) for x in body.addresses]
        person = records.create_person(s, p, body.name, body.birth_date, phones, addresses)
        flags = self._shared(phones, person.id)
        self.a.change(s, "create", "person", person.id, [person.id], flags=flags)
        return person_json(queries.person_record(s, person))

    def get(self, p: Principal, person_id: str) -> dict[str, Any]:
        """A person involved in one of the caller's cases."""
        s = self.s
        person = records.get_person(s, p, person_id)
        out = person_json(queries.person_record(s, person))
        flags = break_glass.person_flags(s, p, person)
        self.a.read("person", person_id, [person_id], flags=flags)
        return out

    def add_phone(
        self, p: Principal, person_id: str, number: str, valid_from: datetime | None
    ) -> dict[str, Any]:
        """Record a number the person now uses."""
        s, e164 = self.s, self._number(number)
        person = records.add_phone(s, p, person_id, e164, valid_from)
        flags = self._shared([e164], person_id)
        self.a.change(s, "update", "person", person_id, [person_id], flags=flags)
        return person_json(queries.person_record(s, person))

    def end_phone(
        self, p: Principal, person_id: str, number: str, valid_to: datetime
    ) -> dict[str, Any]:
        """Record that the person gave up a number."""
        s, e164 = self.s, self._number(number)
        person = records.end_phone(s, p, person_id, e164, valid_to)
        self.a.change(s, "update", "person", person_id, [person_id])
        return person_json(queries.person_record(s, person))


async def person_reader(s: ReadDb, c: ContainerDep, a: Audit) -> PersonService:
    """People on a read-only session."""
    return PersonService(s, c, a)


async def person_writer(s: WriteDb, c: ContainerDep, a: Audit) -> PersonService:
    """People on a session that commits before the answer."""
    return PersonService(s, c, a)


PersonReading = Annotated[PersonService, Depends(person_reader)]
PersonWork = Annotated[PersonService, Depends(person_writer, scope="function")]
