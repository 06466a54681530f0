"""The workspace's HTML routes through HTTP: who may call each (401, 403), what is not
the caller's (404), what each page shows to whom, and the access trail they leave, which
must be the JSON API's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi.app import route_roles
from jikimi.audit import tables as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from jikimi.tasks.messages import PlanTasks
from jikimi.workspace.feature import FEATURE
from tests.factories import Factory, World, auth
from tests.integration.http.test_role_matrix import a_support_application
from tests.integration.referrals.helpers import CENTRE, referral_of

LATER = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
NOW = datetime.now(UTC).isoformat()
BODIES: dict[str, dict[str, Any]] = {
    "/console/work/tasks/{task_id}/complete": {"outcome": "done", "note": ""},
    "/console/work/cases/{case_id}/assignments": {"officer_id": "0" * 32},
    "/console/work/cases/{case_id}/orders": {
        "kind": "stalking.provisional.3",
        "starts_at": NOW,
        "ends_at": LATER,
    },
    "/console/work/orders/{order_id}/extensions": {"ends_at": LATER},
    "/console/work/orders/{order_id}/revoke": {"reason": "test"},
    "/console/work/cases/{case_id}/devices": {},
    "/console/work/cases/{case_id}/risk-assessments": {"threat_to_kill": "yes"},
    "/console/work/cases/{case_id}/decisions": {"kind": "released_on_bail", "decided_at": NOW},
    "/console/work/cases/{case_id}/tasks": {"kind": "other", "due_at": LATER},
    "/console/work/cases/{case_id}/close": {"reason": "test"},
    "/console/work/cases/{case_id}/measures": {
        "kind": "patrol",
        "starts_at": NOW,
        "ends_at": LATER,
    },
    "/console/work/measures/{measure_id}/extensions": {"ends_at": LATER},
    "/console/work/measures/{measure_id}/end": {"reason": "test"},
    "/console/work/cases/{case_id}/consents": {
        "recipient": CENTRE,
        "shares": ["contact"],
        "expires_at": LATER,
    },
    "/console/work/consents/{consent_id}/withdraw": {},
    "/console/work/cases/{case_id}/referrals": {"centre": CENTRE, "reason": "test"},
    "/console/centre/referrals/{referral_id}/accept": {},
    "/console/centre/referrals/{referral_id}/decline": {"reason": "test"},
    "/console/centre/referrals/{referral_id}/notes": {"kind": "contact", "text": "test"},
    "/console/work/cases/{case_id}/support": {
        "kind": "living",
        "amount_krw": "100000",
        "reason": "test",
    },
    "/console/work/support/{application_id}/decision": {
        "decision": "approve",
        "amount_krw": "100000",
        "reason": "test",
    },
    "/console/work/support/{application_id}/payments": {"amount_krw": "1", "paid_at": NOW},
    "/console/work/patrols/{plan_id}/visits": {"case_id": "0" * 32},
    "/console/work/patrols": {
        "shift_start": LATER,
        "shift_end": (datetime.now(UTC) + timedelta(days=3, hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "unit1_name": "순찰1",
        "unit1_lat": "37.5519",
        "unit1_lon": "126.9543",
    },
}


PLAN = {
    "agency": "seoul-mapo",
    "shift_start": NOW,
    "shift_end": (datetime.now(UTC) + timedelta(hours=8)).isoformat(),
    "units": [{"name": "순찰1", "start": {"lat": 37.5519, "lon": 126.9543}}],
}
SHELLS = ("/console/work", "/console/centre")


def routes(role: Role | None = None) -> list[tuple[str, str]]:
    """(method, path) of every workspace route but the public shells (with `role`: those
    it may not call)."""
    out = [
        (m, r.path)
        for router in FEATURE.routers
        for r in router.routes
        if isinstance(r, APIRoute) and r.path not in SHELLS
        if role is None or role not in (route_roles(r) or ())
        for m in sorted(r.methods)
    ]
    assert len(out) >= 14, "the route walk found too few routes"
    return out


def call(client: TestClient, method: str, path: str, token: str | None, ids: dict[str, str]) -> Any:
    """Call a route with its ids filled in and a valid body."""
    url = path.format(**ids)
    headers = auth(token) if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, json=BODIES[path], headers=headers)


@pytest.fixture
def world(factory: Factory, container: Container) -> World:
    """A case with an order, a phone, a safety measure, a task to complete and a referral
    under consent."""
    factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    referral_of(factory, w)
    a_support_application(factory, w.officer, w.case_id)
    factory.post(
        f"/api/v1/cases/{w.case_id}/tasks",
        w.officer,
        {"kind": "other", "due_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
    )
    factory.post(
        f"/api/v1/cases/{w.case_id}/safety-measures",
        w.officer,
        {
            "kind": "smartwatch",
            "starts_at": NOW,
            "ends_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        },
    )
    container.bus.handle(PlanTasks())
    return w


def ids_of(client: TestClient, w: World) -> dict[str, str]:
    """The ids the routes' paths take, of `w`'s case."""
    h = auth(w.officer)
    r = client.get("/api/v1/tasks", params={"case_id": w.case_id}, headers=h)
    m = client.get(f"/api/v1/cases/{w.case_id}/safety-measures", headers=h)
    c = client.get(f"/api/v1/cases/{w.case_id}/consents", headers=h)
    referrals = client.get(f"/api/v1/cases/{w.case_id}/referrals", headers=h)
    support = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=h)
    supervisor = auth(Factory(client, client.app.state.container).token(Role.SUPERVISOR))
    plan = client.post("/api/v1/patrol-plans", json=PLAN, headers=supervisor)
    return {
        "application_id": support.json()["items"][0]["id"],
        "consent_id": c.json()["items"][0]["id"],
        "referral_id": referrals.json()["items"][0]["id"],
        "plan_id": plan.json()["id"],
        "case_id": w.case_id,
        "order_id": w.order_id,
        "task_id": r.json()["items"][0]["id"],
        "measure_id": m.json()["items"][0]["id"],
    }


def test_the_shell_is_public_and_loads_htmx_from_the_package(client: TestClient) -> None:
    r = client.get("/console/work")
    assert r.status_code == 200
    assert "/static/vendor/htmx/htmx.min.js" in r.text
    assert "https://" not in r.text  # nothing from elsewhere
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/vendor/htmx/json-enc.js").status_code == 200


def test_every_route_refuses_without_a_token(client: TestClient, world: World) -> None:
    ids = ids_of(client, world)
    for method, path in routes():
        r = call(client, method, path, None, ids)
        assert r.status_code == 401, (method, path, r.text)


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.ANALYST, Role.DEVICE])
def test_every_route_refuses_other_roles(
    client: TestClient, factory: Factory, world: World, role: Role
) -> None:
    token = world.device_token if role is Role.DEVICE else factory.token(role)
    ids = ids_of(client, world)
    for method, path in routes(role):
        r = call(client, method, path, token, ids)
        assert r.status_code == 403, (method, path, r.text)


def test_another_agencys_case_is_not_found(
    client: TestClient, factory: Factory, world: World
) -> None:
    ids = ids_of(client, world)
    for role in (Role.OFFICER, Role.SUPERVISOR):
        stranger = factory.token(role, agency="busan-haeundae")
        for method, path in routes():
            if "{" not in path:
                continue
            r = call(client, method, path, stranger, ids)
            if r.status_code == 403:  # the route is the other role's
                continue
            assert r.status_code == 404, (role, method, path, r.text)
            assert r.json()["detail"] == "not found"
            assert "김지은" not in r.text


def test_the_pages_show_the_victim_to_her_officer_only(
    client: TestClient, factory: Factory, world: World
) -> None:
    mine = auth(world.officer)
    cases = client.get("/console/work/cases", headers=mine)
    assert cases.status_code == 200
    assert cases.headers["content-type"].startswith("text/html")
    assert "김지은" in cases.text
    page = client.get(f"/console/work/cases/{world.case_id}", headers=mine)
    assert page.status_code == 200
    for text in ("김지은", "박가해", "전기통신 접근금지", "최대 3개월", "피해자 휴대전화"):
        assert text in page.text, text
    tasks = client.get("/console/work/tasks", headers=mine)
    assert "기한 경과" in tasks.text
    assert 'data-kind="other"' in tasks.text

    colleague = auth(factory.token(Role.OFFICER))  # same agency, not assigned
    assert "김지은" not in client.get("/console/work/cases", headers=colleague).text
    assert client.get(f"/console/work/cases/{world.case_id}", headers=colleague).status_code == 404

    supervisor = auth(factory.token(Role.SUPERVISOR))
    assert "김지은" in client.get("/console/work/cases", headers=supervisor).text
    page = client.get(f"/console/work/cases/{world.case_id}", headers=supervisor)
    assert "담당 배정" in page.text
    polled = client.get("/console/work/tasks", headers=supervisor).text
    assert 'hx-get="/console/work/tasks/escalated" hx-trigger="load, every 60s"' in polled
    assert "escalated" not in client.get("/console/work/tasks", headers=mine).text
    assert "조치 등록" not in page.text  # recording orders is an officer's


def test_search_finds_the_case_by_a_phone_number_typed_any_way(
    client: TestClient, factory: Factory
) -> None:
    officer = factory.token(Role.OFFICER)
    w = factory.world(officer)
    other = factory.person(officer, "최다른")
    factory.post(
        "/api/v1/cases",
        officer,
        {
            "victim_id": other["id"],
            "perpetrator_id": w.perpetrator_id,
            "relationship": "stranger",
            "offense": "other",
        },
    )
    digits = w.victim_number.removeprefix("+82")
    typed = f"0{digits[:2]} {digits[2:6]} {digits[6:]}"
    r = client.get(
        "/console/work/cases", params={"q": typed, "rows": "true"}, headers=auth(officer)
    )
    assert r.status_code == 200
    assert "김지은" in r.text
    assert "최다른" not in r.text
    assert "<table" not in r.text  # the rows alone
    tier = client.get("/console/work/cases", params={"tier": "bad"}, headers=auth(officer))
    assert tier.status_code == 422


def trail_since(container: Container, n: int) -> list[tuple[str, str, str | None, list[str]]]:
    """(action, resource, resource id, subjects) of the access records after `n`."""
    with reading(container.read_sessions) as s:
        rows = s.scalars(select(t.AccessRecord).where(t.AccessRecord.n > n)).all()
        return [(r.action, r.resource, r.resource_id, sorted(r.subjects)) for r in rows]


def last_n(container: Container) -> int:
    """The newest access record's number."""
    with reading(container.read_sessions) as s:
        rows = s.scalars(select(t.AccessRecord.n).order_by(t.AccessRecord.n.desc())).first()
        return rows or 0


