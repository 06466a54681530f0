"""The same call reported by her phone and by the operator at the same instant, in two
requests on PostgreSQL: still one piece of evidence with two sources. (On SQLite the two
cannot overlap: it has one writer at a time.)"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from tests.factories import Factory, auth


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_phone_and_operator_judged_at_once_are_one_contact(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    """The phone's request has judged but not committed when the operator's request
    comes: that one does not wait for the victim's lock (its 202 is not held up by
    another transaction), it stores its event for the worker, which finds the phone's
    once it has committed and corroborates it: one piece of evidence, two sources."""
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

    first = threading.Thread(target=phone)
    first.start()
    assert phone_judged.wait(30)
    try:
        with transaction(container.sessions) as s:  # the operator's request, meanwhile
            event = ContactIn.reported(
                "op-1", "call", w.perpetrator_number, at, None, region, w.victim_number
            )
            stored = store_contacts(s, "carrier", "feed:x", None, [event])
            assert container.judge_stored(s, stored.pending) is None  # left to the worker
    finally:
        release_phone.set()
        first.join(30)
    assert errors == []
    container.worker.run_once()
    items = client.get(
        "/api/v1/alerts",
        params={"case_id": w.case_id},
        headers=auth(factory.token(Role.DISPATCHER)),
    ).json()["items"]
    assert [a["kind"] for a in items] == ["contact_violation"]
    (evidence,) = items[0]["evidence"]
    assert sorted(evidence["sources"]) == ["carrier", "phone"]
