"""The patrols feature's queries: what the rules need to know of an agency's open cases
(tier, orders, follow-up, patrol measures, the victim's home), the plans, their stops and
visits, and the plans whose misses are due to be recorded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jikimi.cases.tables import Address, Case, Order
from jikimi.measures.tables import SafetyMeasure
from jikimi.patrols.rules import TIERS, Candidate, Point
from jikimi.patrols.tables import PatrolPlan, PatrolStop, PatrolVisit
from jikimi.risk.repo import effective_tier
from jikimi.tasks.tables import FollowUp


def candidates(
    s: Session, agency: str, start: datetime, end: datetime, missed: Collection[str]
) -> list[Candidate]:
    """The agency's open cases of a patrolled tier, with what makes them owed a patrol
    during the shift and the victim's home (its sealed position opened here)."""
    cases = list(
        s.execute(
            select(Case.id, Case.victim_id)
            .where(Case.agency == agency, Case.closed_at.is_(None))
            .order_by(Case.id)
        )
    )
    tiers = {case_id: effective_tier(s, case_id) for case_id, _ in cases}
    wanted = [(c, v) for c, v in cases if (t := tiers[c]) is not None and t.value in TIERS]
    ids = [c for c, _ in wanted]
    if not ids:
        return []
    ordered = set(
        s.scalars(
            select(Order.case_id).where(
                Order.case_id.in_(ids),
                Order.starts_at < end,
                Order.ends_at > start,
                or_(Order.revoked_at.is_(None), Order.revoked_at > start),
            )
        )
    )
    followed = set(
        s.scalars(
            select(FollowUp.case_id).where(
                FollowUp.case_id.in_(ids), FollowUp.ended_at.is_(None), FollowUp.started_at < end
            )
        )
    )
    patrolled = set(
        s.scalars(
            select(SafetyMeasure.case_id).where(
                SafetyMeasure.case_id.in_(ids),
                SafetyMeasure.kind == "patrol",
                SafetyMeasure.starts_at < end,
                SafetyMeasure.ends_at > start,
                or_(SafetyMeasure.ended_at.is_(None), SafetyMeasure.ended_at > start),
            )
        )
    )
    homes = _homes(s, [v for _, v in wanted])
    out = []
    for case_id, victim_id in wanted:
        tier = tiers[case_id]
        out.append(
            Candidate(
                case_id,
                tier.value if tier is not None else None,
                case_id in ordered,
                case_id in followed,
                case_id in patrolled,
                homes.get(victim_id),
                case_id in missed,
            )
        )
    return out


def _homes(s: Session, victim_ids: list[str]) -> dict[str, Point]:
    """Each victim's first home address that has a position."""
    q = (
        select(Address)
        .where(Address.person_id.in_(victim_ids), Address.label == "home")
        .order_by(Address.person_id, Address.id)
    )
    out: dict[str, Point] = {}
    for a in s.scalars(q):
        if a.person_id in out:
            continue
        lat, lon = a.lat, a.lon
        if lat is not None and lon is not None:
            out[a.person_id] = Point(lat, lon)
    return out


def stops_of(s: Session, plan_id: str) -> list[PatrolStop]:
    """A plan's stops by unit, in each unit's order."""
    q = (
        select(PatrolStop)
        .where(PatrolStop.plan_id == plan_id)
        .order_by(PatrolStop.unit, PatrolStop.seq)
    )
    return list(s.scalars(q))


def visits_of(s: Session, plan_id: str) -> list[PatrolVisit]:
    """A plan's recorded visits, earliest first."""
    q = (
        select(PatrolVisit)
        .where(PatrolVisit.plan_id == plan_id)
        .order_by(PatrolVisit.visited_at, PatrolVisit.id)
    )
    return list(s.scalars(q))


def planned_counts(s: Session, plan_id: str) -> dict[str, int]:
    """How many stops the plan has at each case's home."""
    q = (
        select(PatrolStop.case_id, func.count(PatrolStop.id))
        .where(PatrolStop.plan_id == plan_id)
        .group_by(PatrolStop.case_id)
    )
    return {c: int(n) for c, n in s.execute(q)}


def visited_counts(s: Session, plan_id: str, until: datetime) -> dict[str, int]:
    """How many visits were recorded for each case of the plan by `until`."""
    q = (
        select(PatrolVisit.case_id, func.count(PatrolVisit.id))
        .where(PatrolVisit.plan_id == plan_id, PatrolVisit.created_at <= until)
        .group_by(PatrolVisit.case_id)
    )
    return {c: int(n) for c, n in s.execute(q)}


def due_for_miss_check(
    s: Session, due_by: datetime, agency: str | None = None, limit: int = 100
) -> list[PatrolPlan]:
    """Plans whose shift ended by `due_by` (the shift's end plus the grace before now) and
    whose misses are not recorded yet, oldest first."""
    q = select(PatrolPlan).where(
        PatrolPlan.missed_checked_at.is_(None), PatrolPlan.shift_end <= due_by
    )
    if agency is not None:
        q = q.where(PatrolPlan.agency == agency)
    return list(s.scalars(q.order_by(PatrolPlan.shift_end, PatrolPlan.id).limit(limit)))


def previous_plan(s: Session, agency: str, before: datetime, due_by: datetime) -> PatrolPlan | None:
    """The agency's latest plan whose shift ended by `before` (the new shift's start) and
    whose misses are known (its grace is over)."""
    q = (
        select(PatrolPlan)
        .where(
            PatrolPlan.agency == agency,
            PatrolPlan.shift_end <= before,
            PatrolPlan.shift_end <= due_by,
        )
        .order_by(PatrolPlan.shift_end.desc(), PatrolPlan.created_at.desc())
        .limit(1)
    )
    return s.scalars(q).first()
