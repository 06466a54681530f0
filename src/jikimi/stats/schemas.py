"""Caseloads and statistics on the wire: the JSON shapes, and the summary as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from jikimi.http.schemas import Out
from jikimi.stats.rules import AgencyLoad, Move, OfficerLoad

Cell = int | str


class AgencyRead(Out):
    """One agency: open cases per dedicated officer, and the officers it would need to
    reach the national average (`officers_needed`, an extension of the contract)."""

    agency: str
    officers: int
    open_cases: int
    cases_per_officer: float | None
    tasks_overdue: int
    officers_needed: int | None


class OfficerRead(Out):
    """One officer's open cases and load points (`agency`: an extension)."""

    officer_id: str
    agency: str
    open_cases: int
    weighted_load: int
    tasks_due_7d: int
    tasks_overdue: int


class SuggestionRead(Out):
    """A move that brings two officers' loads closer: apply it with
    `POST /api/v1/cases/{case_id}/assignments {"officer_id": to_officer_id, "replace":
    true}`. `points`, `from_load`, `to_load` (before the move) and `agency` extend the
    contract."""

    case_id: str
    agency: str
    from_officer_id: str
    to_officer_id: str
    points: int
    from_load: int
    to_load: int
    reason: str


class CaseloadRead(Out):
    """Agencies compared, officers' loads and suggested moves; `national_cases_per_officer`
    is the yardstick of `officers_needed`."""

    agencies: list[AgencyRead]
    officers: list[OfficerRead]
    suggestions: list[SuggestionRead]
    national_cases_per_officer: float | None


class PeriodRead(Out):
    """One whole month or year: counts by category, a count of 1 to 4 as "<5"."""

    period: str
    starts_at: str
    ends_at: str
    cases_opened_by_offense: dict[str, Cell]
    orders_by_kind: dict[str, Cell]
    alerts_by_kind: dict[str, Cell]
    safety_measures_by_kind: dict[str, Cell]
    tasks_done: dict[str, Cell]
    support_paid_krw: int | None


class SummaryRead(Out):
    """Counts without personal data, by whole period; no totals (see docs/statistics.md)."""

    from_: str = Field(alias="from")
    to: str
    group: str
    agency: str | None
    suppressed_below: int
    periods: list[PeriodRead]


def caseload_json(
    agencies: list[AgencyLoad],
    officers: list[OfficerLoad],
    moves: list[Move],
    average: float | None,
) -> dict[str, Any]:
    """The caseload as the API shows it."""
    return {
        "agencies": [a.__dict__ for a in agencies],
        "officers": [o.__dict__ for o in officers],
        "suggestions": [
            {
                "case_id": m.case_id,
                "agency": m.agency,
                "from_officer_id": m.from_officer_id,
                "to_officer_id": m.to_officer_id,
                "points": m.points,
                "from_load": m.from_load,
                "to_load": m.to_load,
                "reason": m.reason,
            }
            for m in moves
        ],
        "national_cases_per_officer": None if average is None else round(average, 2),
    }


CSV_HEADER = ("period", "starts_at", "ends_at", "measure", "category", "count")


def summary_csv(summary: Mapping[str, Any]) -> str:
    """The summary as CSV, one row per (period, measure, category), with a header row;
    support paid is the measure `support_paid_krw` with an empty category."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for p in summary["periods"]:
        head = (p["period"], p["starts_at"], p["ends_at"])
        for measure, cells in p.items():
            if isinstance(cells, dict):
                for category, count in cells.items():
                    w.writerow((*head, measure, category, count))
        paid = p["support_paid_krw"]
        w.writerow((*head, "support_paid_krw", "", "" if paid is None else paid))
    return out.getvalue()
