"""The follow-up pass: a referral its centre has not accepted within 3 working days owes
the case's officer a `referral_follow_up` task. Stateless and idempotent like the tasks'
scheduling pass: each pass reads what waits, the task is written once by its key
(`referral:follow_up:<id>`), and the referral is marked settled so no pass looks again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jikimi.referrals import records, repo
from jikimi.referrals.rules import (
    ACCEPT_WITHIN_WORKING_DAYS,
    ReferralStatus,
    follow_up_deadline,
    follow_up_due,
)
from jikimi.referrals.tables import Referral
from jikimi.tasks.records import owe
from jikimi.tasks.rules import TaskKind, WorkingCalendar


def due(s: Session, now: datetime, calendar: WorkingCalendar, limit: int) -> list[str]:
    """The referrals whose deadline has passed unanswered, oldest first (a read: three
    working days are at least three calendar days, so only older ones are looked at)."""
    before = now - timedelta(days=ACCEPT_WITHIN_WORKING_DAYS)
    waiting = repo.waiting_since(s, before, limit)
    return [r.id for r in waiting if follow_up_deadline(r.created_at, calendar) <= now]


def settle(s: Session, referral_ids: list[str], now: datetime, calendar: WorkingCalendar) -> int:
    """Write the follow-up each of these still owes; how many were written. A referral
    closed meanwhile (the consent withdrawn or expired) owes nothing."""
    written = 0
    for referral_id in referral_ids:
        r = s.get(Referral, referral_id, with_for_update=True)
        if r is None or r.status != ReferralStatus.SENT.value or r.follow_up_checked_at:
            continue
        r.follow_up_checked_at = now
        if records.disclosure_of(s, r, now).status is ReferralStatus.CLOSED:
            continue
        task = owe(
            s,
            r.case_id,
            TaskKind.REFERRAL_FOLLOW_UP,
            follow_up_due(r.created_at, calendar),
            f"상담소 연계 미수락 ({r.centre}): 3일(근무일) 경과, 상담소·피해자 확인",
            now,
            key=f"referral:follow_up:{r.id}",
        )
        written += task is not None
    s.flush()
    return written
