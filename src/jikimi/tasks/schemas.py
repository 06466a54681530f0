"""Tasks and decisions on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict
from jikimi.tasks.rules import DecisionKind, Outcome, TaskKind, TaskStatus
from jikimi.tasks.tables import CaseDecision, Task


class TaskCreate(Strict):
    """An officer's own task (a `due_at` already past makes it overdue at once)."""

    kind: TaskKind = TaskKind.OTHER
    due_at: Moment
    reason: StrictStr | None = Field(None, max_length=2000)


class TaskComplete(Strict):
    """A task done, and how it went."""

    outcome: Outcome
    note: StrictStr | None = Field(None, max_length=4000)


class TaskRead(Out):
    """A task."""

    id: str
    case_id: str
    kind: TaskKind
    reason: str | None
    due_at: str
    status: TaskStatus
    owner_id: str | None
    completed_at: str | None
    outcome: Outcome | None
    note: str | None
    overdue: bool
    escalated_at: str | None


class TaskPage(Out):
    """A page of tasks, soonest due first."""

    items: list[TaskRead]
    next: str | None


class DecisionCreate(Strict):
    """A decision after which follow-up monitoring is owed."""

    kind: DecisionKind
    decided_at: Moment
    note: StrictStr | None = Field(None, max_length=4000)


class DecisionRead(Out):
    """A recorded decision."""

    id: str
    case_id: str
    kind: DecisionKind
    decided_at: str
    note: str | None


TaskListStatus = Literal["open", "done", "cancelled"]


def task_json(task: Task, now: datetime) -> dict[str, Any]:
    """A task as the API shows it."""
    return {
        "id": task.id,
        "case_id": task.case_id,
        "kind": task.kind,
        "reason": task.reason,
        "due_at": iso(task.due_at),
        "status": task.status,
        "owner_id": task.owner_id,
        "completed_at": iso(task.completed_at),
        "outcome": task.outcome,
        "note": task.note,
        "overdue": task.status == TaskStatus.OPEN.value and task.due_at < now,
        "escalated_at": iso(task.escalated_at),
    }


def decision_json(decision: CaseDecision) -> dict[str, Any]:
    """A decision as the API shows it."""
    return {
        "id": decision.id,
        "case_id": decision.case_id,
        "kind": decision.kind,
        "decided_at": iso(decision.decided_at),
        "note": decision.note,
    }
