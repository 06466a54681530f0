"""Patrol plans through HTTP: a supervisor plans the agency's shift around its high-risk
homes (very_high twice, 90 minutes apart; high once), reads it back, records visits; bad
shifts are 422s that store nothing, another agency's plans are 404s, reads are on the
access trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jikimi.audit.tables import AccessRecord
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.tx import reading
from jikimi.patrols.tables import PatrolPlan
from tests.factories import Factory, World, auth

STATION = {"lat": 37.5519, "lon": 126.9543}


def home_case(
    factory: Factory, officer: str, tier: str | None, home: tuple[float, float] | None
) -> World:
    """A case with an order in force, the victim's home at `home` (no position: None) and
    the latest risk tier overridden to `tier`."""
    w = factory.world(officer)
    address: dict[str, Any] = {"label": "home", "text": "서울 마포구"}
    if home is not None:
        address |= {"lat": home[0], "lon": home[1]}
    victim = factory.post(
        "/api/v1/people", officer, {"name": "피해자", "phones": [], "addresses": [address]}
    )
    perp = factory.post("/api/v1/people", officer, {"name": "가해자", "phones": []})
    case = factory.post(
        "/api/v1/cases",
        officer,
        {
            "victim_id": victim["id"],
            "perpetrator_id": perp["id"],
            "relationship": "former_partner",
            "offense": "stalking",
        },
    )
    now = datetime.now(UTC)
    factory.post(
        f"/api/v1/cases/{case['id']}/orders",
        officer,
        {
            "kind": "stalking.provisional.3",
            "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    if tier is not None:
        url = f"/api/v1/cases/{case['id']}/risk-assessments"
        assessment = factory.post(url, officer, {"answers": {}})
        factory.post(
            f"/api/v1/risk-assessments/{assessment['id']}/override",
            officer,
            {"tier": tier, "reason": "가해자 보복 예고 문자 확인"},
            200,
        )
    return World(officer, case["id"], victim["id"], perp["id"], "", "", "", w.device_token)


def shift_body(start: datetime, hours: float = 6, **extra: Any) -> dict[str, Any]:
    """A shift of the Mapo agency from `start`, one unit at the station."""
    return {
        "agency": "seoul-mapo",
        "shift_start": start.isoformat(),
        "shift_end": (start + timedelta(hours=hours)).isoformat(),
        "units": [{"name": "순찰1", "start": STATION}],
        "stop_minutes": 10,
        "speed_kmh": 30,
        "seed": 1,
        **extra,
    }


def plans_stored(c: Container) -> int:
    """How many plans the database holds."""
    with reading(c.read_sessions) as s:
        return int(s.scalar(select(func.count(PatrolPlan.id))) or 0)


def stops_by_case(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every stop of the plan, by case."""
    out: dict[str, list[dict[str, Any]]] = {}
    for route in plan["routes"]:
        for stop in route["stops"]:
            out.setdefault(stop["case_id"], []).append(stop)
    return out


def test_a_supervisor_plans_the_shift_around_the_high_risk_homes(
    client: TestClient, factory: Factory, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    very_high = home_case(factory, officer, "very_high", (37.5563, 126.9236))
    high = home_case(factory, officer, "high", (37.5509, 126.9410))
    medium = home_case(factory, officer, "medium", (37.5612, 126.9080))
    nowhere = home_case(factory, officer, "high", None)
    supervisor = factory.token(Role.SUPERVISOR)
    start = clock.now() + timedelta(hours=1)
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(start))

    assert set(plan) >= {"id", "routes", "unvisited"}
    [route] = plan["routes"]
    assert route["unit"] == "순찰1"
    stops = stops_by_case(plan)
    assert set(stops) == {very_high.case_id, high.case_id}
    assert medium.case_id not in stops
    first, second = sorted(datetime.fromisoformat(s["arrive_at"]) for s in stops[very_high.case_id])
    assert second - first >= timedelta(minutes=90)
    assert len(stops[high.case_id]) == 1
    stop = stops[high.case_id][0]
    assert set(stop) >= {"case_id", "lat", "lon", "arrive_at", "depart_at"}
    assert (stop["lat"], stop["lon"]) == (37.5509, 126.9410)
    arrive, depart = (datetime.fromisoformat(stop[k]) for k in ("arrive_at", "depart_at"))
    assert depart - arrive == timedelta(minutes=10)
    assert start <= arrive
    assert depart <= start + timedelta(hours=6)
    line = route["geojson"]["geometry"]
    assert line["type"] == "LineString"
    assert line["coordinates"][0] == line["coordinates"][-1] == [STATION["lon"], STATION["lat"]]
    assert len(line["coordinates"]) == len(route["stops"]) + 2
    assert plan["unvisited"] == [{"case_id": nowhere.case_id, "reason": "no_home_position"}]

    r = client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=auth(supervisor))
    assert r.status_code == 200
    assert r.json()["routes"] == plan["routes"]
    assert r.json()["visits"] == []


