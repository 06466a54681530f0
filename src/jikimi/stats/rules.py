"""Caseloads: each officer's load weighted by risk tier and tasks due (the weights are data
in the pack's `caseload` section), agencies compared by cases per dedicated officer, and
the moves between officers of one agency that bring their loads closer.

A move takes a case from the agency's most loaded officer to its least loaded one, and
only when the case weighs less than the gap between them: the pair's gap then narrows,
both loads stay between the old two, and the spread of the agency's loads (their
standard deviation) falls strictly. Cases with an open alert, with a task due within the
pinned window, or with more than one officer are never moved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

TIERS = ("low", "medium", "high", "very_high")


@dataclass(frozen=True)
class Weights:
    """How much each open case weighs on its officer, in whole load points."""

    tier_points: Mapping[str, int]
    unassessed_points: int
    task_points: int
    task_window: timedelta
    pinned_within: timedelta
    max_suggestions: int

    def of(self, tier: str | None, tasks_due: int) -> int:
        """A case's points: its tier's, plus task_points per task due within the window."""
        base = self.unassessed_points if tier is None else self.tier_points.get(tier)
        if base is None:
            base = self.unassessed_points
        return base + self.task_points * tasks_due


def _whole(raw: Mapping[str, Any], key: str, minimum: int = 0) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"caseload.{key} must be a whole number >= {minimum}, got {value!r}")
    return value


def weights_from(raw: Mapping[str, Any]) -> Weights:
    """Parse the pack's `caseload` section; every tier needs its points."""
    if not isinstance(raw, Mapping):
        raise ValueError("caseload must be an object")
    points = raw.get("tier_points")
    if not isinstance(points, Mapping) or set(points) != set(TIERS):
        raise ValueError(f"caseload.tier_points must give points for {', '.join(TIERS)}")
    return Weights(
        tier_points={tier: _whole(points, tier, 1) for tier in TIERS},
        unassessed_points=_whole(raw, "unassessed_points", 1),
        task_points=_whole(raw, "task_points"),
        task_window=timedelta(days=_whole(raw, "task_window_days", 1)),
        pinned_within=timedelta(hours=_whole(raw, "pinned_within_hours")),
        max_suggestions=_whole(raw, "max_suggestions_per_agency"),
    )


@dataclass(frozen=True)
class OpenCase:
    """One open case as the caseload sees it: no person, only what weighs."""

    case_id: str
    agency: str
    officer_ids: tuple[str, ...]
    tier: str | None
    open_alerts: int = 0
    tasks_overdue: int = 0
    tasks_due_7d: int = 0  # due within the task window, not yet overdue
    next_task_due_at: datetime | None = None


@dataclass(frozen=True)
class Officer:
    """A dedicated officer of an agency (an officer account that is not suspended)."""

    officer_id: str
    agency: str


@dataclass
class OfficerLoad:
    """One officer's open cases and the points they weigh."""

    officer_id: str
    agency: str
    open_cases: int = 0
    weighted_load: int = 0
    tasks_due_7d: int = 0
    tasks_overdue: int = 0


@dataclass(frozen=True)
class AgencyLoad:
    """One agency's open cases per dedicated officer, and how many officers it would
    need to reach the national average (None when the average cannot be counted)."""

    agency: str
    officers: int
    open_cases: int
    cases_per_officer: float | None
    tasks_overdue: int
    officers_needed: int | None


@dataclass(frozen=True)
class Move:
    """A suggestion: move one case to another officer of its agency."""

    case_id: str
    agency: str
    from_officer_id: str
    to_officer_id: str
    points: int
    from_load: int  # before the move
    to_load: int
    tier: str | None
    tasks_due: int
    reason: str = field(default="")


def case_points(c: OpenCase, w: Weights) -> int:
    """The points one open case weighs on each of its officers."""
    return w.of(c.tier, c.tasks_due_7d + c.tasks_overdue)


def officer_loads(
    officers: Iterable[Officer], cases: Iterable[OpenCase], w: Weights
) -> list[OfficerLoad]:
    """Every dedicated officer's load (those with no case too), by agency then id; a case
    with several officers weighs fully on each."""
    loads = {o.officer_id: OfficerLoad(o.officer_id, o.agency) for o in officers}
    for c in cases:
        for officer_id in c.officer_ids:
            load = loads.get(officer_id)
            if load is None or load.agency != c.agency:
                continue  # a suspended officer's, or one of another agency: no one to balance
            load.open_cases += 1
            load.weighted_load += case_points(c, w)
            load.tasks_due_7d += c.tasks_due_7d
            load.tasks_overdue += c.tasks_overdue
    return sorted(loads.values(), key=lambda x: (x.agency, x.officer_id))


def national_average(officers: Mapping[str, int], open_cases: Mapping[str, int]) -> float | None:
    """Open cases per dedicated officer over every agency; None with no officer."""
    staff = sum(officers.values())
    return sum(open_cases.values()) / staff if staff else None


