"""Safety measures: an officer puts them in place, extends and ends them; officers and
supervisors list a case's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.http.deps import Officer, OfficerOrSupervisor
from jikimi.measures.schemas import (
    MeasureCreate,
    MeasureEnd,
    MeasureExtend,
    MeasurePage,
    MeasureRead,
)
from jikimi.measures.service import MeasureReading, MeasureWork

router = APIRouter(prefix="/api/v1", tags=["measures"])


@router.post("/cases/{case_id}/safety-measures", status_code=201, response_model=MeasureRead)
def create_measure(
    case_id: str, body: MeasureCreate, p: Officer, work: MeasureWork
) -> dict[str, Any]:
    """Put a safety measure in place on one of the officer's cases; a window longer than
    the kind allows is a 422 that names the limit."""
    return work.create(p, case_id, body)


@router.get("/cases/{case_id}/safety-measures", response_model=MeasurePage)
def list_measures(case_id: str, p: OfficerOrSupervisor, work: MeasureReading) -> dict[str, Any]:
    """The case's safety measures, soonest starting first, each with its status now."""
    return work.of_case(p, case_id)


@router.post("/safety-measures/{measure_id}/extensions", response_model=MeasureRead)
def extend_measure(
    measure_id: str, body: MeasureExtend, p: Officer, work: MeasureWork
) -> dict[str, Any]:
    """Move a measure's end; beyond the kind's extensions (how many, how long each) is a
    422 that names the limit, an ended measure a 409."""
    return work.extend(p, measure_id, body.ends_at)


@router.post("/safety-measures/{measure_id}/end", response_model=MeasureRead)
def end_measure(measure_id: str, body: MeasureEnd, p: Officer, work: MeasureWork) -> dict[str, Any]:
    """End a measure now, with the reason; a 409 when it has ended already."""
    return work.end(p, measure_id, body.reason)
