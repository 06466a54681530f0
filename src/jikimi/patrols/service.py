"""Patrol plans for one request: a plan's cases are read on a read-only connection,
solved outside any transaction (seconds: SQLite's one writer is not held meanwhile), then
written, with the misses of earlier plans, in the writing one. Every plan shown (homes'
positions) is on the access trail with the cases' people."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import queries
from jikimi.core.access import Principal
from jikimi.core.errors import NotFound
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.patrols import records, repo
from jikimi.patrols.rules import (
    PatrolPolicy,
    Point,
    Shift,
    StraightLine,
    Unit,
    check_request,
    homes_to_visit,
    policy_from,
    visit_windows,
)
from jikimi.patrols.schemas import PlanCreate, VisitCreate, plan_json, visit_json
from jikimi.patrols.solver import solve_apart
from jikimi.patrols.tables import PatrolPlan

RESOURCE = "patrol_plan"


class PatrolService:
    """Patrol plans on a read-only connection `r` and a writing one `w`."""

    def __init__(self, r: Session, w: Session, c: Container, a: Auditor) -> None:
        self.r, self.w, self.c, self.a = r, w, c, a

    @property
    def policy(self) -> PatrolPolicy:
        """The pack's patrol figures."""
        return policy_from(self.c.pack.patrol)

    def _people(self, s: Session, plan: PatrolPlan) -> list[str]:
        cases = {st.case_id for st in repo.stops_of(s, plan.id)}
        cases |= {u["case_id"] for u in plan.unvisited}
        return queries.case_subjects(s, sorted(cases))

    def create(self, p: Principal, body: PlanCreate) -> dict[str, Any]:
        """Plan the agency's shift: the homes owed visits, routed by OR-Tools."""
        if p.agency is None or body.agency != p.agency:
            raise NotFound("agency")
        policy, now = self.policy, self.c.clock.now()
        shift = Shift(
            body.shift_start,
            body.shift_end,
            body.stop_minutes if body.stop_minutes is not None else policy.stop_minutes[0],
            body.speed_kmh,
        )
        units = [Unit(u.name, Point(u.start.lat, u.start.lon)) for u in body.units]
        check_request(shift, units, policy)
        missed = records.missed_before(self.r, p.agency, shift.start, now, policy)
        found = repo.candidates(self.r, p.agency, shift.start, shift.end, missed)
        self.r.rollback()  # the read is over: no snapshot held through the search
        homes, no_place = homes_to_visit(found, policy)
        windows = visit_windows(homes, shift, policy, body.seed)
        began = time.perf_counter()
        travel = StraightLine(shift.speed_kmh)
        plan = solve_apart(homes, units, shift, windows, policy, travel, self._limit)
        solve_ms = round((time.perf_counter() - began) * 1000)
        left_out = sorted([*plan.unvisited, *no_place], key=lambda u: u.case_id)
        plan = replace(plan, unvisited=tuple(left_out))
        records.record_misses(self.w, policy, self.c.pack.tz, now, p.agency)
        row = records.store_plan(self.w, p, p.agency, shift, body.seed, plan, homes, solve_ms, now)
        self.a.change(self.w, "create", RESOURCE, row.id, self._people(self.w, row))
        return plan_json(row, repo.stops_of(self.w, row.id), [])

    @property
    def _limit(self) -> float:
        limit: float = self.c.settings.patrol_solve_s
        return limit

    def get(self, p: Principal, plan_id: str) -> dict[str, Any]:
        """A plan of the caller's agency with its visits (the read on the access trail)."""
        plan = records.get_plan(self.r, p, plan_id)
        out = plan_json(plan, repo.stops_of(self.r, plan.id), repo.visits_of(self.r, plan.id))
        self.a.read(RESOURCE, plan.id, self._people(self.r, plan))
        return out

    def visit(self, p: Principal, plan_id: str, body: VisitCreate) -> dict[str, Any]:
        """Record a visit to a home of the plan."""
        now = self.c.clock.now()
        v = records.add_visit(
            self.w, p, plan_id, body.case_id, body.visited_at, body.note, now, self.policy
        )
        people = queries.case_subjects(self.w, [v.case_id])
        self.a.change(self.w, "create", "patrol_visit", v.id, people)
        return visit_json(v)


async def patrol_reader(r: ReadDb, c: ContainerDep, a: Audit) -> PatrolService:
    """Patrols that only read."""
    return PatrolService(r, r, c, a)


async def patrol_writer(r: ReadDb, w: WriteDb, c: ContainerDep, a: Audit) -> PatrolService:
    """Patrols that read, then write what commits before the answer."""
    return PatrolService(r, w, c, a)


PatrolReading = Annotated[PatrolService, Depends(patrol_reader)]
PatrolWork = Annotated[PatrolService, Depends(patrol_writer, scope="function")]
