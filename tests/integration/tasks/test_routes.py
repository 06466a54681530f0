"""The task routes through HTTP, as an officer and a supervisor use them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.tasks.messages import PlanTasks
from tests.factories import Factory, auth


def tasks(client: TestClient, token: str, query: str = "") -> list[dict[str, Any]]:
    """The caller's task list."""
    r = client.get(f"/api/v1/tasks{query}", headers=auth(token))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def complete(client: TestClient, token: str, task_id: str, outcome: str, status: int = 200) -> Any:
    """Complete a task; check the status."""
    r = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"outcome": outcome}, headers=auth(token)
    )
    assert r.status_code == status, r.text
    return r.json()


def test_an_officers_own_task_past_due_is_overdue_and_completes_once(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    task = factory.post(
        f"/api/v1/cases/{w.case_id}/tasks",
        w.officer,
        {"kind": "other", "due_at": past, "reason": "법원 서류 확인"},
    )
    assert (task["status"], task["overdue"], task["reason"]) == ("open", True, "법원 서류 확인")
    assert [t["id"] for t in tasks(client, w.officer, "?overdue=true")] == [task["id"]]
    done = complete(client, w.officer, task["id"], "done")
    assert (done["status"], done["outcome"], done["overdue"]) == ("done", "done", False)
    again = complete(client, w.officer, task["id"], "done", status=409)
    assert again["status"] == 409
    assert tasks(client, w.officer, "?status=open") == []


def test_a_monitoring_call_not_reached_is_retried_then_visited(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=30, hours=1))
    container.bus.handle(PlanTasks())
    [call] = tasks(client, w.officer, "?status=open")
    assert call["kind"] == "monitoring_call"
    assert complete(client, w.officer, call["id"], "visited", status=422)["status"] == 422
    complete(client, w.officer, call["id"], "not_reached")
    [retry] = tasks(client, w.officer, "?status=open")
    assert retry["kind"] == "monitoring_call"
    # Within one working day of the attempt (a weekend or holiday may come between).
    assert datetime.fromisoformat(retry["due_at"]) < datetime.now(UTC) + timedelta(days=6)
    complete(client, w.officer, retry["id"], "not_reached")
    [visit] = tasks(client, w.officer, "?status=open")
    assert visit["kind"] == "monitoring_visit"
    complete(client, w.officer, visit["id"], "visited")
    [cadence] = tasks(client, w.officer, "?status=open")
    assert cadence["kind"] == "monitoring_call"
    # Not assessed: the medium cadence, 30 days after the visit.
    due = datetime.fromisoformat(cadence["due_at"])
    assert datetime.now(UTC) + timedelta(days=29) < due < datetime.now(UTC) + timedelta(days=35)


def test_a_decision_owes_its_first_call_at_once(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    r = client.post(
        f"/api/v1/orders/{w.order_id}/revoke", json={"reason": "기각"}, headers=auth(w.officer)
    )
    assert r.status_code == 200, r.text
    decided = datetime.now(UTC).isoformat()  # after the revocation: no order in force
    decision = factory.post(
        f"/api/v1/cases/{w.case_id}/decisions",
        w.officer,
        {"kind": "arrest_warrant_dismissed", "decided_at": decided, "note": "영장 기각"},
    )
    assert decision["kind"] == "arrest_warrant_dismissed"
    [call] = [t for t in tasks(client, w.officer) if t["kind"] == "monitoring_call"]
    assert datetime.fromisoformat(call["due_at"]) <= datetime.now(UTC) + timedelta(days=3)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = client.post(
        f"/api/v1/cases/{w.case_id}/decisions",
        json={"kind": "released_on_bail", "decided_at": future},
        headers=auth(w.officer),
    )
    assert r.status_code == 422


def test_a_supervisor_sees_the_agencys_tasks_and_nobody_elses(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    task = factory.post(f"/api/v1/cases/{w.case_id}/tasks", w.officer, {"due_at": due})
    supervisor = factory.token(Role.SUPERVISOR)
    assert [t["id"] for t in tasks(client, supervisor, "?mine=false")] == [task["id"]]
    assert tasks(client, supervisor) == []  # their own: none
    colleague = factory.token(Role.OFFICER)
    assert tasks(client, colleague) == []
    r = client.get(f"/api/v1/tasks?case_id={w.case_id}", headers=auth(colleague))
    assert r.status_code == 404
    analyst = factory.token(Role.ANALYST)
    assert client.get("/api/v1/tasks", headers=auth(analyst)).status_code == 403


def test_due_before_takes_a_time_with_an_offset_only(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    soon = datetime.now(UTC) + timedelta(hours=2)
    task = factory.post(f"/api/v1/cases/{w.case_id}/tasks", w.officer, {"due_at": soon.isoformat()})
    later = (soon + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert [t["id"] for t in tasks(client, w.officer, f"?due_before={later}")] == [task["id"]]
    assert (
        tasks(client, w.officer, f"?due_before={datetime.now(UTC).isoformat()}".replace("+", "%2B"))
        == []
    )
    for bad in ("0.5", "2026-12-07T10:00:00", "yesterday"):
        r = client.get(f"/api/v1/tasks?due_before={bad}", headers=auth(w.officer))
        assert r.status_code == 422, bad
        assert "due_before" in r.json()["detail"]


def test_a_decision_while_an_order_protects_the_victim_owes_no_call(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()  # a telecom ban in force
    factory.post(
        f"/api/v1/cases/{w.case_id}/decisions",
        w.officer,
        {"kind": "released_on_bail", "decided_at": datetime.now(UTC).isoformat()},
    )
    assert [t["kind"] for t in tasks(client, w.officer)] == []
