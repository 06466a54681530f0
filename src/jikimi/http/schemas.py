"""Shared pieces of the schemas: the bases, the times a client may send, text repair."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from jikimi.core.errors import Invalid
from jikimi.core.moments import EARLIEST, EARLIEST_HISTORY, LATEST, within
from jikimi.core.text import storable


def storable_tree(data: Any) -> Any:
    """A decoded JSON value with every string (keys too) made storable (`storable`)."""
    if isinstance(data, str):
        return storable(data)
    if isinstance(data, dict):
        return {storable_tree(k): storable_tree(v) for k, v in data.items()}
    if isinstance(data, list):
        return [storable_tree(v) for v in data]
    return data


class Strict(BaseModel):
    """A request body: unknown fields are a 422, not silently dropped.

    Text is repaired, never refused: a lone surrogate (what a JSON "\\ud800" escape of a
    broken SMS decodes to) or a NUL becomes U+FFFD, so one bad character cannot cost the
    phone its whole report (the device protocol sets a refused event aside for good).
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return storable_tree(data)


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="allow")


_SPAN = f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} (UTC)"
_HISTORY_SPAN = f"{EARLIEST_HISTORY:%Y-%m-%d} to {LATEST:%Y-%m-%d} (UTC)"

# The bounds are checked by pydantic-core while parsing, across offsets, before Python
# ever holds a datetime it cannot convert (year 1 at +14:00 has no UTC form).
Moment = Annotated[
    AwareDatetime,
    Field(ge=EARLIEST, le=LATEST, description=f"RFC 3339 with an offset, {_SPAN}"),
]
"""A time of an event, a position or an order: RFC 3339 with an offset, 2000-2100."""

HistoryMoment = Annotated[
    AwareDatetime,
    Field(ge=EARLIEST_HISTORY, le=LATEST, description=f"RFC 3339 with an offset, {_HISTORY_SPAN}"),
]
"""A time in a person's history (a number held since): RFC 3339 with an offset, 1900-2100."""


class ProblemItem(BaseModel):
    """One validation error."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 application/problem+json."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] | None = None


def query_moment(name: str, value: str | None) -> datetime | None:
    """A time given in a query string: RFC 3339 with an offset, 2000-2100, else a 422
    naming the parameter (pydantic would take a bare number as seconds since 1970)."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be an RFC 3339 time with an offset") from None
    if at.tzinfo is None or at.utcoffset() is None or not within(at):
        raise Invalid(f"{name} must be an RFC 3339 time with an offset, {_SPAN}")
    return at


QueryMoment = Annotated[
    str | None,
    Query(max_length=40, description=f"RFC 3339 with an offset, {_SPAN}"),
]
