"""Tasks: the officer's and the supervisor's lists, adding and completing tasks, and the
decisions that owe follow-up monitoring."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from jikimi.http.audit import Audit
from jikimi.http.deps import ContainerDep, Officer, OfficerOrSupervisor, ReadDb, WriteDb
from jikimi.http.schemas import QueryMoment, query_moment
from jikimi.tasks import service
from jikimi.tasks.rules import TaskStatus
from jikimi.tasks.schemas import (
    DecisionCreate,
    DecisionRead,
    TaskComplete,
    TaskCreate,
    TaskListStatus,
    TaskPage,
    TaskRead,
    decision_json,
    task_json,
)

router = APIRouter(prefix="/api/v1", tags=["tasks"])


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    p: OfficerOrSupervisor,
    s: ReadDb,
    a: Audit,
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
    now = datetime.now(UTC)
    wanted = service.TaskFilter(
        mine,
        case_id,
        TaskStatus(status) if status else None,
        overdue,
        query_moment("due_before", due_before),
    )
    tasks, nxt = service.list_tasks(s, p, wanted, now, limit, cursor)
    a.read("tasks", case_id, service.people_of(s, [t.case_id for t in tasks]))
    return {"items": [task_json(t, now) for t in tasks], "next": nxt}


@router.post("/cases/{case_id}/tasks", status_code=201, response_model=TaskRead)
def add_task(case_id: str, body: TaskCreate, p: Officer, s: WriteDb, a: Audit) -> dict[str, Any]:
    """An officer's own task on one of their cases."""
    now = datetime.now(UTC)
    task = service.add_task(s, p, case_id, body.kind, body.due_at, body.reason, now)
    a.change(s, "create", "task", task.id, service.people_of(s, [case_id]))
    return task_json(task, now)


@router.post("/tasks/{task_id}/complete", response_model=TaskRead)
def complete_task(
    task_id: str,
    body: TaskComplete,
    p: OfficerOrSupervisor,
    s: WriteDb,
    c: ContainerDep,
    a: Audit,
) -> dict[str, Any]:
    """Record a task done with its outcome (409 when it is not open); a monitoring call
    not reached schedules a retry, two in a row a visit."""
    now = datetime.now(UTC)
    rules = service.Scheduling(c.pack, c.deps["follow_up_policy"], c.deps["calendar"])
    task = service.complete(s, p, task_id, body.outcome, body.note, now, rules)
    a.change(s, "complete", "task", task.id, service.people_of(s, [task.case_id]))
    return task_json(task, now)


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionRead)
def record_decision(
    case_id: str, body: DecisionCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """A decision after which follow-up monitoring is owed; the first call is scheduled
    at once."""
    now = datetime.now(UTC)
    rules = service.Scheduling(c.pack, c.deps["follow_up_policy"], c.deps["calendar"])
    decision = service.record_decision(
        s, p, case_id, body.kind, body.decided_at, body.note, now, rules
    )
    a.change(s, "create", "decision", decision.id, service.people_of(s, [case_id]))
    return decision_json(decision)
