"""The tasks feature's record keeping: an officer's and a supervisor's task lists, adding
a task, completing one (which schedules what the follow-up owes next), recording a
decision that owes follow-up. Each runs in the caller's transaction; none commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.cases.orders import StatutePack
from jikimi.cases.records import get_case
from jikimi.cases.tables import Case
from jikimi.cases.visibility import visible_cases
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Conflict, Invalid, NotFound
from jikimi.risk.repo import effective_tier
from jikimi.tasks import owed, repo
from jikimi.tasks.planner import DECISION_TITLES, Planner
from jikimi.tasks.rules import (
    DecisionKind,
    FollowUpPolicy,
    Outcome,
    TaskKind,
    TaskStatus,
    WorkingCalendar,
    next_after_outcome,
)
from jikimi.tasks.tables import CaseDecision, FollowUp, Task

# What each kind of task may be completed with.
OUTCOMES: dict[TaskKind, frozenset[Outcome]] = {
    TaskKind.MONITORING_CALL: frozenset({Outcome.REACHED, Outcome.NOT_REACHED, Outcome.CONCERN}),
    TaskKind.MONITORING_VISIT: frozenset({Outcome.VISITED, Outcome.NOT_REACHED, Outcome.CONCERN}),
}
OTHER_OUTCOMES = frozenset({Outcome.DONE, Outcome.CONCERN})
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ: a decision "now" may be a little ahead


@dataclass(frozen=True)
class TaskFilter:
    """What a task list asks for."""

    mine: bool = True
    case_id: str | None = None
    status: TaskStatus | None = None
    overdue: bool = False
    due_before: datetime | None = None


@dataclass(frozen=True)
class Scheduling:
    """The jurisdiction's figures the use cases schedule by."""

    pack: StatutePack
    policy: FollowUpPolicy
    calendar: WorkingCalendar


def list_tasks(
    s: Session, p: Principal, f: TaskFilter, now: datetime, limit: int, cursor: str | None
) -> tuple[list[Task], str | None]:
    """A page of tasks, soonest due first: an officer's cases' (write access: assigned),
    a supervisor's agency's (`overdue`: the ones that escalated to them)."""
    q = select(Task).join(Case, Case.id == Task.case_id).where(visible_cases(p, write=True))
    if f.case_id is not None:
        get_case(s, p, f.case_id)  # 404 for a case that is not the caller's
        q = q.where(Task.case_id == f.case_id)
    if p.role is Role.SUPERVISOR and f.mine and not f.overdue and f.case_id is None:
        q = q.where(Task.owner_id == p.account_id)
    if f.status is not None:
        q = q.where(Task.status == f.status.value)
    if f.overdue:
        q = q.where(Task.status == TaskStatus.OPEN.value, Task.due_at < now)
        if p.role is Role.SUPERVISOR:
            q = q.where(Task.escalated_at.is_not(None))
    if f.due_before is not None:
        q = q.where(Task.due_at < f.due_before)
    return repo.page(q, s, limit, cursor)


def get_task(s: Session, p: Principal, task_id: str, *, write: bool = False) -> Task:
    """A task of a case the caller may read (with `write`: change); else NotFound."""
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound("task")
    get_case(s, p, task.case_id, write=write)
    return task


def add_task(
    s: Session,
    p: Principal,
    case_id: str,
    kind: TaskKind,
    due_at: datetime,
    reason: str | None,
    now: datetime,
) -> Task:
    """An officer's own task on one of their cases, owed by them."""
    get_case(s, p, case_id, write=True)
    new = repo.NewTask(
        case_id, kind, due_at, reason, now, owner_id=p.account_id, created_by=p.account_id
    )
    task_id = repo.add_task(s, new)
    assert task_id is not None  # no key: always written
    return s.get_one(Task, task_id)


