"""The scheduling pass on a real database: reviews before orders end, follow-ups after
they end (also when they ended while no server ran), each written once, however many
passes or workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from jikimi.core.tx import reading
from jikimi.tasks.messages import PlanTasks
from jikimi.tasks.tables import FollowUp, Task
from tests.factories import Factory, auth


def tasks_of(c: Container, case_id: str) -> list[SimpleNamespace]:
    """The case's tasks, soonest due first (their columns, read in one go)."""
    q = select(Task.__table__).where(Task.case_id == case_id).order_by(Task.due_at)
    with reading(c.read_sessions) as s:
        return [SimpleNamespace(**row) for row in s.execute(q).mappings()]


def follow_ups_of(c: Container, case_id: str) -> list[SimpleNamespace]:
    """The case's follow-up periods."""
    q = select(FollowUp.__table__).where(FollowUp.case_id == case_id)
    with reading(c.read_sessions) as s:
        return [SimpleNamespace(**row) for row in s.execute(q).mappings()]


def plan(c: Container) -> None:
    """One scheduling pass, as the worker's timer sends it."""
    c.bus.handle(PlanTasks())


def test_an_order_ending_owes_one_review_which_an_extension_moves(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=10, starts_at=datetime.now(UTC) - timedelta(days=2))
    plan(container)
    plan(container)
    [review] = tasks_of(container, w.case_id)
    assert review.kind == "order_expiry_review"
    assert review.owner_id is not None  # the officer who opened the case
    ends = datetime.now(UTC) + timedelta(days=8)
    # A 10-day window: the lead is half of it (5 days), moved earlier off a weekend.
    assert ends - timedelta(days=7) < review.due_at <= ends - timedelta(days=5)
    r = factory.client.post(
        f"/api/v1/orders/{w.order_id}/extensions",
        json={"ends_at": (ends + timedelta(days=30)).isoformat()},
        headers=auth(w.officer),
    )
    assert r.status_code == 200, r.text
    plan(container)
    [moved] = tasks_of(container, w.case_id)
    assert moved.id == review.id
    assert moved.due_at > ends  # a lead before the new end


def test_an_order_that_ended_owes_follow_up_monitoring_once(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=31))
    plan(container)
    plan(container)
    [follow_up] = follow_ups_of(container, w.case_id)
    assert (follow_up.reason, follow_up.ended_at) == ("order_expired", None)
    [call] = tasks_of(container, w.case_id)
    assert call.kind == "monitoring_call"
    ended = datetime.now(UTC) - timedelta(days=1)
    # Not assessed: counted as medium, first call within 3 days of the end.
    assert call.due_at <= ended + timedelta(days=3, minutes=1)
    assert follow_up.ends_at - follow_up.started_at >= timedelta(days=89)


def test_no_follow_up_is_owed_while_another_order_is_in_force(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=31))
    start = datetime.now(UTC) - timedelta(days=5)
    factory.post(
        f"/api/v1/cases/{w.case_id}/orders",
        w.officer,
        {
            "kind": "stalking.provisional.2",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=60)).isoformat(),
        },
    )
    plan(container)
    [follow_up] = follow_ups_of(container, w.case_id)
    assert follow_up.end_reason == "order_in_force"
    assert [t.kind for t in tasks_of(container, w.case_id)] == ["order_expiry_review"]


def test_a_new_order_ends_the_follow_up_and_cancels_what_it_owed(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=31))
    plan(container)
    start = datetime.now(UTC) - timedelta(minutes=1)
    factory.post(
        f"/api/v1/cases/{w.case_id}/orders",
        w.officer,
        {
            "kind": "stalking.provisional.3",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=60)).isoformat(),
        },
    )
    plan(container)
    [follow_up] = follow_ups_of(container, w.case_id)
    assert follow_up.end_reason == "new_order"
    statuses = {t.kind: t.status for t in tasks_of(container, w.case_id)}
    assert statuses == {"monitoring_call": "cancelled", "order_expiry_review": "open"}


def test_a_revoked_order_owes_follow_up_and_no_review(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=30)
    plan(container)
    r = factory.client.post(
        f"/api/v1/orders/{w.order_id}/revoke", json={"reason": "법원 취소"}, headers=auth(w.officer)
    )
    assert r.status_code == 200, r.text
    plan(container)
    [follow_up] = follow_ups_of(container, w.case_id)
    assert follow_up.reason == "order_revoked"
    kinds = {t.kind: t.status for t in tasks_of(container, w.case_id)}
    assert kinds == {"order_expiry_review": "cancelled", "monitoring_call": "open"}


