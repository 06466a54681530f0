"""Judging in the request that stores the events, with the durable inbox as the fallback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jikimi import schema as t
from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.bootstrap.uow import JoinedUnitOfWork
from jikimi.contacts.messages import JudgeStoredContacts
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import reading
from tests.factories import Factory, auth


def alerts(client: TestClient, token: str) -> list[dict[str, Any]]:
    """Every alert the token may see."""
    r = client.get("/api/v1/alerts", headers=auth(token))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def pending(c: Container) -> int:
    """Events still waiting in the inbox."""
    with reading(c.read_sessions) as s:
        q = select(func.count()).where(t.ContactEvent.processed_at.is_(None))
        return int(s.scalar(q.select_from(t.ContactEvent)) or 0)


def test_the_202_already_carries_the_alert(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """No worker runs: the request that stored the call judged it in its own transaction."""
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)
    factory.contact(w.device_token, w.perpetrator_number)
    factory.contact(w.device_token, w.perpetrator_number, kind="sms")
    assert pending(container) == 0
    [alert] = alerts(client, dispatcher)
    assert (alert["kind"], alert["count"], len(alert["evidence"])) == ("contact_violation", 2, 2)
    assert container.worker.run_once() == set()  # nothing left for the worker


def test_judging_that_fails_rolls_back_alone_and_the_worker_judges_once(
    client: TestClient,
    factory: Factory,
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure after the alert was written in the savepoint: the 202 still comes, nothing
    of the judging is kept, and the worker raises the alert exactly once."""
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)

    judge = container.bus.handlers[JudgeStoredContacts]

    def judge_then_fail(cmd: JudgeStoredContacts, uow: JoinedUnitOfWork) -> set[str]:
        def fail() -> None:  # everything judged and written, then the commit fails
            raise RuntimeError("the database went away half-way")

        uow.commit = fail  # type: ignore[method-assign]  # the one step that fails
        return judge(cmd, uow)

    handlers = dict(container.bus.handlers)
    handlers[JudgeStoredContacts] = judge_then_fail
    monkeypatch.setattr(container.bus, "handlers", handlers)
    factory.contact(w.device_token, w.perpetrator_number)
    assert pending(container) == 1
    assert alerts(client, dispatcher) == []
    monkeypatch.undo()
    assert container.worker.run_once()
    [alert] = alerts(client, dispatcher)
    assert (alert["count"], len(alert["evidence"])) == (1, 1)
    assert pending(container) == 0


@pytest.fixture
def api_only(database_url: str) -> Iterator[tuple[Factory, Container]]:
    """A process that only stores (`JIKIMI_WORKER=false`), as an API process beside
    `jikimi worker` processes on PostgreSQL."""
    c = build(Settings(database_url=database_url, worker=False))
    with TestClient(create_app(c)) as tc:
        yield Factory(tc, c), c
    c.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_api_only_process_leaves_judging_to_the_worker(
    api_only: tuple[Factory, Container],
) -> None:
    """Nothing is judged where no worker is meant to run; the inbox holds the event."""
    factory, c = api_only
    w = factory.world()
    factory.contact(w.device_token, w.perpetrator_number)
    assert pending(c) == 1
    assert c.worker.run_once()
    assert pending(c) == 0


def judged_rows(c: Container) -> dict[str, tuple[bool, str | None, str | None]]:
    """Each stored event by its id: judged?, the victim it holds, the event it corroborates
    (by that event's own id)."""
    with reading(c.read_sessions) as s:
        rows = list(s.scalars(select(t.ContactEvent)))
        ext = {r.id: r.ext_id for r in rows}
        return {
            r.ext_id: (
                r.processed_at is not None,
                r.victim_id,
                ext[r.corroborates] if r.corroborates else None,
            )
            for r in rows
        }


def test_events_stored_as_judged_keep_what_judging_them_learnt(
    factory: Factory, container: Container
) -> None:
    """Stored already marked judged, they still get the victim an operator's number
    resolved to and the earlier report of the same call, whichever source came first."""
    w = factory.world()
    feed = factory.feed()
    at = datetime.now(UTC) - timedelta(minutes=5)

    def operator(ext_id: str, when: datetime, victim_number: str) -> None:
        ev = {
            "id": ext_id,
            "kind": "call",
            "number": w.perpetrator_number,
            "victim_number": victim_number,
            "occurred_at": when.isoformat(),
        }
        factory.post_signed("/api/v1/feed/contacts", feed, {"events": [ev]})

    factory.contact(w.device_token, w.perpetrator_number, at=at, event_id="phone-1")
    operator("op-1", at + timedelta(seconds=2), w.victim_number)
    operator("op-2", at + timedelta(minutes=2), w.victim_number)
    factory.contact(
        w.device_token,
        w.perpetrator_number,
        at=at + timedelta(minutes=2, seconds=1),
        event_id="phone-2",
    )
    operator("op-3", at, "010-0000-0000")  # nobody's number
    assert judged_rows(container) == {
        "phone-1": (True, w.victim_id, None),
        "op-1": (True, w.victim_id, "phone-1"),
        "op-2": (True, w.victim_id, None),
        "phone-2": (True, w.victim_id, "op-2"),
        "op-3": (True, None, None),
    }
    assert container.worker.run_once() == set()