def test_the_pages_leave_the_access_trail_the_api_does(
    client: TestClient, container: Container, world: World
) -> None:
    h = auth(world.officer)
    case = world.case_id

    def trail_of(*paths: str) -> list[tuple[str, str, str | None, list[str]]]:
        n = last_n(container)
        for path in paths:
            assert client.get(path, headers=h).status_code == 200, path
        return trail_since(container, n)

    api = trail_of(
        f"/api/v1/cases/{case}",
        f"/api/v1/cases/{case}/risk-assessments",
        f"/api/v1/tasks?case_id={case}&mine=false",
        f"/api/v1/alerts?case_id={case}",
    )
    page = trail_of(f"/console/work/cases/{case}")
    for record in api:
        assert record in page, record
    assert ("read", "decisions", case, api[0][3]) in page

    assert trail_of("/console/work/cases") == trail_of("/api/v1/cases")


def test_a_call_not_reached_is_retried_on_the_task_page(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=30, hours=1))
    container.bus.handle(PlanTasks())
    h = auth(w.officer)
    [call_] = client.get("/api/v1/tasks?status=open", headers=h).json()["items"]
    r = client.post(
        f"/console/work/tasks/{call_['id']}/complete",
        json={"outcome": "not_reached", "note": "받지 않음"},
        headers=h,
    )
    assert r.status_code == 200
    assert r.headers["HX-Trigger"] == "workspace-changed"
    again = client.post(
        f"/console/work/tasks/{call_['id']}/complete", json={"outcome": "done"}, headers=h
    )
    assert again.status_code == 409
    page = client.get("/console/work/tasks", headers=h).text
    assert "재시도" in page


