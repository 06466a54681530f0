"""Phones and feeds sign each request: unsigned, altered, stale or replayed requests are
refused and store nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.accounts import tokens as store_auth
from jikimi.bootstrap import Container
from jikimi.client.signed import signed_headers
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from tests.factories import Factory, auth

PATH = "/api/v1/device/contacts"


def _body(number: str) -> bytes:
    ev = {
        "id": str(uuid.uuid4()),
        "kind": "call",
        "number": number,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    return json.dumps({"events": [ev]}).encode()


def _alerts(client: TestClient, factory: Factory, container: Container) -> list[object]:
    container.worker.run_once()
    r = client.get("/api/v1/alerts", headers=auth(factory.token(Role.DISPATCHER)))
    items: list[object] = r.json()["items"]
    return items


def test_unsigned_altered_stale_and_replayed_requests_are_refused(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Each is a 401 problem, and not one of them becomes evidence."""
    w = factory.world()
    key = factory.keys[w.device_token]
    body = _body(w.perpetrator_number)
    unsigned = {**auth(w.device_token), "content-type": "application/json"}
    altered_headers = signed_headers(w.device_token, key, "POST", PATH, body)
    stale = signed_headers(w.device_token, key, "POST", PATH, body, now=time.time() - 600)
    other_key = signed_headers(w.device_token, "A" * 43, "POST", PATH, body)
    attempts = [
        (body, unsigned, "must be signed"),
        (_body(w.perpetrator_number), altered_headers, "does not match"),  # body swapped
        (body, stale, "within 300 s"),
        (body, other_key, "does not match"),
    ]
    for content, headers, reason in attempts:
        r = client.post(PATH, content=content, headers=headers)
        assert r.status_code == 401, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert reason in r.json()["detail"]
    assert _alerts(client, factory, container) == []

    good = signed_headers(w.device_token, key, "POST", PATH, body)
    assert client.post(PATH, content=body, headers=good).status_code == 202
    replay = client.post(PATH, content=body, headers=good)
    assert (replay.status_code, "replay" in replay.json()["detail"]) == (401, True)
    [alert] = _alerts(client, factory, container)
    assert alert["count"] == 1  # type: ignore[index]


def test_a_feed_signs_with_its_own_key_not_a_phones(client: TestClient, factory: Factory) -> None:
    """Keys are per token: a phone's key does not sign for the feed."""
    w = factory.world()
    feed = factory.feed()
    ev = {
        "id": "op-1",
        "kind": "call",
        "number": w.perpetrator_number,
        "victim_number": w.victim_number,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body = json.dumps({"events": [ev]}).encode()
    path = "/api/v1/feed/contacts"
    wrong = signed_headers(feed, factory.keys[w.device_token], "POST", path, body)
    assert client.post(path, content=body, headers=wrong).status_code == 401
    right = signed_headers(feed, factory.keys[feed], "POST", path, body)
    assert client.post(path, content=body, headers=right).status_code == 202


def test_optional_mode_accepts_unsigned_but_still_checks_a_signature(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """JIKIMI_DEVICE_SIGNING=optional, for a fleet being upgraded."""
    container.settings.device_signing = "optional"
    w = factory.world()
    body = _body(w.perpetrator_number)
    plain = {**auth(w.device_token), "content-type": "application/json"}
    assert client.post(PATH, content=body, headers=plain).status_code == 202
    bad = {**plain, "X-Jikimi-Timestamp": str(int(time.time())), "X-Jikimi-Signature": "v1=00"}
    assert client.post(PATH, content=_body(w.perpetrator_number), headers=bad).status_code == 401


def test_a_signature_is_remembered_with_the_phone_s_last_seen_time(
    factory: Factory, container: Container
) -> None:
    # One statement on PostgreSQL: the replay answer must not depend on the phone's row.
    w = factory.world()
    now = datetime.now(UTC)
    with transaction(container.sessions) as s:
        device = s.scalars(select(t.Device).where(t.Device.case_id == w.case_id)).first()
        assert device is not None
        touch = store_auth.remember_signature_touching
        assert touch(s, "sig-a", now, 300, device.id) == (True, device.person_id)
        assert touch(s, "sig-a", now, 300, device.id) == (False, device.person_id)  # replay
        assert touch(s, "sig-b", now, 300, "no-such-phone") == (True, None)
        assert touch(s, "sig-b", now, 300, device.id) == (False, device.person_id)
        seen = s.scalar(select(t.Device.last_seen_at).where(t.Device.id == device.id))
        assert seen is not None
        assert seen.astimezone(UTC) == now
        s.rollback()


def test_victim_fixes_replayed_are_refused_and_recorded_once(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The victim's fixes are stored before the replay check (the position log's lock first, as
    every writer takes it); a replay still answers 401 and leaves no fix and no audit
    record behind."""
    w = factory.world()
    path = "/api/v1/device/locations"
    fix = {"lat": 37.6, "lon": 127.0, "accuracy_m": 8, "recorded_at": datetime.now(UTC).isoformat()}
    body = json.dumps({"pings": [fix]}).encode()
    good = signed_headers(w.device_token, factory.keys[w.device_token], "POST", path, body)
    good["content-type"] = "application/json"
    assert client.post(path, content=body, headers=good).status_code == 202
    replay = client.post(path, content=body, headers=good)
    assert replay.status_code == 401
    assert replay.headers["content-type"] == "application/problem+json"
    assert "replay" in replay.json()["detail"]
    with container.read_sessions() as s:
        fixes = s.scalars(select(t.Position.seq)).all()
        records = s.scalars(
            select(t.AccessRecord.n).where(t.AccessRecord.resource == "positions")
        ).all()
    assert (len(fixes), len(records)) == (1, 1)
