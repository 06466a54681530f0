"""The caseload through HTTP: agencies compared by cases per dedicated officer with the
officers each needs to reach the national average, officers' weighted loads, and moves
that stay inside one agency, skip pinned cases and apply through the assignment route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.stats.seed import GANGWON, SEOUL, account_id, national_shape, open_cases

URL = "/api/v1/stats/caseload"


def caseload(client: TestClient, token: str, **params: str) -> Any:
    """The caseload as `token` sees it (200 expected)."""
    r = client.get(URL, headers=auth(token), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_agencies_compared_as_the_national_assembly_did(
    client: TestClient, factory: Factory
) -> None:
    """135 cases per officer in Seoul and 46.5 in Gangwon; the national average is 228
    cases over 3 officers (76), so Seoul needs one more officer and Gangwon none; every
    suggestion moves a Gangwon case from its heavy officer to its light one."""
    shape = national_shape(client, factory)
    body = caseload(client, factory.token(Role.ANALYST, None))
    agencies = {a["agency"]: a for a in body["agencies"]}
    assert agencies[SEOUL] == {
        "agency": SEOUL,
        "officers": 1,
        "open_cases": 135,
        "cases_per_officer": 135.0,
        "tasks_overdue": 0,
        "officers_needed": 1,
    }
    assert agencies[GANGWON]["cases_per_officer"] == 46.5
    assert agencies[GANGWON]["officers_needed"] == 0
    assert body["national_cases_per_officer"] == 76.0
    loads = {o["officer_id"]: o for o in body["officers"]}
    # Not yet assessed: each case weighs as a medium one, 2 points.
    assert loads[shape.ids[shape.heavy]]["weighted_load"] == 160
    assert loads[shape.ids[shape.light]]["open_cases"] == 13
    assert loads[shape.ids[shape.seoul]]["weighted_load"] == 270
    moves = body["suggestions"]
    assert len(moves) == 10  # the pack's most per agency
    heavy_cases = set(shape.cases[shape.heavy])
    for m in moves:
        assert m["agency"] == GANGWON
        assert (m["from_officer_id"], m["to_officer_id"]) == (
            shape.ids[shape.heavy],
            shape.ids[shape.light],
        )
        assert m["case_id"] in heavy_cases
        assert "load points" in m["reason"]
    assert len({m["case_id"] for m in moves}) == len(moves)


def test_a_supervisor_sees_its_agency_and_applies_a_suggestion(
    client: TestClient, factory: Factory
) -> None:
    """The Gangwon supervisor's caseload is Gangwon's alone; officers_needed still
    measures against the nation; another agency is a 404; a suggestion applied with the
    assignment route moves the case."""
    shape = national_shape(client, factory)
    boss = factory.token(Role.SUPERVISOR, GANGWON)
    body = caseload(client, boss)
    assert [a["agency"] for a in body["agencies"]] == [GANGWON]
    assert {o["agency"] for o in body["officers"]} == {GANGWON}
    assert body["national_cases_per_officer"] == 76.0
    other = client.get(URL, headers=auth(boss), params={"agency": SEOUL})
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"
    assert caseload(client, boss, agency=GANGWON)["agencies"] == body["agencies"]
    move = body["suggestions"][0]
    r = client.post(
        f"/api/v1/cases/{move['case_id']}/assignments",
        headers=auth(boss),
        json={"officer_id": move["to_officer_id"], "replace": True},
    )
    assert r.status_code == 200, r.text
    after = {o["officer_id"]: o for o in caseload(client, boss)["officers"]}
    assert after[shape.ids[shape.heavy]]["open_cases"] == 79
    assert after[shape.ids[shape.light]]["open_cases"] == 14
    assert after[shape.ids[shape.light]]["weighted_load"] == move["to_load"] + move["points"]


def test_cases_with_an_open_alert_or_a_task_due_soon_stay_put(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Of three cases on one officer, the one with an open alert and the one with a task
    due in two hours are never suggested; the third is, to the officer with none."""
    heavy = factory.token(Role.OFFICER, GANGWON)
    light = factory.token(Role.OFFICER, GANGWON)
    alerted = factory.world(heavy)
    factory.contact(alerted.device_token, alerted.perpetrator_number)
    container.worker.run_once()
    due_soon, free = open_cases(factory, heavy, 2)
    soon = datetime.now(UTC) + timedelta(hours=2)
    factory.post(
        f"/api/v1/cases/{due_soon}/tasks", heavy, {"kind": "other", "due_at": soon.isoformat()}
    )
    body = caseload(client, factory.token(Role.SUPERVISOR, GANGWON))
    loads = {o["officer_id"]: o for o in body["officers"]}
    assert loads[account_id(client, heavy)]["tasks_due_7d"] >= 1
    assert [m["case_id"] for m in body["suggestions"]] == [free]
    assert body["suggestions"][0]["to_officer_id"] == account_id(client, light)
    assert alerted.case_id not in str(body["suggestions"])


def test_who_may_read_the_caseload_and_what_an_analyst_sees(
    client: TestClient, factory: Factory
) -> None:
    """Analysts, admins and supervisors read it; officers, dispatchers, the feed and the
    phone get 403. No victim's or perpetrator's name appears in an analyst's caseload."""
    w = factory.world(factory.token(Role.OFFICER, GANGWON))
    for role in (Role.ANALYST, Role.ADMIN, Role.SUPERVISOR):
        assert client.get(URL, headers=auth(factory.token(role, GANGWON))).status_code == 200
    for role in (Role.OFFICER, Role.DISPATCHER, Role.FEED):
        assert client.get(URL, headers=auth(factory.token(role, GANGWON))).status_code == 403
    assert client.get(URL, headers=auth(w.device_token)).status_code == 403
    assert client.get(URL).status_code == 401
    text = client.get(URL, headers=auth(factory.token(Role.ANALYST, None))).text
    for secret in ("김지은", "박가해", w.victim_number, w.perpetrator_number):
        assert secret not in text
    bad = client.get(URL, headers=auth(factory.token(Role.ANALYST, None)), params={"agency": ""})
    assert bad.status_code == 422
