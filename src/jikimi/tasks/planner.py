"""The scheduling pass: from the state of cases, orders, safety measures and decisions,
write the tasks that are owed and not yet written. It keeps no state of its own, so a pass
after a restart owes exactly what the database says (an order that ended while the server
was down still yields its follow-up), and every write is keyed, so passes on several
workers write each task once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from jikimi.cases.orders import StatutePack
from jikimi.risk.repo import effective_tier
from jikimi.tasks import owed, repo
from jikimi.tasks.rules import (
    DecisionKind,
    FollowUpPolicy,
    TaskKind,
    TaskStatus,
    Tier,
    WorkingCalendar,
    first_monitoring_due,
    follow_up_ends,
    measure_review_due,
    next_monitoring_due,
    order_review_due,
)
from jikimi.tasks.tables import Task

# How a decision reads in the reason of the follow-up it owes (tasks are shown in Korean).
DECISION_TITLES = {
    DecisionKind.PROVISIONAL_MEASURE_DISMISSED.value: "잠정조치 기각",
    DecisionKind.ARREST_WARRANT_DISMISSED.value: "구속영장 기각",
    DecisionKind.DETENTION_REQUEST_DISMISSED.value: "유치 신청 기각",
    DecisionKind.RELEASED_FROM_DETENTION.value: "구금 해제",
    DecisionKind.RELEASED_ON_BAIL.value: "보석 석방",
}


@dataclass
class Planner:
    """One pass, in one transaction."""

    s: Session
    now: datetime
    policy: FollowUpPolicy
    calendar: WorkingCalendar
    pack: StatutePack
    # The officer owing each case's tasks, read for a pass's cases at once.
    officers: dict[str, str | None] = field(default_factory=dict)

    def run(self, limit: int) -> None:
        """Every kind of work the pass does, each bounded by `limit`."""
        self.order_reviews(limit)
        self.measure_reviews(limit)
        self.follow_ups(limit)
        self.recount_tiers(limit)
        owed.escalate_overdue(self.s, self.now, limit)

    def _title(self, kind: str) -> str:
        known = self.pack.kinds.get(kind)
        return known.title if known is not None else kind

    def _know_officers(self, case_ids: Iterable[str]) -> None:
        missing = set(case_ids) - self.officers.keys()
        self.officers.update(dict.fromkeys(missing))
        self.officers.update(repo.officers_of(self.s, missing))

    def _officer(self, case_id: str) -> str | None:
        if case_id not in self.officers:
            self.officers[case_id] = repo.officer_of(self.s, case_id)
        return self.officers[case_id]

    def _day(self, at: datetime) -> str:
        return at.astimezone(self.calendar.tz).date().isoformat()

    def order_reviews(self, limit: int) -> None:
        """A review before each order ends; an extension moves it with the end."""
        owing = owed.orders_owing_review(self.s, self.now, limit)
        self._know_officers(order.case_id for order, task in owing if task is None)
        for order, task in owing:
            recorded = order.created_at if task is None else self.now
            due = order_review_due(
                order.starts_at, order.ends_at, recorded, self.policy, self.calendar
            )
            reason = f"{self._title(order.kind)} 종료 {self._day(order.ends_at)}: 재평가·연장 검토"
            if task is None:
                repo.add_task(
                    self.s,
                    repo.NewTask(
                        order.case_id,
                        TaskKind.ORDER_EXPIRY_REVIEW,
                        due,
                        reason,
                        self.now,
                        key=f"review:order:{order.id}",
                        owner_id=self._officer(order.case_id),
                        subject_ends_at=order.ends_at,
                    ),
                )
            else:
                task.due_at, task.subject_ends_at, task.reason = due, order.ends_at, reason

    def measure_reviews(self, limit: int) -> None:
        """A review before each safety measure ends; an extension moves it with the end,
        ending the measure early cancels it."""
        titles = {m.get("kind"): m.get("title") for m in self.pack.safety_measures}
        for measure, task in owed.measures_owing_review(self.s, self.now, limit):
            recorded = measure.created_at if task is None else self.now
            due = measure_review_due(
                measure.starts_at, measure.ends_at, recorded, self.policy, self.calendar
            )
            title = titles.get(measure.kind) or measure.kind
            reason = f"{title} 종료 {self._day(measure.ends_at)}: 연장·종료 검토"
            if task is None:
                repo.add_task(
                    self.s,
                    repo.NewTask(
                        measure.case_id,
                        TaskKind.MEASURE_EXPIRY_REVIEW,
                        due,
                        reason,
                        self.now,
                        key=f"review:measure:{measure.id}",
                        owner_id=repo.officer_of(self.s, measure.case_id),
                        subject_ends_at=measure.ends_at,
                    ),
                )
            else:
                task.due_at, task.subject_ends_at, task.reason = due, measure.ends_at, reason
        owed.cancel_reviews_of_ended_measures(self.s, self.now, limit)

    def follow_ups(self, limit: int) -> None:
        """Start the follow-ups that ended orders and decisions owe; end the ones whose
        period is over or that a new order replaced."""
        since = owed.since(self.now, self.policy.period_days)
        ended = owed.ended_orders(self.s, self.now, since, limit)
        decided = owed.decisions_owing(self.s, self.now, since, limit)
        self._know_officers([o.case_id for o, _, busy in ended if not busy])
        self._know_officers([d.case_id for d, busy in decided if not busy])
        for order, ended_at, busy in ended:
            kind = self.pack.kinds.get(order.kind)
            if order.revoked_at is not None:
                reason = "order_revoked"
                self._cancel_review(order.id)
            elif kind is not None and kind.detention:
                reason = "detention_ended"
            else:
                reason = "order_expired"
            what = f"{self._title(order.kind)} {'취소' if order.revoked_at else '종료'}"
            self.start(order.case_id, f"order:{order.id}", reason, ended_at, busy, what)
        for decision, busy in decided:
            self.start(
                decision.case_id,
                f"decision:{decision.id}",
                decision.kind,
                decision.decided_at,
                busy,
                DECISION_TITLES.get(decision.kind, decision.kind),
            )
        for follow_up, why in owed.follow_ups_to_end(self.s, self.now):
            owed.end_follow_up(self.s, follow_up, self.now, why)

    def _cancel_review(self, order_id: str) -> None:
        self.s.execute(
            update(Task)
            .where(Task.key == f"review:order:{order_id}", Task.status == TaskStatus.OPEN.value)
            .values(status=TaskStatus.CANCELLED.value, completed_at=self.now)
        )

    def start(
        self, case_id: str, trigger: str, reason: str, at: datetime, busy: bool, what: str
    ) -> None:
        """Record the follow-up an event at `at` opened and, unless another order was in
        force (`busy`), its first monitoring call."""
        ends = follow_up_ends(at, self.policy, self.calendar)
        follow_up_id = repo.start_follow_up(
            self.s, case_id, trigger, reason, at, ends, owed=not busy
        )
        if follow_up_id is None or busy:
            return  # written by another pass, or another order still protects the victim
        tier = effective_tier(self.s, case_id)
        repo.add_task(
            self.s,
            repo.NewTask(
                case_id,
                TaskKind.MONITORING_CALL,
                first_monitoring_due(at, tier, self.policy, self.calendar),
                f"후속 모니터링 첫 통화: {what} ({self._day(at)})",
                self.now,
                key=f"call:{follow_up_id}:1",
                owner_id=self._officer(case_id),
                follow_up_id=follow_up_id,
                basis_at=at,
                tier=tier,
            ),
        )

    def recount_tiers(self, limit: int) -> None:
        """A case assessed again: its monitoring calls not yet due follow the new tier's
        cadence (retries keep theirs: they follow the last call, not the tier)."""
        for task in owed.tiers_to_recount(self.s, self.now, limit):
            task.tier_checked_at = self.now
            tier = effective_tier(self.s, task.case_id)
            if task.basis_at is None or task.not_reached_in_a_row or _same(tier, task.tier):
                continue
            first = task.key is not None and task.key.endswith(":1")
            count = first_monitoring_due if first else next_monitoring_due
            due = count(task.basis_at, tier, self.policy, self.calendar)
            task.due_at, task.tier = max(due, self.now), tier.value if tier else None


def _same(tier: Tier | None, stored: str | None) -> bool:
    return (tier.value if tier is not None else None) == stored
