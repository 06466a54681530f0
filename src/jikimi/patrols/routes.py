"""Patrol plans: a supervisor plans the agency's shift around its high-risk homes, reads a
plan and records the visits the units made."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.http.deps import Supervisor
from jikimi.patrols.schemas import PlanCreate, PlanRead, VisitCreate, VisitRead
from jikimi.patrols.service import PatrolReading, PatrolWork

router = APIRouter(prefix="/api/v1", tags=["patrols"])


@router.post("/patrol-plans", status_code=201, response_model=PlanRead)
def create_plan(body: PlanCreate, p: Supervisor, work: PatrolWork) -> dict[str, Any]:
    """Plan a shift of the supervisor's agency: each unit's route through the homes owed
    visits (very_high twice, 90 minutes apart; high once), those left out in `unvisited`;
    a shift longer than 24 hours, ending before it starts or without units is a 422,
    another agency a 404."""
    return work.create(p, body)


@router.get("/patrol-plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: str, p: Supervisor, work: PatrolReading) -> dict[str, Any]:
    """A plan of the supervisor's agency, with the visits recorded and, once the shift and
    its grace are over, the cases missed."""
    return work.get(p, plan_id)


@router.post("/patrol-plans/{plan_id}/visits", status_code=201, response_model=VisitRead)
def record_visit(
    plan_id: str, body: VisitCreate, p: Supervisor, work: PatrolWork
) -> dict[str, Any]:
    """Record a visit to a home the plan has a stop at, made during the shift or its
    grace; another case is a 422."""
    return work.visit(p, plan_id, body)
