"""People."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, StrictFloat, StrictStr

from jikimi.api.schemas.base import Out, Strict


def _iso_text(value: object) -> object:
    # A date must arrive as "YYYY-MM-DD", not as a number pydantic would read as a timestamp.
    if value is not None and not isinstance(value, str | date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


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
    birth_date: Annotated[date, BeforeValidator(_iso_text)] | None = None
    addresses: list[AddressCreate] = Field(default_factory=list, max_length=20)


class PhoneAdd(Strict):
    """A number the person now uses."""

    number: StrictStr = Field(min_length=1, max_length=40)
    valid_from: AwareDatetime | None = None


class PhoneEnd(Strict):
    """A number the person gave up, and when."""

    number: StrictStr = Field(min_length=1, max_length=40)
    valid_to: AwareDatetime


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
    phone_history: list[PhoneSpan]
    addresses: list[AddressRead] | None = None
