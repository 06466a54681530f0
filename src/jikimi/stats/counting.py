"""Statistics without personal data: whole calendar periods in the pack's time zone, and
small counts suppressed.

A count of 1 to 4 is given as "<5" (0 stays 0: an empty cell says nobody, and hiding it
would hide that nothing happened). No table carries a total beside its cells, so no cell
can be recovered by subtracting the others from it; a window is widened to whole
periods, so two windows a second apart cannot single out one event. What remains is
documented in docs/statistics.md (a year against its months).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from jikimi.core.errors import Invalid

SUPPRESS_BELOW = 5
SUPPRESSED = f"<{SUPPRESS_BELOW}"
MAX_PERIODS = 60  # five years of months, sixty of years: one query's buckets

Cell = int | str


class Group(StrEnum):
    """How the counts are grouped in time."""

    MONTH = "month"
    YEAR = "year"


class Measure(StrEnum):
    """What is counted, each split by a category (offense, kind, on time or late)."""

    CASES_OPENED = "cases_opened_by_offense"
    ORDERS = "orders_by_kind"
    ALERTS = "alerts_by_kind"
    SAFETY_MEASURES = "safety_measures_by_kind"
    TASKS_DONE = "tasks_done"


TASK_TIMELINESS = ("on_time", "late")


@dataclass(frozen=True)
class Period:
    """One whole month or year, from its first instant to the next period's."""

    label: str  # "2026-03" or "2026"
    starts_at: datetime
    ends_at: datetime


def suppress(n: int) -> Cell:
    """A count as published: "<5" for 1 to 4, the number otherwise."""
    return SUPPRESSED if 0 < n < SUPPRESS_BELOW else n


def _start_of(at: datetime, group: Group, tz: ZoneInfo) -> datetime:
    local = at.astimezone(tz)
    month = 1 if group is Group.YEAR else local.month
    return datetime(local.year, month, 1, tzinfo=tz)


def _next(start: datetime, group: Group, tz: ZoneInfo) -> datetime:
    if group is Group.YEAR:
        return datetime(start.year + 1, 1, 1, tzinfo=tz)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return datetime(year, month, 1, tzinfo=tz)


def periods(start: datetime, end: datetime, group: Group, tz: ZoneInfo) -> list[Period]:
    """The whole periods that cover [start, end): `start` back to its period's first
    instant, `end` on to the end of the period it falls in (an end exactly on a period's
    first instant adds no period). Invalid for an empty window or more than MAX_PERIODS."""
    if end <= start:
        raise Invalid("to must be after from")
    out: list[Period] = []
    at = _start_of(start, group, tz)
    while at < end:
        nxt = _next(at, group, tz)
        label = f"{at.year:04d}" if group is Group.YEAR else f"{at.year:04d}-{at.month:02d}"
        out.append(Period(label, at, nxt))
        if len(out) > MAX_PERIODS:
            raise Invalid(f"at most {MAX_PERIODS} periods ({group.value}s) in one request")
        at = nxt
    return out


def default_window(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The last twelve months, this one included: what a page shows when not told."""
    this_month = _start_of(now, Group.MONTH, tz)
    start = this_month
    for _ in range(11):
        start = _start_of(start - timedelta(days=1), Group.MONTH, tz)
    return start, _next(this_month, Group.MONTH, tz)


Counts = Mapping[tuple[int, str], int]  # (period index, category) -> count


def table(
    spans: Sequence[Period],
    counted: Mapping[Measure, Counts],
    categories: Mapping[Measure, Iterable[str]],
) -> list[dict[str, dict[str, Cell]]]:
    """For each period, each measure's cells in its categories (every category listed,
    with 0 where nothing was counted; a category met in the data but not listed is
    added), suppressed."""
    out: list[dict[str, dict[str, Cell]]] = []
    for i, _ in enumerate(spans):
        row: dict[str, dict[str, Cell]] = {}
        for measure in Measure:
            counts = counted.get(measure, {})
            names = list(categories.get(measure, ()))
            names += sorted({c for (j, c) in counts if j == i and c not in names})
            row[measure.value] = {c: suppress(counts.get((i, c), 0)) for c in names}
        out.append(row)
    return out
