"""A home whose planned stops went without a visit by the shift's end plus the grace: the
case's officer owes a `patrol_missed` task (written once, by the worker's pass or by the
next plan, whichever comes first), and the next plan covers that home first."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.patrols.messages import RecordMissedPatrols
from tests.factories import Factory, auth
from tests.integration.patrols.test_routes import home_case, shift_body, stops_by_case
from tests.integration.tasks.test_planner import tasks_of


def test_a_missed_home_owes_its_officer_a_task_and_leads_the_next_plan(
    client: TestClient, factory: Factory, container: Container, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    visited = home_case(factory, officer, "high", (37.5563, 126.9236))
    missed = home_case(factory, officer, "very_high", (37.5509, 126.9410))
    supervisor = factory.token(Role.SUPERVISOR)
    start = clock.now()
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(start, hours=4))
    stops = stops_by_case(plan)
    assert len(stops[missed.case_id]) == 2
    assert not any(s["missed_before"] for s in stops[missed.case_id])
    clock.advance(3600)
    url = f"/api/v1/patrol-plans/{plan['id']}/visits"
    body = {"case_id": visited.case_id, "visited_at": clock.now().isoformat()}
    factory.post(url, supervisor, body)
    # One of the two visits owed is recorded: the home still counts as missed.
    factory.post(url, supervisor, body | {"case_id": missed.case_id})

    clock.advance(3 * 3600 + 59 * 60)  # the shift is over, the grace not yet
    container.bus.handle(RecordMissedPatrols())
    assert all(t.kind != "patrol_missed" for t in tasks_of(container, missed.case_id))

    clock.advance(2 * 60)
    container.bus.handle(RecordMissedPatrols())
    container.bus.handle(RecordMissedPatrols())
    [task] = [t for t in tasks_of(container, missed.case_id) if t.kind == "patrol_missed"]
    assert task.key == f"patrol:{plan['id']}:{missed.case_id}"
    assert task.status == "open"
    assert task.owner_id is not None
    assert task.due_at == clock.now() + timedelta(hours=24)
    assert all(t.kind != "patrol_missed" for t in tasks_of(container, visited.case_id))
    shown = client.get(f"/api/v1/tasks?case_id={missed.case_id}", headers=auth(officer)).json()
    [item] = [x for x in shown["items"] if x["kind"] == "patrol_missed"]
    assert item["reason"].startswith("순찰 미방문")
    again = client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=auth(supervisor)).json()
    assert again["missed"] == [missed.case_id]

    following = factory.post(
        "/api/v1/patrol-plans", supervisor, shift_body(clock.now() + timedelta(hours=1))
    )
    after = stops_by_case(following)
    assert all(s["missed_before"] for s in after[missed.case_id])
    assert not any(s["missed_before"] for s in after[visited.case_id])


def test_the_next_plan_records_the_misses_when_the_worker_has_not(
    factory: Factory, container: Container, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    missed = home_case(factory, officer, "high", (37.5509, 126.9410))
    supervisor = factory.token(Role.SUPERVISOR)
    first = factory.post("/api/v1/patrol-plans", supervisor, shift_body(clock.now(), hours=2))
    clock.advance(4 * 3600)
    following = factory.post("/api/v1/patrol-plans", supervisor, shift_body(clock.now()))
    assert all(s["missed_before"] for s in stops_by_case(following)[missed.case_id])
    keys = [t.key for t in tasks_of(container, missed.case_id) if t.kind == "patrol_missed"]
    assert keys == [f"patrol:{first['id']}:{missed.case_id}"]
