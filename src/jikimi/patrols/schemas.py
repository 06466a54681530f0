"""Patrol plans on the wire, and the rendering of a stored plan into them (routes as
GeoJSON LineStrings, [lon, lat] as GeoJSON orders them)."""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import Field, StrictInt, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict
from jikimi.patrols.rules import Point, Reason, metres
from jikimi.patrols.tables import PatrolPlan, PatrolStop, PatrolVisit


class PointIn(Strict):
    """A WGS84 position."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class UnitIn(Strict):
    """A patrol car: its name and where it starts and ends the shift."""

    name: StrictStr = Field(min_length=1, max_length=40)
    start: PointIn


class PlanCreate(Strict):
    """A shift to plan: at most 24 hours, at least one unit."""

    agency: StrictStr = Field(min_length=1, max_length=100)
    shift_start: Moment
    shift_end: Moment
    units: list[UnitIn] = Field(min_length=1, max_length=50)
    stop_minutes: StrictInt | None = Field(None, description="default from the pack (10)")
    speed_kmh: float = Field(30, ge=5, le=130)
    seed: StrictInt = Field(0, ge=0, le=2**31 - 1)


class VisitCreate(Strict):
    """A visit a unit made to a home of the plan."""

    case_id: StrictStr = Field(min_length=1, max_length=64)
    visited_at: Moment
    note: StrictStr | None = Field(None, max_length=4000)


class PointOut(Out):
    """A position."""

    lat: float
    lon: float


class StopRead(Out):
    """A planned visit: `visit` 2 is a very_high home's second."""

    case_id: str
    visit: int
    tier: str
    missed_before: bool
    lat: float
    lon: float
    arrive_at: str
    depart_at: str


class RouteRead(Out):
    """A unit's stops in order, its straight-line distance and the route as GeoJSON."""

    unit: str
    start: PointOut
    stops: list[StopRead]
    distance_m: int
    geojson: dict[str, Any]


class UnvisitedRead(Out):
    """A home left out, or visited fewer times than owed."""

    case_id: str
    reason: Reason


class VisitRead(Out):
    """A recorded visit."""

    id: str
    plan_id: str
    case_id: str
    visited_at: str
    note: str | None
    recorded_by: str | None


class PlanRead(Out):
    """A stored plan."""

    id: str
    agency: str
    shift_start: str
    shift_end: str
    stop_minutes: int
    speed_kmh: float
    seed: int
    created_at: str
    solve_ms: int
    routes: list[RouteRead]
    unvisited: list[UnvisitedRead]
    visits: list[VisitRead]
    missed: list[str] | None


def visit_json(v: PatrolVisit) -> dict[str, Any]:
    """A visit as the API shows it."""
    return {
        "id": v.id,
        "plan_id": v.plan_id,
        "case_id": v.case_id,
        "visited_at": iso(v.visited_at),
        "note": v.note,
        "recorded_by": v.recorded_by,
    }


def _route(unit: dict[str, Any], stops: list[PatrolStop]) -> dict[str, Any]:
    start = Point(unit["lat"], unit["lon"])
    places = [Point(s.lat, s.lon) for s in stops]
    path = [start, *places, start]
    distance = sum(metres(a, b) for a, b in itertools.pairwise(path))
    return {
        "unit": unit["name"],
        "start": {"lat": start.lat, "lon": start.lon},
        "stops": [
            {
                "case_id": s.case_id,
                "visit": s.visit,
                "tier": s.tier,
                "missed_before": s.missed_before,
                "lat": at.lat,
                "lon": at.lon,
                "arrive_at": iso(s.arrive_at),
                "depart_at": iso(s.depart_at),
            }
            for s, at in zip(stops, places, strict=True)
        ],
        "distance_m": round(distance),
        "geojson": {
            "type": "Feature",
            "properties": {"unit": unit["name"]},
            "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in path]},
        },
    }


def plan_json(
    plan: PatrolPlan, stops: list[PatrolStop], visits: list[PatrolVisit]
) -> dict[str, Any]:
    """A plan as the API shows it: its routes with their stops, the homes left out, the
    visits recorded and, once known, the cases missed."""
    by_unit: dict[int, list[PatrolStop]] = {i: [] for i in range(len(plan.units))}
    for s in stops:
        by_unit[s.unit].append(s)
    return {
        "id": plan.id,
        "agency": plan.agency,
        "shift_start": iso(plan.shift_start),
        "shift_end": iso(plan.shift_end),
        "stop_minutes": plan.stop_minutes,
        "speed_kmh": plan.speed_kmh,
        "seed": plan.seed,
        "created_at": iso(plan.created_at),
        "solve_ms": plan.solve_ms,
        "routes": [_route(u, by_unit[i]) for i, u in enumerate(plan.units)],
        "unvisited": list(plan.unvisited),
        "visits": [visit_json(v) for v in visits],
        "missed": plan.missed,
    }
