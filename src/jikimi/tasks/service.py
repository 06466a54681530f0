"""The tasks feature's use cases for the routes, on one request's session: each does the
work (`tasks.records`), records the access and renders the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.tasks import records
from jikimi.tasks.rules import DecisionKind, Outcome, TaskKind
from jikimi.tasks.schemas import decision_json, task_json


class TaskService:
    """Tasks and decisions on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    @property
    def _rules(self) -> records.Scheduling:
        deps = self.c.deps
        return records.Scheduling(self.c.pack, deps["follow_up_policy"], deps["calendar"])

    def page(
        self, p: Principal, wanted: records.TaskFilter, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        """A page of the caller's tasks, soonest due first."""
        now = self.c.clock.now()
        tasks, nxt = records.list_tasks(self.s, p, wanted, now, limit, cursor)
        people = records.people_of(self.s, [t.case_id for t in tasks])
        self.a.read("tasks", wanted.case_id, people)
        return {"items": [task_json(t, now) for t in tasks], "next": nxt}

    def add(
        self, p: Principal, case_id: str, kind: TaskKind, due_at: datetime, reason: str | None
    ) -> dict[str, Any]:
        """An officer's own task on one of their cases."""
        now = self.c.clock.now()
        task = records.add_task(self.s, p, case_id, kind, due_at, reason, now)
        self.a.change(self.s, "create", "task", task.id, records.people_of(self.s, [case_id]))
        return task_json(task, now)

    def complete(
        self, p: Principal, task_id: str, outcome: Outcome, note: str | None
    ) -> dict[str, Any]:
        """A task done with its outcome, and what its follow-up owes next."""
        now = self.c.clock.now()
        task = records.complete(self.s, p, task_id, outcome, note, now, self._rules)
        people = records.people_of(self.s, [task.case_id])
        self.a.change(self.s, "complete", "task", task.id, people)
        return task_json(task, now)

    def decisions(self, p: Principal, case_id: str) -> dict[str, Any]:
        """The decisions recorded on a case, newest first."""
        rows = records.list_decisions(self.s, p, case_id)
        self.a.read("decisions", case_id, records.people_of(self.s, [case_id]))
        return {"items": [decision_json(d) for d in rows]}

    def decide(
        self,
        p: Principal,
        case_id: str,
        kind: DecisionKind,
        decided_at: datetime,
        note: str | None,
    ) -> dict[str, Any]:
        """A decision that owes follow-up; its first call is scheduled at once."""
        now = self.c.clock.now()
        decision = records.record_decision(
            self.s, p, case_id, kind, decided_at, note, now, self._rules
        )
        people = records.people_of(self.s, [case_id])
        self.a.change(self.s, "create", "decision", decision.id, people)
        return decision_json(decision)


async def task_reader(s: ReadDb, c: ContainerDep, a: Audit) -> TaskService:
    """Tasks on a read-only session."""
    return TaskService(s, c, a)


async def task_writer(s: WriteDb, c: ContainerDep, a: Audit) -> TaskService:
    """Tasks on a session that commits before the answer."""
    return TaskService(s, c, a)


TaskReading = Annotated[TaskService, Depends(task_reader)]
TaskWork = Annotated[TaskService, Depends(task_writer, scope="function")]