def complete(
    s: Session,
    p: Principal,
    task_id: str,
    outcome: Outcome,
    note: str | None,
    now: datetime,
    rules: Scheduling,
) -> Task:
    """Record a task done with its outcome; a monitoring task schedules what its
    follow-up owes next (a retry, a visit, the next call at the tier's cadence)."""
    task = get_task(s, p, task_id, write=True)
    if task.status != TaskStatus.OPEN.value:
        raise Conflict(f"the task is {task.status} already")
    kind = TaskKind(task.kind)
    allowed = OUTCOMES.get(kind, OTHER_OUTCOMES)
    if outcome not in allowed:
        names = ", ".join(sorted(o.value for o in allowed))
        raise Invalid(f"a {kind.value} is completed as one of: {names}")
    task.status, task.outcome, task.completed_at = TaskStatus.DONE.value, outcome.value, now
    task.completed_by = p.account_id
    task.note = note
    if kind in OUTCOMES and task.follow_up_id is not None:
        _next(s, task, outcome, now, rules)
    s.flush()
    return task


def _next(s: Session, task: Task, outcome: Outcome, now: datetime, rules: Scheduling) -> None:
    follow_up = s.get_one(FollowUp, task.follow_up_id)
    if follow_up.ended_at is not None:
        return  # its period is over, or a new order protects the victim
    in_a_row = task.not_reached_in_a_row + 1 if outcome is Outcome.NOT_REACHED else 0
    tier = effective_tier(s, task.case_id)
    nxt = next_after_outcome(
        outcome, in_a_row, now, follow_up.started_at, tier, rules.policy, rules.calendar
    )
    if nxt is None:
        return
    number = repo.previous_in_follow_up(s, follow_up.id) + 1
    words = {"retry": "재시도", "visit": "방문 (연속 미연락)", "cadence": "정기 통화"}
    repo.add_task(
        s,
        repo.NewTask(
            task.case_id,
            nxt.kind,
            nxt.due_at,
            f"후속 모니터링 {words.get(nxt.reason.value, nxt.reason.value)}",
            now,
            key=f"call:{follow_up.id}:{number}",
            owner_id=task.owner_id,
            follow_up_id=follow_up.id,
            basis_at=now,
            tier=tier,
            not_reached_in_a_row=in_a_row,
        ),
    )


def record_decision(
    s: Session,
    p: Principal,
    case_id: str,
    kind: DecisionKind,
    decided_at: datetime,
    note: str | None,
    now: datetime,
    rules: Scheduling,
) -> CaseDecision:
    """A decision after which monitoring is owed; its follow-up starts at once (the same
    keyed write the scheduling pass would make)."""
    get_case(s, p, case_id, write=True)
    if decided_at > now + FUTURE_SLACK:
        raise Invalid("decided_at is in the future")
    decision = CaseDecision(
        case_id=case_id, kind=kind.value, decided_at=decided_at, created_by=p.account_id
    )
    decision.created_at = now
    s.add(decision)
    s.flush()
    decision.note = note
    planner = Planner(s, now, rules.policy, rules.calendar, rules.pack)
    busy = owed.order_in_force(s, case_id, decided_at)
    title = DECISION_TITLES[kind.value]
    planner.start(case_id, f"decision:{decision.id}", kind.value, decided_at, busy, title)
    s.flush()
    return decision


def list_decisions(s: Session, p: Principal, case_id: str) -> list[CaseDecision]:
    """The decisions recorded on a case the caller may read, newest first."""
    get_case(s, p, case_id)  # 404 for a case that is not the caller's
    q = (
        select(CaseDecision)
        .where(CaseDecision.case_id == case_id)
        .order_by(CaseDecision.decided_at.desc(), CaseDecision.id)
    )
    return list(s.scalars(q))


def is_overdue(task: Task, now: datetime) -> bool:
    """Open and past its due time."""
    return task.status == TaskStatus.OPEN.value and task.due_at < now


def people_of(s: Session, case_ids: list[str]) -> list[str]:
    """The victims and perpetrators of these cases (for the access trail)."""
    if not case_ids:
        return []
    rows = s.execute(
        select(Case.victim_id, Case.perpetrator_id).where(Case.id.in_(sorted(set(case_ids))))
    )
    return sorted({pid for row in rows for pid in row})


def owe(
    s: Session,
    case_id: str,
    kind: TaskKind,
    due_at: datetime,
    reason: str | None,
    now: datetime,
    key: str,
) -> str | None:
    """A task another feature owes the case's officer (a counsellor's concern, a referral
    its centre has not taken up), written once per `key`: its id, or None when a task with
    that key was written already."""
    new = repo.NewTask(
        case_id, kind, due_at, reason, now, key=key, owner_id=repo.officer_of(s, case_id)
    )
    return repo.add_task(s, new)
