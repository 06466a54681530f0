"""The demo's week through the API: the officer who opened the cases, signed in on the
console, sees overdue follow-up calls, reviews of orders ending this week and their own
task due today; the agency's supervisor sees what escalated."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from jikimi.accounts import logins
from jikimi.accounts.tokens import create_token
from jikimi.bootstrap import Container
from jikimi.cli.demo_week import CENTRE, WEEK, due_today, seed_week
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from jikimi.tasks.messages import PlanTasks
from tests.factories import auth


def staff(container: Container, login: str, role: Role) -> tuple[str, str]:
    """A console account of the demo's agency and a token of that same account."""
    with transaction(container.sessions) as s:
        account_id, _ = logins.create_staff(
            s,
            login=login,
            password="correct horse battery staple",
            role=role,
            name=login,
            agency="seoul-mapo",
            now=datetime.now(UTC),
        )
        return account_id, create_token(s, role, account_id=account_id)


def test_the_week_owes_the_officer_overdue_and_due_today_tasks(
    client: TestClient, container: Container
) -> None:
    officer_id, officer = staff(container, "officer", Role.OFFICER)
    _, supervisor = staff(container, "supervisor", Role.SUPERVISOR)
    now = datetime.now(UTC)
    made = seed_week(client, officer, random.Random(1), now)
    assert len(made) == len(WEEK)
    container.bus.handle(PlanTasks())

    r = client.get("/api/v1/tasks?limit=500", headers=auth(officer))
    assert r.status_code == 200, r.text
    tasks = r.json()["items"]
    assert {t["owner_id"] for t in tasks} == {officer_id}  # the console officer owes them
    kinds = [t["kind"] for t in tasks]
    assert kinds.count("order_expiry_review") == 2  # the orders ending this week
    calls = [t for t in tasks if t["kind"] == "monitoring_call"]
    # the order ended 5 days ago, the detention ended, the revocation, the bail
    assert len(calls) == 4
    assert any(t["overdue"] for t in calls)
    [own] = [t for t in tasks if t["kind"] == "other"]
    assert not own["overdue"]
    assert own["due_at"] == due_today(now).astimezone(UTC).isoformat().replace("+00:00", "Z")

    # Each of the four measures in force owes its review; the one ending in two days soon.
    reviews = [t for t in tasks if t["kind"] == "measure_expiry_review"]
    assert len(reviews) == 4
    soon = [t for t in reviews if datetime.fromisoformat(t["due_at"]) < now + timedelta(days=2)]
    assert len(soon) == 1
    in_force = []
    for case in made:
        r = client.get(f"/api/v1/cases/{case['id']}/safety-measures", headers=auth(officer))
        assert r.status_code == 200, r.text
        in_force += [m["kind"] for m in r.json()["items"] if m["status"] == "active"]
    assert sorted(in_force) == [
        "emergency_112_registration",
        "home_cctv",
        "private_security",
        "smartwatch",
    ]

    r = client.get("/api/v1/tasks?overdue=true", headers=auth(supervisor))
    assert r.status_code == 200, r.text
    assert r.json()["items"]  # what escalated reaches the agency's supervisor


def test_the_week_refers_its_first_victim_to_the_demo_centre(
    client: TestClient, container: Container
) -> None:
    _, officer = staff(container, "officer", Role.OFFICER)
    with transaction(container.sessions) as s:
        counsellor = create_token(s, Role.COUNSELLOR, name="counsellor", agency=CENTRE)
    made = seed_week(client, officer, random.Random(1), datetime.now(UTC), CENTRE)
    [referral] = client.get("/api/v1/referrals", headers=auth(counsellor)).json()["items"]
    assert referral["case_id"] == made[0]["id"]
    assert referral["victim_name"] == WEEK[0].victim
    assert referral["shares"] == ["case_summary", "contact", "risk"]
    assert referral["orders"] is None  # not consented
