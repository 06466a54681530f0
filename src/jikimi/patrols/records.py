"""The patrols feature's record keeping: storing a plan with its sealed stops, a plan of
the caller's agency, recording a visit, and recording the misses of plans whose shift
and grace are over (a `patrol_missed` task for each case's officer, through the tasks
feature's keyed writes). Each runs in the caller's transaction; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.orm import Session

from jikimi.core.access import Principal
from jikimi.core.errors import Invalid, NotFound
from jikimi.core.tables import new_id
from jikimi.patrols import repo
from jikimi.patrols.rules import Home, PatrolPolicy, Plan, Shift, missed
from jikimi.patrols.tables import PatrolPlan, PatrolStop, PatrolVisit
from jikimi.tasks import repo as tasks
from jikimi.tasks.rules import TaskKind

FUTURE_SLACK = timedelta(minutes=5)  # clocks differ: a visit "now" may be a little ahead


def _grace(policy: PatrolPolicy) -> timedelta:
    return timedelta(minutes=policy.missed_grace_minutes)


def missed_before(
    s: Session, agency: str, shift_start: datetime, now: datetime, policy: PatrolPolicy
) -> set[str]:
    """The cases the agency's previous plan (the latest whose shift and grace are over
    by the new shift's start) left without their visits: the new plan covers them first."""
    prev = repo.previous_plan(s, agency, shift_start, now - _grace(policy))
    if prev is None:
        return set()
    if prev.missed is not None:
        return set(prev.missed)
    until = prev.shift_end + _grace(policy)
    return set(missed(repo.planned_counts(s, prev.id), repo.visited_counts(s, prev.id, until)))


def record_misses(
    s: Session,
    policy: PatrolPolicy,
    tz: tzinfo,
    now: datetime,
    agency: str | None = None,
    limit: int = 100,
) -> list[PatrolPlan]:
    """For every plan whose shift ended at least the grace ago and whose misses are not
    recorded: the cases short of their planned visits, and a `patrol_missed` task for
    each case's officer (written once, by its key). The plans it recorded."""
    done = repo.due_for_miss_check(s, now - _grace(policy), agency, limit)
    due = now + timedelta(hours=policy.missed_task_within_hours)
    for plan in done:
        until = plan.shift_end + _grace(policy)
        planned = repo.planned_counts(s, plan.id)
        visited = repo.visited_counts(s, plan.id, until)
        plan.missed, plan.missed_checked_at = missed(planned, visited), now
        officers = tasks.officers_of(s, plan.missed)
        day = plan.shift_start.astimezone(tz).date().isoformat()
        for case_id in plan.missed:
            reason = (
                f"순찰 미방문: {day} 근무, 계획 {planned[case_id]}회 중 "
                f"{visited.get(case_id, 0)}회 방문 기록"
            )
            tasks.add_task(
                s,
                tasks.NewTask(
                    case_id,
                    TaskKind.PATROL_MISSED,
                    due,
                    reason,
                    now,
                    key=f"patrol:{plan.id}:{case_id}",
                    owner_id=officers.get(case_id),
                ),
            )
    s.flush()
    return done


def store_plan(
    s: Session,
    p: Principal,
    agency: str,
    shift: Shift,
    seed: int,
    plan: Plan,
    homes: Sequence[Home],
    solve_ms: int,
    now: datetime,
) -> PatrolPlan:
    """Keep a plan: its units and unvisited homes on the plan, each stop sealed."""
    row = PatrolPlan(
        agency=agency,
        shift_start=shift.start,
        shift_end=shift.end,
        stop_minutes=shift.stop_minutes,
        speed_kmh=shift.speed_kmh,
        seed=seed,
        units=[
            {"name": r.unit.name, "lat": r.unit.start.lat, "lon": r.unit.start.lon}
            for r in plan.routes
        ],
        unvisited=[{"case_id": u.case_id, "reason": u.reason.value} for u in plan.unvisited],
        solve_ms=solve_ms,
        created_by=p.account_id,
        created_at=now,
    )
    s.add(row)
    s.flush()
    by_case = {h.case_id: h for h in homes}
    for unit, route in enumerate(plan.routes):
        for seq, stop in enumerate(route.stops):
            home = by_case[stop.case_id]
            row_stop = PatrolStop(
                id=new_id(),  # first: the sealed position is bound to it
                plan_id=row.id,
                unit=unit,
                seq=seq,
                case_id=stop.case_id,
                visit=stop.visit,
                tier=home.tier,
                missed_before=home.missed_before,
                arrive_at=stop.arrive_at,
                depart_at=stop.depart_at,
            )
            row_stop.lat, row_stop.lon = stop.place.lat, stop.place.lon
            s.add(row_stop)
    s.flush()
    return row


def get_plan(s: Session, p: Principal, plan_id: str) -> PatrolPlan:
    """A plan of the caller's agency; else NotFound, alike for another agency's and none."""
    plan = s.get(PatrolPlan, plan_id)
    if plan is None or p.agency is None or plan.agency != p.agency:
        raise NotFound("patrol_plan")
    return plan


def add_visit(
    s: Session,
    p: Principal,
    plan_id: str,
    case_id: str,
    visited_at: datetime,
    note: str | None,
    now: datetime,
    policy: PatrolPolicy,
) -> PatrolVisit:
    """Record a visit to a home the plan has a stop at, made during the shift (or its
    grace) and not in the future."""
    plan = get_plan(s, p, plan_id)
    if case_id not in repo.planned_counts(s, plan.id):
        raise Invalid("the plan has no stop at that case's home")
    if not plan.shift_start <= visited_at <= plan.shift_end + _grace(policy):
        raise Invalid("visited_at must fall within the shift (or its grace after the end)")
    if visited_at > now + FUTURE_SLACK:
        raise Invalid("visited_at is in the future")
    visit = PatrolVisit(
        plan_id=plan.id,
        case_id=case_id,
        visited_at=visited_at,
        recorded_by=p.account_id,
        created_at=now,
    )
    s.add(visit)
    s.flush()
    visit.note = note
    s.flush()
    return visit
