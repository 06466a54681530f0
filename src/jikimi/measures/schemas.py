"""Safety measures on the wire, and the rendering of a measure into them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict
from jikimi.measures.rules import MeasureStatus, SafetyMeasure, status_at
from jikimi.measures.tables import MeasureExtension
from jikimi.measures.tables import SafetyMeasure as MeasureRow


class MeasureCreate(Strict):
    """A measure to put in place: its kind's window limits apply (a 422 names them)."""

    kind: SafetyMeasure
    starts_at: Moment
    ends_at: Moment
    provider: StrictStr | None = Field(None, min_length=1, max_length=200)
    serial: StrictStr | None = Field(None, min_length=1, max_length=100)
    note: StrictStr | None = Field(None, max_length=4000)


class MeasureExtend(Strict):
    """A new end for a measure, within its kind's extension limits."""

    ends_at: Moment


class MeasureEnd(Strict):
    """End a measure now, with the reason."""

    reason: StrictStr = Field(min_length=1, max_length=1000)


class MeasureExtensionRead(Out):
    """One extension."""

    previous_ends_at: str
    ends_at: str
    at: str


class MeasureRead(Out):
    """A safety measure; `status` from the clock (scheduled, active, ended)."""

    id: str
    case_id: str
    kind: SafetyMeasure
    starts_at: str
    ends_at: str
    status: MeasureStatus
    provider: str | None
    serial: str | None
    note: str | None
    ended_at: str | None
    end_reason: str | None
    extensions: list[MeasureExtensionRead]


class MeasurePage(Out):
    """A case's measures, soonest starting first."""

    items: list[MeasureRead]


def measure_json(
    m: MeasureRow, extensions: list[MeasureExtension], now: datetime
) -> dict[str, Any]:
    """A measure as the API shows it, its status at `now`."""
    return {
        "id": m.id,
        "case_id": m.case_id,
        "kind": m.kind,
        "starts_at": iso(m.starts_at),
        "ends_at": iso(m.ends_at),
        "status": status_at(m.starts_at, m.ends_at, m.ended_at, now).value,
        "provider": m.provider,
        "serial": m.serial,
        "note": m.note,
        "ended_at": iso(m.ended_at),
        "end_reason": m.end_reason,
        "extensions": [
            {
                "previous_ends_at": iso(x.previous_ends_at),
                "ends_at": iso(x.ends_at),
                "at": iso(x.created_at),
            }
            for x in extensions
        ],
    }
