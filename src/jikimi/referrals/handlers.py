"""The referrals feature's handler on the bus: the follow-up pass, run by the worker's
timer."""

from __future__ import annotations

from jikimi.ports import Clock
from jikimi.referrals import follow_ups
from jikimi.referrals.messages import PlanReferralFollowUps
from jikimi.referrals.ports import SessionWork
from jikimi.tasks.rules import WorkingCalendar


def plan_referral_follow_ups(
    cmd: PlanReferralFollowUps, uow: SessionWork, *, clock: Clock, calendar: WorkingCalendar
) -> set[str]:
    """One follow-up pass in one transaction; no alert changes. It first looks on the
    read-only session and takes the write transaction only when something is owed."""
    with uow:
        now = clock.now()
        look = uow.reader if uow.reader is not None else uow.session
        owed = follow_ups.due(look, now, calendar, cmd.limit)
        if not owed:
            return set()
        follow_ups.settle(uow.session, owed, now, calendar)
        uow.commit()
    return set()
