"""The review a safety measure owes before it ends, written by the tasks scheduling pass:
once however many passes, moved by an extension, cancelled when the measure ends early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from tests.factories import Factory, auth
from tests.integration.measures.test_routes import end, extend, measure
from tests.integration.tasks.test_planner import plan, tasks_of


def test_a_measure_owes_one_review_before_its_end_which_an_extension_moves(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world(days=90)
    plan(container)  # the order's review
    watch = measure(factory, w, "smartwatch", days=30)
    plan(container)
    plan(container)
    [review] = [x for x in tasks_of(container, w.case_id) if x.kind == "measure_expiry_review"]
    assert review.key == f"review:measure:{watch['id']}"
    assert review.status == "open"
    assert review.owner_id is not None  # the officer who opened the case
    ends = datetime.fromisoformat(watch["ends_at"])
    assert review.subject_ends_at == ends
    # Three days before the end, or the working day before that (holidays can come between).
    assert ends - timedelta(days=10) < review.due_at <= ends - timedelta(days=3)
    r = client.get("/api/v1/tasks", params={"case_id": w.case_id}, headers=auth(w.officer))
    [shown] = [x for x in r.json()["items"] if x["id"] == review.id]
    assert shown["reason"].startswith("스마트워치 지급 종료")

    new_end = ends + timedelta(days=30)
    assert extend(client, w.officer, watch["id"], new_end.isoformat()).status_code == 200
    plan(container)
    [moved] = [x for x in tasks_of(container, w.case_id) if x.kind == "measure_expiry_review"]
    assert moved.id == review.id
    assert moved.subject_ends_at == new_end
    assert ends < moved.due_at <= new_end - timedelta(days=3)


def test_a_short_measure_is_reviewed_half_way_and_an_ended_one_not_at_all(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world(days=90)
    escort = measure(factory, w, "escort", start=timedelta(minutes=-1), days=3)
    guard = measure(factory, w, "private_security", days=14)
    plan(container)
    reviews = {
        x.key: x for x in tasks_of(container, w.case_id) if x.kind == "measure_expiry_review"
    }
    short = reviews[f"review:measure:{escort['id']}"]
    # Under twice the 3-day lead: half the window, or the working day before it.
    assert short.due_at <= datetime.fromisoformat(escort["ends_at"]) - timedelta(days=1.5)
    assert short.due_at >= datetime.now(UTC) - timedelta(minutes=5)
    assert end(client, w.officer, guard["id"]).status_code == 200
    plan(container)
    plan(container)
    after = {x.key: x.status for x in tasks_of(container, w.case_id)}
    assert after[f"review:measure:{guard['id']}"] == "cancelled"
    assert after[f"review:measure:{escort['id']}"] == "open"


def test_a_measure_already_over_owes_no_review(factory: Factory, container: Container) -> None:
    w = factory.world(days=90)
    measure(factory, w, "shelter", start=timedelta(days=-10), days=7)
    plan(container)
    assert [x.kind for x in tasks_of(container, w.case_id)] == ["order_expiry_review"]
