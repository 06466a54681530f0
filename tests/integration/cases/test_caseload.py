"""An officer's and a supervisor's case list, search, assignment and closing, through
HTTP as the console uses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.tasks.messages import PlanTasks
from tests.factories import Factory, auth


def cases(client: TestClient, token: str, **params: str) -> list[dict[str, Any]]:
    """The caller's case list."""
    r = client.get("/api/v1/cases", params=params, headers=auth(token))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def account_of(client: TestClient, token: str) -> str:
    """The account id behind a staff token, as the API gives it."""
    r = client.get("/api/v1/auth/session", headers=auth(token))
    assert r.status_code == 200, r.text
    account_id: str = r.json()["me"]["account_id"]
    return account_id


def test_an_officer_lists_their_cases_with_what_is_owed(
    client: TestClient, factory: Factory, container: Container
) -> None:
    officer = factory.token(Role.OFFICER)
    mine = factory.world(officer, days=30, starts_at=datetime.now(UTC) - timedelta(days=31))
    other = factory.world(officer, days=20)
    factory.world()  # a colleague's
    container.bus.handle(PlanTasks())
    rows = {c["id"]: c for c in cases(client, officer)}
    assert set(rows) == {mine.case_id, other.case_id}
    ended = rows[mine.case_id]
    assert (ended["victim_name"], ended["perpetrator_name"]) == ("김지은", "박가해")
    assert (ended["tasks_open"], ended["next_order_end_at"]) == (1, None)
    assert ended["status"] == "open"
    assert ended["risk_tier"] is None
    running = rows[other.case_id]
    assert running["tasks_open"] == 1  # the review before the order ends
    assert running["next_order_end_at"] is not None
    assert running["officer_ids"] == [account_of(client, officer)]
    analyst = factory.token(Role.ANALYST)
    assert client.get("/api/v1/cases", headers=auth(analyst)).status_code == 403


def test_search_by_a_number_in_any_format_a_name_or_a_case_id(
    client: TestClient, factory: Factory
) -> None:
    officer = factory.token(Role.OFFICER)
    w = factory.world(officer)
    factory.world(officer)
    n = w.victim_number  # E.164, +821012345678
    spaced = f"0{n[3:5]} {n[5:9]} {n[9:]}"  # typed as 010 1234 5678
    assert [c["id"] for c in cases(client, officer, q=spaced)] == [w.case_id]
    m = w.perpetrator_number
    international = f"+82 {m[3:5]}-{m[5:9]}-{m[9:]}"
    assert [c["id"] for c in cases(client, officer, q=international)] == [w.case_id]
    assert len(cases(client, officer, q="지은")) == 2  # both victims are 김지은
    assert [c["id"] for c in cases(client, officer, q=w.case_id[:8])] == [w.case_id]
    assert cases(client, officer, q="이순신") == []
    colleague = factory.token(Role.OFFICER)
    assert cases(client, colleague, q=spaced) == []  # not theirs: not found


def test_a_supervisor_sees_the_agency_and_assigns_within_it(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    assert [c["id"] for c in cases(client, supervisor)] == [w.case_id]
    elsewhere = factory.token(Role.SUPERVISOR, agency="busan-haeundae")
    assert cases(client, elsewhere) == []
    newcomer = factory.token(Role.OFFICER)
    newcomer_id = account_of(client, newcomer)
    url = f"/api/v1/cases/{w.case_id}/assignments"
    r = client.post(
        url, json={"officer_id": newcomer_id, "replace": True}, headers=auth(supervisor)
    )
    assert r.status_code == 200, r.text
    assert r.json()["officer_ids"] == [newcomer_id]
    assert [c["id"] for c in cases(client, newcomer)] == [w.case_id]
    assert cases(client, w.officer) == []  # replaced
    busan = account_of(client, factory.token(Role.OFFICER, agency="busan-haeundae"))
    r = client.post(url, json={"officer_id": busan}, headers=auth(supervisor))
    assert r.status_code == 422
    r = client.post(url, json={"officer_id": newcomer_id}, headers=auth(newcomer))
    assert r.status_code == 403
    r = client.post(url, json={"officer_id": newcomer_id}, headers=auth(elsewhere))
    assert r.status_code == 404


def test_a_case_closes_only_when_no_order_and_no_follow_up_protects_the_victim(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    url = f"/api/v1/cases/{w.case_id}/close"
    body = {"reason": "피해자 이사, 위험 해소"}
    r = client.post(url, json=body, headers=auth(w.officer))
    assert r.status_code == 409
    assert "order" in r.json()["detail"]
    r = client.post(
        f"/api/v1/orders/{w.order_id}/revoke", json={"reason": "취소"}, headers=auth(w.officer)
    )
    assert r.status_code == 200
    container.bus.handle(PlanTasks())
    r = client.post(url, json=body, headers=auth(w.officer))
    assert r.status_code == 409
    assert "follow-up" in r.json()["detail"]

    quiet = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=200))
    r = client.post(f"/api/v1/cases/{quiet.case_id}/close", json=body, headers=auth(quiet.officer))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed"
    assert cases(client, quiet.officer) == []
    assert [c["id"] for c in cases(client, quiet.officer, status="closed")] == [quiet.case_id]
    again = client.post(
        f"/api/v1/cases/{quiet.case_id}/close", json=body, headers=auth(quiet.officer)
    )
    assert again.status_code == 409


def test_the_tier_filter_and_a_dispatchers_look_up(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    answers = {"threat_to_kill": True, "victim_fear": 3}
    tier = factory.post(
        f"/api/v1/cases/{w.case_id}/risk-assessments", w.officer, {"answers": answers}
    )["tier"]
    assert [c["id"] for c in cases(client, w.officer, tier=tier)] == [w.case_id]
    other = next(t for t in ("low", "medium", "high", "very_high") if t != tier)
    assert cases(client, w.officer, tier=other) == []
    dispatcher = factory.token(Role.DISPATCHER)
    assert client.get("/api/v1/cases", headers=auth(dispatcher)).status_code == 422
    looked = cases(client, dispatcher, caller=w.victim_number)
    assert [c["id"] for c in looked] == [w.case_id]
    r = client.get(f"/api/v1/cases?caller={w.victim_number}", headers=auth(w.officer))
    assert r.status_code == 403  # the look-up by caller is a dispatcher's
