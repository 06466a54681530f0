"""Patrols around high-risk homes as pure rules: which homes a shift visits and how often
(figures in the pack's `patrol` section), the travel times a plan may assume, the seeded
windows that vary arrival times from night to night, and the check that a plan keeps
every rule. The solver (`patrols.solver`) proposes plans; these rules judge them."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from haversine import Unit as Length
from haversine import haversine

from jikimi.core.errors import Invalid

MAX_SHIFT = timedelta(hours=24)
MIN_SPEED_KMH, MAX_SPEED_KMH = 5, 130  # a car on patrol: slower is no plan, faster no street
TIERS = ("very_high", "high")  # the tiers patrolled, highest first


class PatrolRuleError(Invalid):
    """A plan request the rules refuse (a 422 that says why)."""


class Reason(StrEnum):
    """Why a home is in a plan's `unvisited`."""

    NO_HOME_POSITION = "no_home_position"  # the victim's home has no coordinates
    NOT_FITTED = "not_fitted"  # the units could not reach it within the shift
    SECOND_VISIT_NOT_FITTED = "second_visit_not_fitted"  # visited fewer times than owed


@dataclass(frozen=True)
class Point:
    """A WGS84 position in degrees."""

    lat: float
    lon: float


def metres(a: Point, b: Point) -> float:
    """The great-circle (haversine) distance in metres."""
    return float(haversine((a.lat, a.lon), (b.lat, b.lon), unit=Length.METERS))


class TravelTimes(Protocol):
    """Seconds to drive from one point to another (a road network is another adapter)."""

    def seconds(self, a: Point, b: Point) -> int:
        """Whole seconds from `a` to `b`, never less than the straight line allows."""
        ...


@dataclass(frozen=True)
class StraightLine:
    """Travel at `speed_kmh` along the straight line: the fastest any road could be."""

    speed_kmh: float

    def seconds(self, a: Point, b: Point) -> int:
        """The haversine distance over the speed, rounded up to the second."""
        return math.ceil(metres(a, b) / (self.speed_kmh / 3.6))


@dataclass(frozen=True)
class Station:
    """Where an agency's units start by default."""

    name: str
    place: Point


@dataclass(frozen=True)
class PatrolPolicy:
    """The pack's `patrol` section."""

    visits: Mapping[str, int]  # tier -> visits per shift
    min_gap_minutes: int  # between two visits of one home, arrival to arrival
    stop_minutes: tuple[int, int, int]  # default, least, most
    window_minutes: int  # width of each visit's seeded window
    missed_grace_minutes: int  # after the shift's end, before a stop counts as missed
    missed_task_within_hours: int  # the officer's patrol_missed task is due within this
    drop_penalty: Mapping[str, int]  # tier -> cost of leaving a home out
    missed_factor: int  # a home missed on the previous plan weighs this much more
    stations: Mapping[str, Station]
    source: str


