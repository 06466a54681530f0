"""The supervisors' patrol planner: choose the units (name and start point, the agency's
station by default) and the shift, see each unit's route on the map with its numbered
stops in Korean time, and print one sheet per unit; through the patrols' service, as the
JSON API (the same need-to-know, 404s and access trail)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from jikimi.core.errors import Invalid
from jikimi.http.deps import ContainerDep, Supervisor
from jikimi.patrols.rules import Station, policy_from
from jikimi.patrols.schemas import PlanCreate, VisitCreate
from jikimi.patrols.service import PatrolReading, PatrolWork
from jikimi.workspace.forms import Form, Short, moment, parsed
from jikimi.workspace.labels import text
from jikimi.workspace.pages import SEOUL, Lang, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)
UNIT_ROWS = 4  # the form's unit rows; a row without a name is left out
NIGHT = (time(22, 0), timedelta(hours=8))  # the form's default shift: 22:00-06:00 KST


class PatrolForm(Form):
    """A shift to plan, as the form sends it (unit rows `unit{n}_name`, `_lat`, `_lon`)."""

    model_config = Form.model_config | {"extra": "allow"}
    shift_start: Short
    shift_end: Short
    stop_minutes: Short = ""
    speed_kmh: Short = ""
    seed: Short = ""


def _number(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise Invalid(f"{name}: a number is required") from None


def units_of(form: PatrolForm) -> list[dict[str, Any]]:
    """The named unit rows as the API's units."""
    extra = {k: str(v).strip() for k, v in (form.model_extra or {}).items()}
    allowed = {f"unit{i}_{f}" for i in range(1, UNIT_ROWS + 1) for f in ("name", "lat", "lon")}
    if unknown := sorted(set(extra) - allowed):
        raise Invalid(f"unknown fields: {', '.join(unknown)}")
    units = []
    for i in range(1, UNIT_ROWS + 1):
        name = extra.get(f"unit{i}_name", "")
        if not name:
            continue
        lat = _number(f"unit{i}_lat", extra.get(f"unit{i}_lat", ""))
        lon = _number(f"unit{i}_lon", extra.get(f"unit{i}_lon", ""))
        units.append({"name": name, "start": {"lat": lat, "lon": lon}})
    return units


def _station(c: ContainerDep, agency: str | None) -> Station | None:
    return policy_from(c.pack.patrol).stations.get(agency or "")


class VisitForm(Form):
    """A visit a unit reports from its sheet: the home's case, now unless a time is given."""

    case_id: Short
    visited_at: Short = ""


def visits_by_case(plan: dict[str, Any]) -> dict[str, list[str]]:
    """The plan's recorded visits, each case's times in order: a stop's n-th visit is
    recorded when its case has n of them."""
    out: dict[str, list[str]] = {}
    for v in plan.get("visits", ()):
        out.setdefault(v["case_id"], []).append(v["visited_at"])
    return {case_id: sorted(times) for case_id, times in out.items()}


def _plan_page(lang: str, plan: dict[str, Any]) -> HTMLResponse:
    return render(
        "patrol_plan.html",
        lang,
        plan=plan,
        plan_json=json.dumps(plan),
        visited=visits_by_case(plan),
    )


@router.get("/patrols", response_class=HTMLResponse)
def planner(p: Supervisor, c: ContainerDep, lang: Lang) -> HTMLResponse:
    """The planner's form: tonight's shift, one unit at the agency's station."""
    today = c.clock.now().astimezone(SEOUL).date()
    start = datetime.combine(today, NIGHT[0], SEOUL)
    policy = policy_from(c.pack.patrol)
    return render(
        "patrols.html",
        lang,
        start=start,
        end=start + NIGHT[1],
        seed=int(today.strftime("%Y%m%d")),
        stop=policy.stop_minutes,
        station=_station(c, p.agency),
        rows=range(1, UNIT_ROWS + 1),
        **who(p),
    )


@router.post("/patrols", response_class=HTMLResponse)
def make_plan(body: PatrolForm, p: Supervisor, work: PatrolWork, lang: Lang) -> HTMLResponse:
    """Plan the shift; a bad shift is a 422 naming the field, as the API's."""
    tz = work.c.pack.tz
    fields: dict[str, Any] = {
        "agency": p.agency or "",
        "shift_start": moment("shift_start", body.shift_start, tz),
        "shift_end": moment("shift_end", body.shift_end, tz),
        "units": units_of(body),
    }
    if body.stop_minutes:
        fields["stop_minutes"] = int(_number("stop_minutes", body.stop_minutes))
    if body.speed_kmh:
        fields["speed_kmh"] = _number("speed_kmh", body.speed_kmh)
    if body.seed:
        fields["seed"] = int(_number("seed", body.seed))
    return _plan_page(lang, work.create(p, parsed(PlanCreate, **fields)))


@router.get("/patrols/{plan_id}", response_class=HTMLResponse)
def show_plan(plan_id: str, p: Supervisor, work: PatrolReading, lang: Lang) -> HTMLResponse:
    """A stored plan: the map and the units' sheets."""
    return _plan_page(lang, work.get(p, plan_id))


@router.post("/patrols/{plan_id}/visits", response_class=HTMLResponse)
def record_visit(
    plan_id: str, body: VisitForm, p: Supervisor, work: PatrolWork, lang: Lang
) -> HTMLResponse:
    """Record a unit's visit from its sheet; the answer replaces the stop's button."""
    tz = work.c.pack.tz
    at = moment("visited_at", body.visited_at, tz) if body.visited_at else work.c.clock.now()
    visit = work.visit(p, plan_id, parsed(VisitCreate, case_id=body.case_id, visited_at=at))
    when = datetime.fromisoformat(visit["visited_at"]).astimezone(SEOUL)
    return HTMLResponse(
        f'<span class="saved" data-testid="patrol-visited">'
        f"{text(lang, '방문 {at}', at=when.strftime('%H:%M'))}</span>"
    )