def officers_needed(open_cases: int, officers: int, average: float | None) -> int | None:
    """How many more officers bring the agency's cases per officer down to `average` (0
    when it is at or below it already; None when there is no average to reach)."""
    if average is None or average <= 0:
        return None if open_cases else 0
    # The smallest n with open_cases / n <= average; round off float noise first.
    wanted = math.ceil(round(open_cases / average, 9))
    return max(0, wanted - officers)


def agency_loads(
    officers: Iterable[Officer], cases: Iterable[OpenCase], average: float | None = None
) -> list[AgencyLoad]:
    """Each agency (with an officer or an open case) compared by cases per officer;
    `average` is the yardstick for officers_needed (the national one when None)."""
    staff: dict[str, int] = {}
    for o in officers:
        staff[o.agency] = staff.get(o.agency, 0) + 1
    counts: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for c in cases:
        counts[c.agency] = counts.get(c.agency, 0) + 1
        overdue[c.agency] = overdue.get(c.agency, 0) + c.tasks_overdue
    if average is None:
        average = national_average(staff, counts)
    out = []
    for agency in sorted(set(staff) | set(counts)):
        n, cases_open = staff.get(agency, 0), counts.get(agency, 0)
        out.append(
            AgencyLoad(
                agency,
                n,
                cases_open,
                round(cases_open / n, 2) if n else None,
                overdue.get(agency, 0),
                officers_needed(cases_open, n, average),
            )
        )
    return out


def movable(c: OpenCase, w: Weights, now: datetime) -> bool:
    """Whether a case may be suggested for a move: one officer, no open alert, nothing
    overdue and no task due within the pinned window."""
    if len(c.officer_ids) != 1 or c.open_alerts or c.tasks_overdue:
        return False
    return c.next_task_due_at is None or c.next_task_due_at >= now + w.pinned_within


def _span(t: timedelta) -> str:
    hours = int(t.total_seconds() // 3600)
    return f"{hours // 24} days" if hours % 24 == 0 and hours >= 48 else f"{hours} hours"


def reason_for(m: Move, w: Weights) -> str:
    """A move's reason in words."""
    tier = m.tier.replace("_", " ") if m.tier else "not yet assessed"
    tasks = f", {m.tasks_due} task(s) due within {_span(w.task_window)}" if m.tasks_due else ""
    return (
        f"The most loaded officer of {m.agency} carries {m.from_load} load points and the "
        f"least loaded {m.to_load}; this case weighs {m.points} (risk tier {tier}{tasks}), so "
        f"moving it brings them to {m.from_load - m.points} and {m.to_load + m.points}. It has "
        f"no open alert, no task due within {_span(w.pinned_within)}, and one officer."
    )


def _best(candidates: Sequence[tuple[int, str]], gap: int) -> tuple[int, str] | None:
    """The case whose points narrow the gap most (0 < points < gap), lightest first on a
    tie, then by id, so the same input always gives the same suggestion."""
    fitting = [(abs(gap - 2 * pts), pts, cid) for pts, cid in candidates if 0 < pts < gap]
    if not fitting:
        return None
    _, pts, cid = min(fitting)
    return pts, cid


def suggest_moves(
    officers: Iterable[Officer], cases: Iterable[OpenCase], w: Weights, now: datetime
) -> list[Move]:
    """Greedy moves within each agency, from its most to its least loaded officer, while
    a case narrows their gap (at most `max_suggestions` per agency). Never across
    agencies; a case moves at most once."""
    officers, cases = list(officers), list(cases)
    loads = officer_loads(officers, cases, w)
    moves: list[Move] = []
    for agency in sorted({x.agency for x in loads}):
        load = {x.officer_id: x.weighted_load for x in loads if x.agency == agency}
        pool: dict[str, list[tuple[int, str]]] = {o: [] for o in load}
        info: dict[str, OpenCase] = {}
        for c in cases:
            if c.agency == agency and movable(c, w, now) and c.officer_ids[0] in pool:
                pool[c.officer_ids[0]].append((case_points(c, w), c.case_id))
                info[c.case_id] = c
        made = 0
        while made < w.max_suggestions and len(load) > 1:
            hi = max(load, key=lambda o: (load[o], o))
            lo = min(load, key=lambda o: (load[o], o))
            gap = load[hi] - load[lo]
            pick = _best(pool[hi], gap)
            if pick is None:
                break
            pts, cid = pick
            pool[hi].remove(pick)
            c = info[cid]
            move = Move(cid, agency, hi, lo, pts, load[hi], load[lo], c.tier, c.tasks_due_7d)
            moves.append(Move(**{**move.__dict__, "reason": reason_for(move, w)}))
            load[hi] -= pts
            load[lo] += pts
            made += 1
    return moves


def spread(loads: Iterable[int]) -> float:
    """The standard deviation of an agency's loads: what every suggested move reduces."""
    values = list(loads)
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