def test_an_order_beyond_the_statute_is_refused_naming_the_limit(
    client: TestClient, world: World
) -> None:
    h = auth(world.officer)
    r = client.post(
        f"/console/work/cases/{world.case_id}/orders",
        json={
            "kind": "stalking.provisional.3",
            "starts_at": "2026-03-01T09:00",
            "ends_at": "2027-03-01T09:00",
        },
        headers=h,
    )
    assert r.status_code == 422
    assert "3 month" in r.json()["detail"]
    ok = client.post(
        f"/console/work/cases/{world.case_id}/orders",
        json={
            "kind": "stalking.provisional.3",
            "starts_at": "2026-03-01T09:00",
            "ends_at": "2026-04-01T09:00",
            "court_ref": "2026즈기1",
        },
        headers=h,
    )
    assert ok.status_code == 200, ok.text
    orders = client.get(f"/api/v1/cases/{world.case_id}", headers=h).json()["orders"]
    new = next(o for o in orders if o["court_ref"] == "2026즈기1")
    # A datetime-local value is Korean time: 09:00 in Seoul is 00:00 UTC.
    assert new["starts_at"] == "2026-03-01T00:00:00Z"


def test_enrolling_the_phone_shows_its_code_and_token_once(
    client: TestClient, world: World
) -> None:
    h = auth(world.officer)
    r = client.post(f"/console/work/cases/{world.case_id}/devices", json={}, headers=h)
    assert r.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in r.text
    token = re.search(r'data-testid="enrol-token">([^<]+)<', r.text)
    assert token is not None
    assert token.group(1).startswith("jk_")
    page = client.get(f"/console/work/cases/{world.case_id}", headers=h).text
    assert "data:image/svg+xml" not in page
    assert token.group(1) not in page


def test_a_risk_assessment_and_a_decision_appear_on_the_case_page(
    client: TestClient, world: World
) -> None:
    h = auth(world.officer)
    r = client.post(
        f"/console/work/cases/{world.case_id}/risk-assessments",
        json={"threat_to_kill": "yes", "victim_fear": "4", "strangulation": "no", "note": ""},
        headers=h,
    )
    assert r.status_code == 200, r.text
    bad = client.post(
        f"/console/work/cases/{world.case_id}/risk-assessments",
        json={"victim_fear": "9"},
        headers=h,
    )
    assert bad.status_code == 422
    history = client.get(f"/api/v1/cases/{world.case_id}/risk-assessments", headers=h).json()
    assert history["items"][0]["answers"] == {
        "threat_to_kill": True,
        "victim_fear": 4,
        "strangulation": False,
    }
    d = client.post(
        f"/console/work/cases/{world.case_id}/decisions",
        json={"kind": "released_on_bail", "decided_at": "2026-03-01T09:00", "note": ""},
        headers=h,
    )
    assert d.status_code == 200, d.text
    page = client.get(f"/console/work/cases/{world.case_id}", headers=h).text
    assert "보석 석방" in page
    assert "위험성 평가:" in page  # in the timeline
