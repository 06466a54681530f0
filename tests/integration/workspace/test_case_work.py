"""The case page's work through HTTP: safety measures (with their limits shown first),
enrolling a smartwatch, closing a case, assigning an officer picked from the agency's,
task rows that name the victim (on the access trail), and the pages in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, World, auth
from tests.integration.workspace.test_routes import last_n, trail_since

EN = {"X-Jikimi-Lang": "en"}


@pytest.fixture
def world_(factory: Factory) -> World:
    """A case with an order in force and the victim's phone."""
    return factory.world()


def kst_input(at: datetime) -> str:
    """A `datetime-local` value in Korean time, as the browser sends it."""
    return (at + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M")


def test_a_smartwatch_is_put_in_place_extended_and_ended(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    h = auth(w.officer)
    now = datetime.now(UTC)
    limit = client.get("/console/work/measure-kinds", params={"kind": "smartwatch"}, headers=h)
    assert "스마트워치 지급" in limit.text
    assert "최대 30일" in limit.text
    assert "연장 1회 30일 이내" in limit.text
    too_long = {
        "kind": "smartwatch",
        "starts_at": kst_input(now),
        "ends_at": kst_input(now + timedelta(days=40)),
    }
    r = client.post(f"/console/work/cases/{w.case_id}/measures", json=too_long, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"] == "smartwatch lasts at most 30 day(s)"
    body = {
        **too_long,
        "ends_at": kst_input(now + timedelta(days=20)),
        "provider": "마포구청",
        "serial": "SW-0042",
        "note": "",
    }
    r = client.post(f"/console/work/cases/{w.case_id}/measures", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.headers["HX-Trigger"] == "workspace-changed"
    [m] = client.get(f"/api/v1/cases/{w.case_id}/safety-measures", headers=h).json()["items"]
    assert (m["provider"], m["serial"], m["note"], m["status"]) == (
        "마포구청",
        "SW-0042",
        None,
        "active",
    )

    page = client.get(f"/console/work/cases/{w.case_id}/measures", headers=h)
    assert page.status_code == 200
    for text in ("스마트워치 지급", "시행 중", "SW-0042", "최대 30일", "안전조치 등록"):
        assert text in page.text, text
    assert 'data-kind="smartwatch"' in page.text

    extend = {"ends_at": kst_input(now + timedelta(days=45))}
    r = client.post(f"/console/work/measures/{m['id']}/extensions", json=extend, headers=h)
    assert r.status_code == 200, r.text
    r = client.post(f"/console/work/measures/{m['id']}/end", json={"reason": "반납"}, headers=h)
    assert r.status_code == 200, r.text
    again = client.post(f"/console/work/measures/{m['id']}/end", json={"reason": "x"}, headers=h)
    assert again.status_code == 409
    page = client.get(f"/console/work/cases/{w.case_id}/measures", headers=h).text
    assert "연장 1회" in page
    assert "종료" in page
    assert "반납" in page

    supervisor = client.get(
        f"/console/work/cases/{w.case_id}/measures", headers=auth(factory.token(Role.SUPERVISOR))
    )
    assert "SW-0042" in supervisor.text
    assert "안전조치 등록" not in supervisor.text  # putting one in place is an officer's


def test_the_measures_read_is_on_the_trail_as_the_apis(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    h = auth(w.officer)
    n = last_n(container)
    client.get(f"/api/v1/cases/{w.case_id}/safety-measures", headers=h)
    api = trail_since(container, n)
    n = last_n(container)
    client.get(f"/console/work/cases/{w.case_id}/measures", headers=h)
    assert trail_since(container, n) == api


def test_a_smartwatch_is_enrolled_like_the_phone(client: TestClient, world_: World) -> None:
    h = auth(world_.officer)
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=h).text
    assert '<option value="smartwatch">스마트워치</option>' in page
    r = client.post(
        f"/console/work/cases/{world_.case_id}/devices", json={"kind": "smartwatch"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert 'data-kind="smartwatch"' in r.text
    assert 'src="data:image/svg+xml;base64,' in r.text
    token = re.search(r'data-testid="enrol-token">([^<]+)<', r.text)
    assert token is not None
    assert token.group(1).startswith("jk_")
    devices = client.get(f"/api/v1/cases/{world_.case_id}", headers=h).json()["devices"]
    assert sorted(d["kind"] for d in devices) == ["smartwatch", "victim_phone"]
    anklet = client.post(
        f"/console/work/cases/{world_.case_id}/devices", json={"kind": "anklet"}, headers=h
    )
    assert anklet.status_code == 422


def test_closing_says_why_not_then_closes(client: TestClient, world_: World) -> None:
    h = auth(world_.officer)
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=h).text
    assert 'data-testid="close-case"' in page
    r = client.post(
        f"/console/work/cases/{world_.case_id}/close", json={"reason": "보호 종료"}, headers=h
    )
    assert r.status_code == 409
    assert "order" in r.json()["detail"]
    client.post(f"/api/v1/orders/{world_.order_id}/revoke", json={"reason": "취하"}, headers=h)
    r = client.post(
        f"/console/work/cases/{world_.case_id}/close", json={"reason": "보호 종료"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert "사건을 종결했습니다." in r.text
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=h).text
    assert 'data-status="closed"' in page
    assert 'data-testid="close-case"' not in page


def test_a_supervisor_assigns_an_officer_picked_from_the_agencys(
    client: TestClient, factory: Factory, world_: World
) -> None:
    supervisor = auth(factory.token(Role.SUPERVISOR))
    factory.token(Role.OFFICER, name="이경사")
    factory.token(Role.OFFICER, "busan-haeundae", name="부산경찰")
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=supervisor).text
    options = dict(
        (name, value)
        for value, name in re.findall(r'<option value="(\w+)"[^>]*>([^<(]+)', page)
        if value
    )
    assert "이경사" in options
    assert "부산경찰" not in options
    r = client.post(
        f"/console/work/cases/{world_.case_id}/assignments",
        json={"officer_id": options["이경사"], "replace": ""},
        headers=supervisor,
    )
    assert r.status_code == 200, r.text
    case = client.get(f"/api/v1/cases/{world_.case_id}", headers=supervisor).json()
    assert options["이경사"] in case["officer_ids"]
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=supervisor).text
    assert "이경사 (담당 중)" in page
    title = re.search(r'data-testid="case-officers">(.*?)</span>\n', page, re.S)
    assert title is not None
    assert "이경사" in title.group(1)


def test_task_rows_name_the_victim_and_the_read_is_on_the_trail(
    client: TestClient, factory: Factory, container: Container, world_: World
) -> None:
    h = auth(world_.officer)
    due = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    factory.post(
        f"/api/v1/cases/{world_.case_id}/tasks", world_.officer, {"kind": "other", "due_at": due}
    )
    n = last_n(container)
    page = client.get("/console/work/tasks", headers=h).text
    assert '<span class="strong" data-testid="task-victim">김지은</span>' in page
    trail = trail_since(container, n)
    people = sorted([world_.victim_id, world_.perpetrator_id])
    assert ("read", "case_list", None, people) in trail


def test_the_pages_in_english(client: TestClient, factory: Factory, world_: World) -> None:
    h = {**auth(world_.officer), **EN}
    cases = client.get("/console/work/cases", headers=h)
    assert "My cases" in cases.text
    assert "내 사건" not in cases.text
    assert cases.headers["Vary"] == "X-Jikimi-Lang"
    page = client.get(f"/console/work/cases/{world_.case_id}", headers=h).text
    for text in ("Safety measures", "Close case", "Victim&#39;s phone", "at most 3 months"):
        assert text in page, text
    assert "김지은" in page  # names stay as they are
    measures = client.get(f"/console/work/cases/{world_.case_id}/measures", headers=h).text
    assert "Put a measure in place" in measures
    assert "at most 14 days" in measures
    tasks = client.get("/console/work/tasks", headers=h).text
    assert "Overdue" in tasks
    assert "Next 7 days" in tasks
    r = client.post(f"/console/work/cases/{world_.case_id}/risk-assessments", json={}, headers=h)
    assert "Risk assessment recorded." in r.text
    korean = client.get(
        "/console/work/cases", headers={**auth(world_.officer), "X-Jikimi-Lang": "fr"}
    )
    assert "내 사건" in korean.text  # anything but en is Korean
