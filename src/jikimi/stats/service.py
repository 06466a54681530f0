"""Caseloads and statistics on one request's read-only session: who sees which agency, the
rules applied to the queries' rows, each call on the access trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, get_args

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.alerts.rules import AlertKind
from jikimi.bootstrap import Container
from jikimi.cases.schemas import Offense
from jikimi.core.access import Principal, Role
from jikimi.core.errors import NotFound
from jikimi.core.times import iso
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb
from jikimi.measures.rules import SafetyMeasure
from jikimi.stats import queries
from jikimi.stats.counting import (
    SUPPRESS_BELOW,
    TASK_TIMELINESS,
    Group,
    Measure,
    default_window,
    periods,
    table,
)
from jikimi.stats.rules import (
    Weights,
    agency_loads,
    national_average,
    officer_loads,
    suggest_moves,
    weights_from,
)
from jikimi.stats.schemas import caseload_json


def scope_of(p: Principal, agency: str | None) -> str | None:
    """The agency a caller's statistics cover (None: every agency). A supervisor sees its
    own agency: asking for another is a 404, as anything not the caller's is."""
    if p.role is Role.SUPERVISOR:
        if agency is not None and agency != p.agency:
            raise NotFound("agency")
        if p.agency is None:
            raise NotFound("agency")
        return p.agency
    return agency


class StatsService:
    """Caseloads and counts for supervisors, analysts and admins."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    @property
    def weights(self) -> Weights:
        """The pack's caseload weights."""
        return weights_from(self.c.pack.caseload)

    def caseload(self, p: Principal, agency: str | None) -> dict[str, Any]:
        """Agencies compared by cases per officer (officers_needed against the national
        average), officers' weighted loads and the moves that would balance them."""
        scope = scope_of(p, agency)
        now, w = self.c.clock.now(), self.weights
        officers = queries.officers(self.s, scope)
        cases = queries.open_cases(self.s, scope, now, w.task_window)
        # The yardstick is national even when one agency is asked for.
        staff, counts = queries.national_counts(self.s)
        average = national_average(staff, counts)
        out = caseload_json(
            agency_loads(officers, cases, average),
            officer_loads(officers, cases, w),
            suggest_moves(officers, cases, w, now),
            average,
        )
        # Case and officer ids and counts: no one's name, number or place.
        self.a.read("caseload", scope, [])
        return out

    def summary(
        self, p: Principal, start: datetime | None, end: datetime | None, group: Group
    ) -> dict[str, Any]:
        """Counts by whole period and category, suppressed under five: a supervisor's of
        its agency, an analyst's or admin's national (never split by agency, so no
        agency's cell can be had by subtracting the others from the nation's)."""
        scope = scope_of(p, None) if p.role is Role.SUPERVISOR else None
        tz = self.c.pack.tz
        if start is None or end is None:
            default_start, default_end = default_window(self.c.clock.now(), tz)
            start, end = start or default_start, end or default_end
        spans = periods(start, end, group, tz)
        categories = {
            Measure.CASES_OPENED: get_args(Offense),
            Measure.ORDERS: sorted(self.c.pack.kinds),
            Measure.ALERTS: [k.value for k in AlertKind],
            Measure.SAFETY_MEASURES: [k.value for k in SafetyMeasure],
            Measure.TASKS_DONE: TASK_TIMELINESS,
        }
        cells = table(spans, queries.counts(self.s, spans, scope), categories)
        out = {
            "from": iso(spans[0].starts_at),
            "to": iso(spans[-1].ends_at),
            "group": group.value,
            "agency": scope,
            "suppressed_below": SUPPRESS_BELOW,
            "periods": [
                {
                    "period": span.label,
                    "starts_at": iso(span.starts_at),
                    "ends_at": iso(span.ends_at),
                    **row,
                    "support_paid_krw": queries.support_paid_krw(self.s, span, scope),
                }
                for span, row in zip(spans, cells, strict=True)
            ],
        }
        self.a.read("statistics", scope, [])
        return out


async def stats_reader(s: ReadDb, c: ContainerDep, a: Audit) -> StatsService:
    """Statistics on a read-only session."""
    return StatsService(s, c, a)


StatsReading = Annotated[StatsService, Depends(stats_reader)]
