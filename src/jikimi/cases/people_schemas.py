"""People."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictFloat, StrictStr

from jikimi.core.moments import EARLIEST_HISTORY
from jikimi.core.phones import display
from jikimi.core.times import iso
from jikimi.http.schemas import HistoryMoment, Out, Strict

if TYPE_CHECKING:
    from jikimi.cases.queries import PersonRecord


def _iso_text(value: object) -> object:
    # A date must arrive as "YYYY-MM-DD", not as a number pydantic would read as a timestamp.
    if value is not None and not isinstance(value, str | date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def _plausible(value: date) -> date:
    # "Today" as anywhere on Earth has it: born today in Seoul is not in the future.
    today = (datetime.now(UTC) + timedelta(hours=14)).date()
    if not EARLIEST_HISTORY.date() <= value <= today:
        raise ValueError(f"a birth date lies between {EARLIEST_HISTORY:%Y-%m-%d} and today")
    return value


BirthDate = Annotated[
    date,
    BeforeValidator(_iso_text),
    AfterValidator(_plausible),
    Field(description="YYYY-MM-DD, from 1900-01-01 to today"),
]


class AddressCreate(Strict):
    """An address of a person."""

    label: Literal["home", "work", "school", "other"]
    text: StrictStr = Field(min_length=1, max_length=500)
    lat: StrictFloat | None = Field(None, ge=-90, le=90)
    lon: StrictFloat | None = Field(None, ge=-180, le=180)


class PersonCreate(Strict):
    """A victim or perpetrator, as the officer records them."""

    name: StrictStr = Field(min_length=1, max_length=200)
    phones: list[StrictStr] = Field(default_factory=list, max_length=20)
    birth_date: BirthDate | None = None
    addresses: list[AddressCreate] = Field(default_factory=list, max_length=20)


class PhoneAdd(Strict):
    """A number the person now uses."""

    number: StrictStr = Field(min_length=1, max_length=40)
    valid_from: HistoryMoment | None = None


class PhoneEnd(Strict):
    """A number the person gave up, and when."""

    number: StrictStr = Field(min_length=1, max_length=40)
    valid_to: HistoryMoment


class PhoneSpan(Out):
    """One number in a person's history."""

    number: str
    valid_from: str | None
    valid_to: str | None


class AddressRead(Out):
    """An address."""

    label: str
    text: str
    lat: float | None
    lon: float | None


class PersonRead(Out):
    """A person."""

    id: str
    name: str
    birth_date: str | None
    phones: list[str]
    phones_display: list[str] = Field(
        default_factory=list,
        description="`phones` as people write them (Korean ones: 010-1234-5678), same order",
    )
    phone_history: list[PhoneSpan]
    addresses: list[AddressRead] | None = None


def person_json(record: PersonRecord, *, full: bool = True) -> dict[str, Any]:
    """A person as `PersonRead` shows them: phones (E.164, with their history), addresses.

    Not `full` (the dispatcher's view): what is needed to act now — name, current numbers,
    current addresses — without birth date or number history.
    """
    person, phones = record.person, record.phones
    out: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "phones": [p.e164 for p in phones if p.valid_to is None],
        "phones_display": [display(p.e164) for p in phones if p.valid_to is None],
        "phone_history": [
            {"number": p.e164, "valid_from": iso(p.valid_from), "valid_to": iso(p.valid_to)}
            for p in phones
        ],
    }
    if not full:
        out["birth_date"] = None
        out["phone_history"] = []
    out["addresses"] = [
        {"label": a.label, "text": a.text, "lat": a.lat, "lon": a.lon} for a in record.addresses
    ]
    return out