def test_the_plan_is_on_the_access_trail_with_the_victims(
    client: TestClient, factory: Factory, container: Container, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    case = home_case(factory, officer, "high", (37.5563, 126.9236))
    supervisor = factory.token(Role.SUPERVISOR)
    start = clock.now() + timedelta(hours=1)
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(start))
    client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=auth(supervisor))
    with reading(container.read_sessions) as s:
        q = select(AccessRecord).where(AccessRecord.resource == "patrol_plan")
        got = [(r.action, r.role, r.resource_id, set(r.subjects)) for r in s.scalars(q)]
    people = {case.victim_id, case.perpetrator_id}
    assert got == [
        ("create", "supervisor", plan["id"], people),
        ("read", "supervisor", plan["id"], people),
    ]


def test_another_agency_sees_nothing_and_plans_nothing_for_it(
    client: TestClient, factory: Factory, clock: FixedClock
) -> None:
    supervisor = factory.token(Role.SUPERVISOR)
    start = clock.now() + timedelta(hours=1)
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(start))
    busan = factory.token(Role.SUPERVISOR, agency="busan-haeundae")
    theirs = client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=auth(busan))
    missing = client.get(f"/api/v1/patrol-plans/{'0' * 32}", headers=auth(busan))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    r = client.post("/api/v1/patrol-plans", json=shift_body(start), headers=auth(busan))
    assert r.status_code == 404
    officer = factory.token(Role.OFFICER)
    r = client.post("/api/v1/patrol-plans", json=shift_body(start), headers=auth(officer))
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"hours": -1}, "shift_end"),
        ({"hours": 0}, "shift_end"),
        ({"hours": 25}, "24 hours"),
        ({"units": []}, "units"),
        ({"stop_minutes": 99}, "stop_minutes"),
        ({"speed_kmh": 0}, "speed_kmh"),
        ({"shift_start": "2026-03-01T21:00:00"}, "shift_start"),
        ({"units": [{"name": "순찰1", "start": {"lat": 95, "lon": 126.9}}]}, "lat"),
    ],
)
def test_a_bad_shift_is_a_422_that_stores_nothing(
    client: TestClient,
    factory: Factory,
    container: Container,
    clock: FixedClock,
    change: dict[str, Any],
    named: str,
) -> None:
    supervisor = factory.token(Role.SUPERVISOR)
    fields = dict(change)  # the parameters are shared by both databases' runs
    hours = fields.pop("hours", 6)
    body = shift_body(clock.now(), hours) | fields
    r = client.post("/api/v1/patrol-plans", json=body, headers=auth(supervisor))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert named in r.text
    assert plans_stored(container) == 0


def test_visits_are_recorded_for_the_plans_homes_within_the_shift(
    client: TestClient, factory: Factory, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    case = home_case(factory, officer, "high", (37.5563, 126.9236))
    other = home_case(factory, officer, None, (37.5509, 126.9410))
    supervisor = factory.token(Role.SUPERVISOR)
    start = clock.now() - timedelta(hours=1)
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(start))
    url = f"/api/v1/patrol-plans/{plan['id']}/visits"
    body = {"case_id": case.case_id, "visited_at": clock.now().isoformat(), "note": "이상 없음"}
    visit = factory.post(url, supervisor, body)
    assert visit["case_id"] == case.case_id
    assert visit["note"] == "이상 없음"
    for bad in (
        {"case_id": other.case_id},
        {"visited_at": (start - timedelta(minutes=1)).isoformat()},
        {"visited_at": (clock.now() + timedelta(hours=1)).isoformat()},
    ):
        r = client.post(url, json=body | bad, headers=auth(supervisor))
        assert r.status_code == 422, (bad, r.text)
    shown = client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=auth(supervisor)).json()
    assert [v["id"] for v in shown["visits"]] == [visit["id"]]
