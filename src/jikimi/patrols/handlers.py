"""The patrols feature's handler on the bus: recording missed stops, run by the worker's
timer."""

from __future__ import annotations

from datetime import timedelta

from jikimi.cases.orders import StatutePack
from jikimi.core.locks import try_pass_lock
from jikimi.patrols import records, repo
from jikimi.patrols.messages import RecordMissedPatrols
from jikimi.patrols.rules import policy_from
from jikimi.ports import Clock
from jikimi.tasks.ports import SessionWork


def record_missed_patrols(
    cmd: RecordMissedPatrols, uow: SessionWork, *, clock: Clock, pack: StatutePack
) -> set[str]:
    """One pass in one transaction; idle (nothing due) it takes no write transaction.
    Tasks are keyed by plan and case, so a pass repeated writes nothing twice."""
    with uow:
        now = clock.now()
        policy = policy_from(pack.patrol)
        look = uow.reader if uow.reader is not None else uow.session
        due_by = now - timedelta(minutes=policy.missed_grace_minutes)
        if not repo.due_for_miss_check(look, due_by, limit=1):
            return set()
        if not try_pass_lock(uow.session, "record_missed_patrols"):
            return set()
        records.record_misses(uow.session, policy, pack.tz, now, limit=cmd.limit)
        uow.commit()
    return set()
