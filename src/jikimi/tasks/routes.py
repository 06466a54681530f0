"""Tasks: the officer's and the supervisor's lists, adding and completing tasks, and the
decisions that owe follow-up monitoring."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jikimi.http.deps import Officer, OfficerOrSupervisor
from jikimi.http.schemas import QueryMoment, query_moment
from jikimi.tasks.records import TaskFilter
from jikimi.tasks.rules import TaskStatus
from jikimi.tasks.schemas import (
    DecisionCreate,
    DecisionRead,
    TaskComplete,
    TaskCreate,
    TaskListStatus,
    TaskPage,
    TaskRead,
)
from jikimi.tasks.service import TaskReading, TaskWork

router = APIRouter(prefix="/api/v1", tags=["tasks"])


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    p: OfficerOrSupervisor,
    work: TaskReading,
    mine: bool = True,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    status: TaskListStatus | None = None,
    overdue: bool = False,
    due_before: QueryMoment = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Tasks soonest due first: an officer's cases' (`mine` is implied), a supervisor's
    agency's (`mine`: their own; `overdue`: those escalated to the supervisors)."""
    wanted = TaskFilter(
        mine,
        case_id,
        TaskStatus(status) if status else None,
        overdue,
        query_moment("due_before", due_before),
    )
    return work.page(p, wanted, limit, cursor)


@router.post("/cases/{case_id}/tasks", status_code=201, response_model=TaskRead)
def add_task(case_id: str, body: TaskCreate, p: Officer, work: TaskWork) -> dict[str, Any]:
    """An officer's own task on one of their cases."""
    return work.add(p, case_id, body.kind, body.due_at, body.reason)


@router.post("/tasks/{task_id}/complete", response_model=TaskRead)
def complete_task(
    task_id: str, body: TaskComplete, p: OfficerOrSupervisor, work: TaskWork
) -> dict[str, Any]:
    """Record a task done with its outcome (409 when it is not open); a monitoring call
    not reached schedules a retry, two in a row a visit."""
    return work.complete(p, task_id, body.outcome, body.note)


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionRead)
def record_decision(
    case_id: str, body: DecisionCreate, p: Officer, work: TaskWork
) -> dict[str, Any]:
    """A decision after which follow-up monitoring is owed; the first call is scheduled
    at once."""
    return work.decide(p, case_id, body.kind, body.decided_at, body.note)
