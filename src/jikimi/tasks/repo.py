"""The tasks feature's queries: writing tasks and follow-ups once (by their unique keys),
and the lists officers and supervisors read (what a scheduling pass looks for is
`tasks.owed`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, and_, func, insert, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from jikimi.cases.tables import CaseAssignment, Order
from jikimi.core import pages
from jikimi.core import sealing as crypto
from jikimi.core.tables import new_id
from jikimi.tasks.rules import TaskKind, TaskStatus, Tier
from jikimi.tasks.tables import FollowUp, Task

_O2 = aliased(Order, name="other_order")
_REVIEW = aliased(Task, name="review")
MONITORING = (TaskKind.MONITORING_CALL.value, TaskKind.MONITORING_VISIT.value)


@dataclass(frozen=True)
class NewTask:
    """A task the scheduling pass or an officer adds."""

    case_id: str
    kind: TaskKind
    due_at: datetime
    reason: str | None
    now: datetime
    key: str | None = None
    owner_id: str | None = None
    created_by: str | None = None
    follow_up_id: str | None = None
    basis_at: datetime | None = None
    tier: Tier | None = None
    subject_ends_at: datetime | None = None
    not_reached_in_a_row: int = 0


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


@cache
def _insert_once(dialect: str, table: Table, unique: str) -> Any:
    """The statement of `_insert`, built once: a Core insert of the row's values given as
    parameters (the ORM's bulk path and a VALUES clause built per row cost more than the
    insert itself, thousands of times in a first pass)."""
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_of(table).on_conflict_do_nothing(index_elements=[unique])
    # RETURNING, not rowcount: the PostgreSQL driver's rowcount here is -1.
    return stmt.returning(literal(1))


def _insert(s: Session, table: Any, values: dict[str, object], unique: str) -> bool:
    """Insert unless a row with the same `unique` value exists; True when inserted (a
    pass on another worker that got there first makes this one a no-op)."""
    stmt = _insert_once(s.get_bind().dialect.name, _table(table), unique)
    return s.execute(stmt, values).first() is not None


def add_task(s: Session, t: NewTask) -> str | None:
    """Write a task; with a `key`, only if no task has that key. Its id, or None."""
    task_id = new_id()
    values: dict[str, object] = {
        "id": task_id,
        "case_id": t.case_id,
        "kind": t.kind.value,
        "reason": crypto.ring().seal(t.reason, f"tasks.reason:{task_id}"),
        "due_at": t.due_at,
        "status": TaskStatus.OPEN.value,
        "owner_id": t.owner_id,
        "created_at": t.now,
        "created_by": t.created_by,
        "key": t.key,
        "follow_up_id": t.follow_up_id,
        "basis_at": t.basis_at,
        "tier": t.tier.value if t.tier is not None else None,
        "tier_checked_at": t.now,
        "subject_ends_at": t.subject_ends_at,
        "not_reached_in_a_row": t.not_reached_in_a_row,
    }
    if t.key is None:
        s.execute(insert(_table(Task)), values)
        return task_id
    return task_id if _insert(s, Task, values, "key") else None


def start_follow_up(
    s: Session,
    case_id: str,
    trigger: str,
    reason: str,
    started_at: datetime,
    ends_at: datetime,
    *,
    owed: bool,
) -> str | None:
    """Record the follow-up period an event opened, once per event; `owed` False: another
    order was in force, so nothing is owed (recorded ended, so it is not looked at again)."""
    follow_up_id = new_id()
    values: dict[str, object] = {
        "id": follow_up_id,
        "case_id": case_id,
        "trigger": trigger,
        "reason": reason,
        "started_at": started_at,
        "ends_at": ends_at,
        "ended_at": None if owed else started_at,
        "end_reason": None if owed else "order_in_force",
    }
    return follow_up_id if _insert(s, FollowUp, values, "trigger") else None


def officer_of(s: Session, case_id: str) -> str | None:
    """The officer first assigned to the case (who owes its tasks), if any."""
    q = (
        select(CaseAssignment.account_id)
        .where(CaseAssignment.case_id == case_id)
        .order_by(CaseAssignment.assigned_at, CaseAssignment.account_id)
        .limit(1)
    )
    return s.scalar(q)


def officers_of(s: Session, case_ids: Collection[str]) -> dict[str, str]:
    """`officer_of` for many cases in one query (the cases without one are left out)."""
    if not case_ids:
        return {}
    a = CaseAssignment
    q = (
        select(a.case_id, a.account_id)
        .where(a.case_id.in_(sorted(case_ids)))
        .order_by(a.case_id, a.assigned_at, a.account_id)
    )
    first: dict[str, str] = {}
    for case_id, account_id in s.execute(q):
        first.setdefault(case_id, account_id)
    return first


# --- lists -------------------------------------------------------------------------------


def page(
    q: Select[Any], s: Session, limit: int, cursor: str | None
) -> tuple[list[Task], str | None]:
    """A page of tasks, soonest due first."""
    if cursor:
        at, task_id = pages.decode(cursor)
        q = q.where(or_(Task.due_at > at, and_(Task.due_at == at, Task.id > task_id)))
    rows: list[Task] = list(s.scalars(q.order_by(Task.due_at, Task.id).limit(limit + 1)))
    nxt = pages.encode(rows[limit - 1].due_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], nxt


def previous_in_follow_up(s: Session, follow_up_id: str) -> int:
    """How many tasks a follow-up has had (the next key's number)."""
    q = select(func.count(Task.id)).where(Task.follow_up_id == follow_up_id)
    return int(s.scalar(q) or 0)