def test_overdue_tasks_escalate_to_the_agencys_supervisors(
    factory: Factory, container: Container
) -> None:
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=40))
    plan(container)  # ended 10 days ago: the first call is overdue at once
    [call] = tasks_of(container, w.case_id)
    assert call.escalated_at is not None
    supervisor = factory.token(Role.SUPERVISOR)
    elsewhere = factory.token(Role.SUPERVISOR, agency="busan-haeundae")
    seen = factory.client.get("/api/v1/tasks?overdue=true", headers=auth(supervisor)).json()
    assert [t["id"] for t in seen["items"]] == [call.id]
    assert seen["items"][0]["overdue"] is True
    other = factory.client.get("/api/v1/tasks?overdue=true", headers=auth(elsewhere)).json()
    assert other["items"] == []


# --- a restart, and several workers ------------------------------------------------------


@pytest.fixture
def later(settings: Settings) -> Iterator[Any]:
    """Containers on the same database, as processes started one after another."""
    built: list[Container] = []

    def start(at: datetime | None = None) -> Container:
        c = build(settings, clock=FixedClock(at) if at else None)
        built.append(c)
        return c

    yield start
    for c in built:
        c.close()


def test_an_order_that_ends_while_no_server_runs_owes_its_follow_up_after_restart(
    later: Any,
) -> None:
    first = later()
    with TestClient(create_app(first, run_worker=False)) as tc:
        factory = Factory(tc, first)
        w = factory.world(days=2, starts_at=datetime.now(UTC) - timedelta(days=1))
        plan(first)
        assert [t.kind for t in tasks_of(first, w.case_id)] == ["order_expiry_review"]
    first.close()  # the server stops; the order ends a day later while it is down
    second = later(datetime.now(UTC) + timedelta(days=3))
    plan(second)
    kinds = sorted(t.kind for t in tasks_of(second, w.case_id))
    assert kinds == ["monitoring_call", "order_expiry_review"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_write_each_task_once(later: Any) -> None:
    first = later()
    with TestClient(create_app(first, run_worker=False)) as tc:
        factory = Factory(tc, first)
        worlds = [
            factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=31))
            for _ in range(5)
        ]
    workers = [later(), later()]
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(c: Container) -> None:
        try:
            ready.wait(timeout=30)
            plan(c)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    for w in worlds:
        assert len(follow_ups_of(first, w.case_id)) == 1
        assert [t.kind for t in tasks_of(first, w.case_id)] == ["monitoring_call"]


def test_a_new_tier_recounts_the_calls_not_yet_due(factory: Factory, container: Container) -> None:
    """An order that ended an hour ago owes a first call within 3 days while the case is
    unassessed (medium); assessed very high, the call is due within 24 hours of the end."""
    w = factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=30, hours=1))
    plan(container)
    [call] = tasks_of(container, w.case_id)
    ended = datetime.now(UTC) - timedelta(hours=1)
    assert call.due_at > ended + timedelta(hours=48)
    answers = {"threat_to_kill": True, "victim_fear": 3}
    factory.post(f"/api/v1/cases/{w.case_id}/risk-assessments", w.officer, {"answers": answers})
    r = factory.client.post(
        f"/api/v1/risk-assessments/{_latest(factory, w)}/override",
        json={"tier": "very_high", "reason": "가해자 보복 예고 문자 확인"},
        headers=auth(w.officer),
    )
    assert r.status_code == 200, r.text
    plan(container)
    [recounted] = tasks_of(container, w.case_id)
    assert recounted.id == call.id
    assert recounted.tier == "very_high"
    assert recounted.due_at <= ended + timedelta(hours=24, minutes=1)


def _latest(factory: Factory, w: Any) -> str:
    r = factory.client.get(f"/api/v1/cases/{w.case_id}/risk-assessments", headers=auth(w.officer))
    latest: str = r.json()["items"][0]["id"]
    return latest


def test_jikimi_tasks_plan_runs_passes_until_nothing_is_owed(
    factory: Factory, container: Container, database_url: str
) -> None:
    """A first start on a database with many cases: the command writes everything owed
    at once, in passes of `--limit`, and a second run finds nothing to do."""
    from typer.testing import CliRunner

    from jikimi.cli.main import app as cli
    from jikimi.tasks import owed

    worlds = [
        factory.world(days=30, starts_at=datetime.now(UTC) - timedelta(days=31)) for _ in range(3)
    ]
    now = datetime.now(UTC)
    with reading(container.read_sessions) as s:
        assert owed.anything_owed(s, now, now - timedelta(days=90))
    env = {"JIKIMI_DATABASE_URL": database_url}
    first = CliRunner().invoke(cli, ["tasks", "plan", "--limit", "1"], env=env)
    assert first.exit_code == 0, first.output
    assert "nothing more is owed" in first.output
    assert int(first.output.split()[0]) >= 3  # one follow-up per pass at most
    for w in worlds:
        assert [t.kind for t in tasks_of(container, w.case_id)] == ["monitoring_call"]
    with reading(container.read_sessions) as s:
        assert not owed.anything_owed(s, datetime.now(UTC), now - timedelta(days=90))
    again = CliRunner().invoke(cli, ["tasks", "plan"], env=env)
    assert again.output.startswith("0 scheduling passes")
