"""The tasks feature's handler on the bus: the scheduling pass (`tasks.planner`), run by
the worker's timer."""

from __future__ import annotations

from jikimi.cases.orders import StatutePack
from jikimi.core.locks import try_pass_lock
from jikimi.ports import Clock
from jikimi.tasks import owed
from jikimi.tasks.messages import PlanTasks
from jikimi.tasks.planner import Planner
from jikimi.tasks.ports import SessionWork
from jikimi.tasks.rules import FollowUpPolicy, WorkingCalendar


def plan_tasks(
    cmd: PlanTasks,
    uow: SessionWork,
    *,
    clock: Clock,
    pack: StatutePack,
    follow_up_policy: FollowUpPolicy,
    calendar: WorkingCalendar,
) -> set[str]:
    """One scheduling pass in one transaction; no alert changes. On PostgreSQL one pass
    runs at a time across workers (another's pass in progress: this one has nothing to
    do); every write is keyed besides, so a pass repeated writes nothing twice."""
    with uow:
        now = clock.now()
        look = uow.reader if uow.reader is not None else uow.session
        if not owed.anything_owed(look, now, owed.since(now, follow_up_policy.period_days)):
            return set()  # idle: the write transaction (SQLite's one writer) is not taken
        if not try_pass_lock(uow.session, "plan_tasks"):
            return set()
        Planner(uow.session, now, follow_up_policy, calendar, pack).run(cmd.limit)
        uow.commit()
    return set()
