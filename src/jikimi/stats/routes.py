"""Caseloads and statistics: supervisors see their agency, analysts and admins every
agency (caseloads) or the nation (counts), never a victim's or perpetrator's name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from jikimi.core.access import Principal, Role
from jikimi.http.deps import Allow
from jikimi.http.schemas import QueryMoment, query_moment
from jikimi.stats.counting import Group
from jikimi.stats.schemas import CaseloadRead, SummaryRead, summary_csv
from jikimi.stats.service import StatsReading

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

StatsReader = Annotated[Principal, Depends(Allow(Role.SUPERVISOR, Role.ANALYST, Role.ADMIN))]
CSV = "text/csv; charset=utf-8"


@router.get("/caseload", response_model=CaseloadRead)
def caseload(
    p: StatsReader,
    work: StatsReading,
    agency: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> dict[str, Any]:
    """Agencies by cases per dedicated officer (with the officers each would need to reach
    the national average), officers' weighted loads and moves that would balance them
    within one agency. A supervisor: its own agency (another is a 404)."""
    return work.caseload(p, agency)


@router.get(
    "/summary",
    response_model=SummaryRead,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def summary(
    p: StatsReader,
    work: StatsReading,
    from_: Annotated[
        str | None, Query(alias="from", max_length=40, description="RFC 3339 with an offset")
    ] = None,
    to: QueryMoment = None,
    group: Group = Group.MONTH,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    """Counts without personal data by whole month or year (Korean time): cases opened by
    offense, orders, alerts and safety measures by kind, tasks done on time or late; a
    count of 1 to 4 is "<5". Without `from`/`to`: the last twelve months. A supervisor's
    are its agency's, an analyst's the nation's."""
    body = work.summary(p, query_moment("from", from_), query_moment("to", to), group)
    if format == "csv":
        return Response(
            summary_csv(body),
            media_type=CSV,
            headers={"Content-Disposition": 'attachment; filename="jikimi-statistics.csv"'},
        )
    return body
