"""Contact events from the victim's phone and from operators."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from jikimi.http.schemas import Moment, Out, Strict

ContactKind = Literal["call", "missed_call", "sms", "mms"]


class ContactEventIn(Strict):
    """A call or text the victim's phone saw; `number` null when hidden."""

    id: StrictStr = Field(min_length=1, max_length=100)
    kind: ContactKind
    number: StrictStr | None = Field(None, max_length=40)
    occurred_at: Moment
    text: StrictStr | None = Field(None, max_length=5000)


class ContactBatch(Strict):
    """Events from the victim's phone."""

    events: list[ContactEventIn] = Field(max_length=500)


class CarrierEventIn(ContactEventIn):
    """The same, from an operator: keyed by the number that received it."""

    victim_number: StrictStr = Field(min_length=1, max_length=40)


class CarrierBatch(Strict):
    """Events from an operator."""

    events: list[CarrierEventIn] = Field(max_length=500)


class Accepted(Out):
    """What was stored: a 202 means durable."""

    accepted: int
    duplicates: int