def policy_from(raw: Mapping[str, Any]) -> PatrolPolicy:
    """Parse the pack's `patrol` section (ValueError naming what is wrong)."""
    try:
        stop = raw["stop_minutes"]
        policy = PatrolPolicy(
            visits={t: int(raw["visits"][t]) for t in TIERS},
            min_gap_minutes=int(raw["min_gap_minutes"]),
            stop_minutes=(int(stop["default"]), int(stop["min"]), int(stop["max"])),
            window_minutes=int(raw["window_minutes"]),
            missed_grace_minutes=int(raw["missed_grace_minutes"]),
            missed_task_within_hours=int(raw["missed_task_within_hours"]),
            drop_penalty={t: int(raw["drop_penalty"][t]) for t in TIERS},
            missed_factor=int(raw["missed_factor"]),
            stations={
                agency: Station(s["name"], Point(float(s["lat"]), float(s["lon"])))
                for agency, s in raw.get("stations", {}).items()
            },
            source=str(raw["source"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"patrol: missing or malformed {exc}") from None
    if any(n < 1 for n in policy.visits.values()) or policy.min_gap_minutes < 0:
        raise ValueError("patrol: visits must be at least 1 and the gap not negative")
    if not policy.stop_minutes[1] <= policy.stop_minutes[0] <= policy.stop_minutes[2]:
        raise ValueError("patrol: stop_minutes default must lie within min..max")
    return policy


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of one open case of the agency."""

    case_id: str
    tier: str | None
    order_in_force: bool
    follow_up_owed: bool
    patrol_measure: bool
    home: Point | None
    missed_before: bool = False  # a stop of the previous plan went without a visit


@dataclass(frozen=True)
class Home:
    """A home a shift owes visits to."""

    case_id: str
    tier: str
    place: Point
    visits: int
    missed_before: bool = False


@dataclass(frozen=True)
class Unvisited:
    """A home the plan leaves out (or visits fewer times than owed), and why."""

    case_id: str
    reason: Reason


def penalty(home: Home, policy: PatrolPolicy) -> int:
    """What leaving one of the home's visits out costs the solver: by tier, far above
    any detour, so a higher tier (and a home missed last time) is covered first."""
    base = policy.drop_penalty[home.tier]
    return base * policy.missed_factor if home.missed_before else base


def homes_to_visit(
    candidates: Iterable[Candidate], policy: PatrolPolicy
) -> tuple[list[Home], list[Unvisited]]:
    """The homes a shift owes visits to: a patrolled tier (very_high, high) and an order
    in force, follow-up monitoring owed or a `patrol` safety measure; highest priority
    first. Those owed a visit but without a position come back as unvisited."""
    homes: list[Home] = []
    no_place: list[Unvisited] = []
    for c in candidates:
        if c.tier is None or c.tier not in policy.visits:
            continue
        if not (c.order_in_force or c.follow_up_owed or c.patrol_measure):
            continue
        if c.home is None:
            no_place.append(Unvisited(c.case_id, Reason.NO_HOME_POSITION))
            continue
        homes.append(Home(c.case_id, c.tier, c.home, policy.visits[c.tier], c.missed_before))
    homes.sort(key=lambda h: (-penalty(h, policy), h.case_id))
    return homes, sorted(no_place, key=lambda u: u.case_id)


@dataclass(frozen=True)
class Unit:
    """A patrol car: its name and where it starts and ends the shift."""

    name: str
    start: Point


@dataclass(frozen=True)
class Shift:
    """When the units patrol, the stop length and the speed travel times assume."""

    start: datetime
    end: datetime
    stop_minutes: int
    speed_kmh: float

    @property
    def seconds(self) -> int:
        """The shift's length in whole seconds."""
        return int((self.end - self.start).total_seconds())


def check_request(shift: Shift, units: Sequence[Unit], policy: PatrolPolicy) -> None:
    """Refuse a shift that is empty, longer than 24 hours, with no units or a stop length
    outside the pack's range (PatrolRuleError)."""
    if shift.end <= shift.start:
        raise PatrolRuleError("shift_end must be after shift_start")
    if shift.end - shift.start > MAX_SHIFT:
        raise PatrolRuleError("a shift lasts at most 24 hours")
    if not units:
        raise PatrolRuleError("a plan needs at least one unit")
    _, least, most = policy.stop_minutes
    if not least <= shift.stop_minutes <= most:
        raise PatrolRuleError(f"stop_minutes must be between {least} and {most}")
    if not MIN_SPEED_KMH <= shift.speed_kmh <= MAX_SPEED_KMH:
        raise PatrolRuleError(f"speed_kmh must be between {MIN_SPEED_KMH} and {MAX_SPEED_KMH}")


Window = tuple[int, int]  # earliest and latest arrival, seconds from the shift's start


def visit_windows(
    homes: Sequence[Home], shift: Shift, policy: PatrolPolicy, seed: int
) -> dict[tuple[str, int], Window]:
    """Each visit's arrival window (seconds into the shift), placed at random by `seed`
    and the case, so the hour a car comes differs from night to night. A first visit of a
    home owed two ends early enough for the second to follow the gap; the second may come
    any time from the first window's start plus the gap to the shift's last stop. A visit
    with no window cannot be made in the shift."""
    last = shift.seconds - shift.stop_minutes * 60
    gap = policy.min_gap_minutes * 60
    width = policy.window_minutes * 60
    out: dict[tuple[str, int], Window] = {}
    if last < 0:
        return out  # not even one stop fits
    for home in homes:
        rng = random.Random(f"{seed}:{home.case_id}")
        visits = home.visits
        latest = last - gap * (visits - 1)
        if latest < 0:  # too short a shift for every visit: the first only
            visits, latest = 1, last
        lo = rng.randint(0, max(0, latest - width))
        out[(home.case_id, 1)] = (lo, min(latest, lo + width))
        for visit in range(2, visits + 1):
            out[(home.case_id, visit)] = (lo + gap * (visit - 1), last)
    return out


@dataclass(frozen=True)
class Stop:
    """One planned visit of a home."""

    case_id: str
    visit: int  # 1, or 2 for a very_high home's second visit
    place: Point
    arrive_at: datetime
    depart_at: datetime


@dataclass(frozen=True)
class Route:
    """A unit's stops in order (it starts and ends at its start point)."""

    unit: Unit
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class Plan:
    """A shift's routes and the homes left out."""

    routes: tuple[Route, ...]
    unvisited: tuple[Unvisited, ...]


def assemble(
    homes: Sequence[Home],
    units: Sequence[Unit],
    shift: Shift,
    arrivals: Sequence[Sequence[tuple[str, int, int]]],
    left_out: Iterable[Unvisited] = (),
) -> Plan:
    """A plan from the solver's answer: per unit, (case, visit, arrival second) in order;
    a home visited fewer times than it is owed is listed as unvisited."""
    by_case = {h.case_id: h for h in homes}
    stop = timedelta(minutes=shift.stop_minutes)
    routes = []
    for unit, visits in zip(units, arrivals, strict=True):
        stops = []
        for case_id, visit, second in visits:
            at = shift.start + timedelta(seconds=second)
            stops.append(Stop(case_id, visit, by_case[case_id].place, at, at + stop))
        routes.append(Route(unit, tuple(stops)))
    done: dict[str, int] = {}
    for route in routes:
        for s in route.stops:
            done[s.case_id] = done.get(s.case_id, 0) + 1
    missing = [
        Unvisited(
            h.case_id,
            Reason.NOT_FITTED if not done.get(h.case_id) else Reason.SECOND_VISIT_NOT_FITTED,
        )
        for h in homes
        if done.get(h.case_id, 0) < h.visits
    ]
    return Plan(tuple(routes), tuple(sorted([*left_out, *missing], key=lambda u: u.case_id)))


def violations(
    plan: Plan, homes: Sequence[Home], shift: Shift, policy: PatrolPolicy, travel: TravelTimes
) -> list[str]:
    """Every rule the plan breaks (none: it is feasible): stops inside the shift and of
    the set length, travel never faster than `travel` allows, each unit back at its start
    by the shift's end, each home visited as often as its tier owes (or listed as
    unvisited) with the gap between visits, and no stop at a home not owed one."""
    wrong: list[str] = []
    stop = timedelta(minutes=shift.stop_minutes)
    for route in plan.routes:
        here, free = route.unit.start, shift.start
        for s in route.stops:
            if s.arrive_at < shift.start or s.depart_at > shift.end:
                wrong.append(f"{route.unit.name}: stop at {s.case_id} outside the shift")
            if s.depart_at - s.arrive_at != stop:
                wrong.append(f"{route.unit.name}: stop at {s.case_id} is not {stop}")
            if s.arrive_at < free + timedelta(seconds=travel.seconds(here, s.place)):
                wrong.append(f"{route.unit.name}: reaches {s.case_id} faster than the speed")
            here, free = s.place, s.depart_at
        back = free + timedelta(seconds=travel.seconds(here, route.unit.start))
        if back > shift.end:
            wrong.append(f"{route.unit.name}: back at its start after the shift's end")
    wrong.extend(_coverage(plan, homes, policy))
    return wrong


def _coverage(plan: Plan, homes: Sequence[Home], policy: PatrolPolicy) -> list[str]:
    wrong: list[str] = []
    by_case = {h.case_id: h for h in homes}
    listed = {u.case_id for u in plan.unvisited}
    arrivals: dict[str, list[datetime]] = {}
    for route in plan.routes:
        for s in route.stops:
            home = by_case.get(s.case_id)
            if home is None:
                wrong.append(f"stop at {s.case_id}, which is owed no visit")
            elif s.place != home.place:
                wrong.append(f"stop for {s.case_id} away from the home")
            arrivals.setdefault(s.case_id, []).append(s.arrive_at)
    gap = timedelta(minutes=policy.min_gap_minutes)
    for home in homes:
        times = sorted(arrivals.get(home.case_id, []))
        if len(times) > home.visits:
            wrong.append(f"{home.case_id}: {len(times)} visits, owed {home.visits}")
        if len(times) < home.visits and home.case_id not in listed:
            wrong.append(f"{home.case_id}: {len(times)} of {home.visits} visits, not listed")
        if len(times) >= home.visits and home.case_id in listed:
            wrong.append(f"{home.case_id}: visited as owed yet listed as unvisited")
        if any(b - a < gap for a, b in itertools.pairwise(times)):
            wrong.append(f"{home.case_id}: visits less than {gap} apart")
    return wrong


def missed(planned: Mapping[str, int], visited: Mapping[str, int]) -> list[str]:
    """The cases of a plan whose recorded visits fall short of their planned stops."""
    return sorted(c for c, n in planned.items() if visited.get(c, 0) < n)
