"""The same call reported by the victim's phone and by the operator, judged at the same
instant by two requests on PostgreSQL: still one piece of evidence with two sources. (On
SQLite the two cannot overlap: it has one writer at a time.)"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from jikimi.bootstrap import Container
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from tests.factories import Factory, auth


def _waiting_on_an_advisory_lock(container: Container) -> bool:
    with container.engine.connect() as conn:
        q = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return bool(conn.execute(q).scalar())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_phone_and_operator_judged_at_once_are_one_contact(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    """The phone's request has judged but not committed when the operator's request
    judges: the second waits for the victim's lock, then finds the first and
    corroborates it (without the lock it would see nothing and add a second item)."""
    w = factory.world()
    at = datetime.now(UTC)
    region = container.settings.default_region
    phone_judged, release_phone = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def phone() -> None:
        try:
            with transaction(container.sessions) as s:
                event = ContactIn.reported("p-1", "call", w.perpetrator_number, at, None, region)
                stored = store_contacts(s, "phone", "phone:x", w.victim_id, [event])
                assert container.judge_stored(s, stored.pending)
                phone_judged.set()
                assert release_phone.wait(30)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
            phone_judged.set()

    def operator() -> None:
        try:
            with transaction(container.sessions) as s:
                event = ContactIn.reported(
                    "op-1", "call", w.perpetrator_number, at, None, region, w.victim_number
                )
                stored = store_contacts(s, "carrier", "feed:x", None, [event])
                container.judge_stored(s, stored.pending)
        except BaseException as exc:
            errors.append(exc)

    first = threading.Thread(target=phone)
    first.start()
    assert phone_judged.wait(30)
    second = threading.Thread(target=operator)
    second.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_an_advisory_lock(container) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _waiting_on_an_advisory_lock(container), "the operator's judging did not wait"
    release_phone.set()
    first.join(30)
    second.join(30)
    assert errors == []
    items = client.get(
        "/api/v1/alerts",
        params={"case_id": w.case_id},
        headers=auth(factory.token(Role.DISPATCHER)),
    ).json()["items"]
    assert [a["kind"] for a in items] == ["contact_violation"]
    (evidence,) = items[0]["evidence"]
    assert sorted(evidence["sources"]) == ["carrier", "phone"]
