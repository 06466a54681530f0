"""Every route × every role × an object of one's own case, of another officer's, of another
agency: 401 without a token, 403 for a role the route does not allow, 404 for what is not
the caller's. A counsellor gets 404 for every object route but its centre's referrals
(403 for the collections). Zero leaks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from jikimi.app import PUBLIC, ROUTERS, route_roles
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.referrals.helpers import CENTRE, OTHER_CENTRE, referral_of


def api_routes(client: TestClient) -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) for every /api route but the login itself."""
    out = []
    for router in ROUTERS:
        for r in router.routes:
            if isinstance(r, APIRoute) and r.path.startswith("/api/"):
                out.extend((m, r.path, r) for m in sorted(r.methods) if (m, r.path) not in PUBLIC)
    assert len(out) >= 15, "the route walk found too few routes"
    return out


def bodies(now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body for each write route, so a 404 is about visibility, not validation."""
    later = (now + timedelta(days=10)).isoformat()
    return {
        ("POST", "/api/v1/people"): {"name": "x", "phones": []},
        ("POST", "/api/v1/people/{person_id}/phones"): {"number": "010-5555-1212"},
        ("POST", "/api/v1/people/{person_id}/phones/end"): {
            "number": "010-5555-1212",
            "valid_to": later,
        },
        ("POST", "/api/v1/cases/{case_id}/orders"): {
            "kind": "stalking.provisional.3",
            "starts_at": now.isoformat(),
            "ends_at": later,
        },
        ("POST", "/api/v1/orders/{order_id}/extensions"): {"ends_at": later},
        ("POST", "/api/v1/orders/{order_id}/revoke"): {"reason": "test"},
        ("POST", "/api/v1/cases/{case_id}/devices"): {"kind": "victim_phone"},
        ("POST", "/api/v1/alerts/{alert_id}/resolve"): {"outcome": "false_alarm"},
        ("POST", "/api/v1/cases/{case_id}/break-glass"): {
            "reason": "긴급 출동 중 피해자 확인 필요"
        },
        ("POST", "/api/v1/cases/{case_id}/risk-assessments"): {
            "answers": {"threat_to_kill": True, "victim_fear": 3},
            "note": "상담 내용",
        },
        ("POST", "/api/v1/risk-assessments/{assessment_id}/override"): {
            "tier": "very_high",
            "reason": "가해자 보복 예고 문자 확인",
        },
        ("POST", "/api/v1/device/contacts"): {"events": []},
        ("POST", "/api/v1/feed/contacts"): {"events": []},
        ("POST", "/api/v1/cases/{case_id}/assignments"): {"officer_id": "0" * 32},
        ("POST", "/api/v1/cases/{case_id}/close"): {"reason": "test"},
        ("POST", "/api/v1/cases/{case_id}/tasks"): {"kind": "other", "due_at": later},
        ("POST", "/api/v1/tasks/{task_id}/complete"): {"outcome": "done"},
        ("POST", "/api/v1/cases/{case_id}/decisions"): {
            "kind": "released_on_bail",
            "decided_at": now.isoformat(),
        },
        ("POST", "/api/v1/cases/{case_id}/safety-measures"): {
            "kind": "patrol",
            "starts_at": now.isoformat(),
            "ends_at": later,
        },
        ("POST", "/api/v1/safety-measures/{measure_id}/extensions"): {"ends_at": later},
        ("POST", "/api/v1/safety-measures/{measure_id}/end"): {"reason": "test"},
        ("POST", "/api/v1/cases/{case_id}/consents"): {
            "recipient": CENTRE,
            "purposes": ["counselling"],
            "shares": ["contact"],
            "expires_at": later,
            "method": "written",
        },
        ("POST", "/api/v1/cases/{case_id}/referrals"): {"centre": CENTRE, "reason": "상담 연계"},
        ("POST", "/api/v1/referrals/{referral_id}/decline"): {"reason": "test"},
        ("POST", "/api/v1/referrals/{referral_id}/notes"): {"kind": "contact", "text": "test"},
        ("POST", "/api/v1/cases/{case_id}/support-applications"): {
            "kind": "living",
            "amount_krw": 100_000,
            "reason": "test",
        },
        ("POST", "/api/v1/support-applications/{application_id}/decision"): {
            "approve": True,
            "amount_krw": 100_000,
            "reason": "test",
        },
        ("POST", "/api/v1/support-applications/{application_id}/payments"): {
            "amount_krw": 1,
            "paid_at": now.isoformat(),
        },
        ("POST", "/api/v1/patrol-plans"): {
            "agency": "seoul-mapo",
            "shift_start": now.isoformat(),
            "shift_end": (now + timedelta(hours=8)).isoformat(),
            "units": [{"name": "순찰1", "start": {"lat": 37.5519, "lon": 126.9543}}],
        },
        ("POST", "/api/v1/patrol-plans/{plan_id}/visits"): {
            "case_id": "0" * 32,
            "visited_at": now.isoformat(),
        },
        ("POST", "/api/v1/cases"): {
            "victim_id": "x",
            "perpetrator_id": "y",
            "relationship": "stranger",
            "offense": "other",
        },
    }


def test_every_api_route_declares_its_roles(client: TestClient) -> None:
    """No route is public by accident, and the OpenAPI document says who may call each."""
    public = [
        (m, r.path)
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and r.path.startswith("/api/") and not route_roles(r)
        for m in r.methods
    ]
    assert sorted(public) == sorted(PUBLIC), "only the login needs no token"
    missing = [f"{m} {p}" for m, p, r in api_routes(client) if not route_roles(r)]
    assert missing == []
    spec = client.get("/openapi.json").json()
    for method, path, route in api_routes(client):
        op = spec["paths"][path][method.lower()]
        assert set(op["x-roles"]) == {r.value for r in route_roles(route) or ()}


def test_role_route_object_matrix(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """401 / 403 / 404 across the whole matrix, and the owner is let through."""
    owner = factory.token(Role.OFFICER, "seoul-mapo")
    world = factory.world(owner)
    factory.contact(world.device_token, world.perpetrator_number)
    container.worker.run_once()
    device_id = client.get(f"/api/v1/cases/{world.case_id}", headers=auth(owner)).json()["devices"][
        0
    ]["id"]
    alert_id = client.get("/api/v1/alerts", headers=auth(factory.token(Role.DISPATCHER))).json()[
        "items"
    ][0]["id"]
    assessment_id = factory.post(
        f"/api/v1/cases/{world.case_id}/risk-assessments", owner, {"answers": {}}
    )["id"]
    snoop = factory.token(Role.OFFICER, "seoul-mapo")  # a flag of the agency to review
    assert client.get(f"/api/v1/people/{world.victim_id}", headers=auth(snoop)).status_code == 404
    supervisor = factory.token(Role.SUPERVISOR, "seoul-mapo")
    flag_id = client.get("/api/v1/audit/flags", headers=auth(supervisor)).json()["items"][0]["id"]
    task_id = factory.post(
        f"/api/v1/cases/{world.case_id}/tasks",
        owner,
        {"kind": "other", "due_at": datetime.now(UTC).isoformat(), "reason": "확인 전화"},
    )["id"]
    measure_id = a_measure(factory, owner, world.case_id)
    counsellor = factory.token(Role.COUNSELLOR, CENTRE)
    consent_id, referral_id = referral_of(factory, world)
    ids = {
        "consent_id": consent_id,
        "referral_id": referral_id,
        "application_id": a_support_application(factory, owner, world.case_id),
        "plan_id": a_plan(factory, supervisor),
        "measure_id": measure_id,
        "task_id": task_id,
        "flag_id": flag_id,
        "assessment_id": assessment_id,
        "person_id": world.victim_id,
        "case_id": world.case_id,
        "order_id": world.order_id,
        "alert_id": alert_id,
        "device_id": device_id,
    }
    tokens = {role: factory.token(role, "seoul-mapo") for role in Role if role is not Role.DEVICE}
    tokens[Role.DEVICE] = world.device_token
    tokens[Role.COUNSELLOR] = counsellor  # of the centre the case is referred to
    # Outsiders who hold an allowed role but must not see this case.
    same_agency_officer = factory.token(Role.OFFICER, "seoul-mapo")
    other_agency = {
        r: factory.token(r, "busan-haeundae")
        for r in (Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR)
    }
    other_centre = factory.token(Role.COUNSELLOR, OTHER_CENTRE)
    sample = bodies(datetime.now(UTC))
    failures: list[str] = []

    def call(method: str, path: str, token: str | None) -> int:
        url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        headers = auth(token) if token else {}
        if path.endswith("/stream"):
            return _stream_status(client, url, headers)
        body = sample.get((method, path), {}) if method == "POST" else None
        params = {"reason": "법원 제출용 증거 사본"} if path.endswith("/evidence") else None
        return client.request(method, url, json=body, params=params, headers=headers).status_code

    for method, path, route in api_routes(client):
        allowed = route_roles(route) or frozenset()
        if (got := call(method, path, None)) != 401:
            failures.append(f"{method} {path} without token: {got}")
        if (got := call(method, path, "jk_not-a-real-token")) != 401:
            failures.append(f"{method} {path} bad token: {got}")
        for role, token in tokens.items():
            # A counsellor learns nothing of any object but its centre's referrals.
            want = 404 if role is Role.COUNSELLOR and "{" in path else 403
            if role not in allowed and (got := call(method, path, token)) != want:
                failures.append(f"{method} {path} as {role}: {got}, want {want}")
        if "{" not in path:
            continue
        if method == "GET" and not path.endswith("/stream"):
            insider = (
                owner
                if Role.OFFICER in allowed
                else counsellor
                if Role.COUNSELLOR in allowed
                else tokens[Role.DISPATCHER]
                if Role.DISPATCHER in allowed
                else supervisor
            )
            if (got := call(method, path, insider)) != 200:
                failures.append(f"{method} {path} as the case's own staff: {got}, want 200")
        # Break-glass exists to let a same-agency officer in (tested on its own); it must
        # still be 404 from another agency.
        outsiders = (
            []
            if path.endswith("/break-glass")
            else [("other officer, same agency", same_agency_officer, Role.OFFICER)]
        )
        outsiders += [(f"{r} of another agency", tok, r) for r, tok in other_agency.items()]
        outsiders += [("counsellor of another centre", other_centre, Role.COUNSELLOR)]
        for label, token, role in outsiders:
            if role in allowed and (got := call(method, path, token)) != 404:
                failures.append(f"{method} {path} as {label}: {got}, want 404")
    assert failures == []


def a_measure(factory: Factory, officer: str, case_id: str) -> str:
    """A smartwatch lent for five days from now (so `bodies`' extension is a valid one)."""
    now = datetime.now(UTC)
    body = {
        "kind": "smartwatch",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=5)).isoformat(),
    }
    measure_id: str = factory.post(f"/api/v1/cases/{case_id}/safety-measures", officer, body)["id"]
    return measure_id


def a_support_application(factory: Factory, officer: str, case_id: str) -> str:
    """A support application approved by a supervisor (so `bodies`' payment is a valid
    one); its decision route answers 409 to the case's own staff, a 404 to outsiders."""
    body = {"kind": "living", "amount_krw": 100_000, "reason": "생계비"}
    url = f"/api/v1/cases/{case_id}/support-applications"
    application_id: str = factory.post(url, officer, body)["id"]
    supervisor = factory.token(Role.SUPERVISOR, "seoul-mapo")
    decision = {"approve": True, "amount_krw": 100_000, "reason": "확인"}
    factory.post(
        f"/api/v1/support-applications/{application_id}/decision", supervisor, decision, 200
    )
    return application_id


def a_plan(factory: Factory, supervisor: str) -> str:
    """A patrol plan of the supervisor's agency for the coming night."""
    body = bodies(datetime.now(UTC))[("POST", "/api/v1/patrol-plans")]
    plan_id: str = factory.post("/api/v1/patrol-plans", supervisor, body)["id"]
    return plan_id


def _stream_status(client: TestClient, url: str, headers: dict[str, str]) -> int:
    with client.stream("GET", url, headers=headers) as r:
        return r.status_code
