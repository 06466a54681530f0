"""Text that no database can hold — a lone surrogate (a JSON "\\ud800" escape), a NUL — is
kept with U+FFFD in its place, never refused: a phone sets a refused event aside for good
(docs/device-protocol.md §5), and that event may be the perpetrator's threat."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from tests.factories import Factory, auth, geo_world

CONTACTS = "/api/v1/device/contacts"


def _post_signed(client: TestClient, factory: Factory, path: str, token: str, payload: Any) -> Any:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a phone's encoder would.
    body = json.dumps(payload).encode()
    assert b"\\u" in body or b"\\ud" not in body
    return client.post(path, content=body, headers=factory.signed(token, "POST", path, body))


def _post(client: TestClient, path: str, token: str, payload: Any) -> Any:
    body = json.dumps(payload).encode()  # escapes, where a test client would fail to encode
    return client.post(
        path, content=body, headers={**auth(token), "content-type": "application/json"}
    )


def _stored_text(container: Container, event_id: str) -> str | None:
    with reading(container.read_sessions) as s:
        event = s.scalars(select(t.ContactEvent).where(t.ContactEvent.ext_id == event_id)).one()
        return event.text


def test_an_sms_with_an_unpaired_surrogate_is_kept_and_raises_its_alert(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 15: the whole event was a 422, and the phone set it aside for good."""
    w = factory.world()
    event = {
        "id": str(uuid.uuid4()),
        "kind": "sms",
        "number": w.perpetrator_number,
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "text": "문 열어\ud800 집 앞이야",
    }
    r = _post_signed(client, factory, CONTACTS, w.device_token, {"events": [event]})
    assert r.status_code == 202, r.text
    assert r.json() == {"accepted": 1, "duplicates": 0}
    container.worker.run_once()
    alerts = client.get("/api/v1/alerts", headers=auth(factory.token(Role.DISPATCHER))).json()
    [alert] = alerts["items"]
    assert alert["kind"] == "contact_violation"
    assert [e["kind"] for e in alert["evidence"]] == ["sms"]
    assert _stored_text(container, event["id"]) == "문 열어\ufffd 집 앞이야"
    # The phone resends the same bytes (a lost 202): the same event, a duplicate.
    r = _post_signed(client, factory, CONTACTS, w.device_token, {"events": [event]})
    assert r.json() == {"accepted": 0, "duplicates": 1}


def test_a_nul_in_an_event_is_kept_as_a_replacement_character(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """PostgreSQL holds no NUL in text: it was a 500 there, for the id and the number too."""
    w = factory.world()
    event = {
        "id": "phone-event\x00-1",
        "kind": "sms",
        "number": "010-0000\x00-1111",
        "occurred_at": datetime.now(UTC).isoformat(),
        "text": "a\x00b",
    }
    r = _post_signed(client, factory, CONTACTS, w.device_token, {"events": [event]})
    assert r.status_code == 202, r.text
    assert _stored_text(container, "phone-event\ufffd-1") == "a\ufffdb"


def test_names_notes_and_reasons_are_kept_with_replacement_characters(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The officer's and the dispatcher's text too, in every body that carries text."""
    w = factory.world()
    person = _post(
        client,
        "/api/v1/people",
        w.officer,
        {
            "name": "김\udc00지은",
            "addresses": [{"label": "home", "text": "서울\x00 마포구", "lat": 37.5, "lon": 126.9}],
        },
    ).json()
    assert person["name"] == "김\ufffd지은"
    assert person["addresses"][0]["text"] == "서울\ufffd 마포구"
    risk = _post(
        client,
        f"/api/v1/cases/{w.case_id}/risk-assessments",
        w.officer,
        {"note": "상담\ud83d 내용"},
    ).json()
    assert risk["note"] == "상담\ufffd 내용"
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    dispatcher = factory.token(Role.DISPATCHER)
    [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
    r = _post(
        client,
        f"/api/v1/alerts/{alert['id']}/resolve",
        dispatcher,
        {"outcome": "dispatched", "note": "출동\udfff 완료"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["note"] == "출동\ufffd 완료"


def test_a_field_name_that_no_database_can_hold_is_a_422_naming_it(
    client: TestClient, factory: Factory
) -> None:
    """An unknown field is a 422 as always; its name in the answer is repaired, not a 500."""
    officer = factory.token(Role.OFFICER)
    r = _post(client, "/api/v1/people", officer, {"name": "김지은", "x\ud800": 1})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["body", "x\ufffd"]


def test_an_anklet_feed_with_escapes_in_its_serials_is_taken(
    client: TestClient, factory: Factory
) -> None:
    """The feed's body is parsed in bulk; a serial with a lone surrogate was a 400 for all
    10,000 pings, one with a NUL a 500 on PostgreSQL. Now they are unknown serials."""
    g = geo_world(factory)
    now = datetime.now(UTC).isoformat()
    here = {"lat": 37.5563, "lon": 126.9236, "accuracy_m": 10, "recorded_at": now}
    pings = [{**here, "device": d} for d in (g.serial, "EM-\ud800", "EM-\x00")]
    r = _post_signed(client, factory, "/api/v1/feed/locations", g.feed, {"pings": pings})
    assert r.status_code == 202, r.text
    assert r.json() == {"accepted": 1, "duplicates": 0, "unknown": 2}


def test_a_body_that_is_not_utf8_is_a_400(client: TestClient, factory: Factory) -> None:
    """JSON is UTF-8 (RFC 8259), and the signature covers the bytes as sent, so a body
    that is not cannot be repaired: a 400 problem, never a 500."""
    w = factory.world()
    event = {
        "id": "e1",
        "kind": "sms",
        "number": None,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body = json.dumps({"events": [{**event, "text": "@@"}]}).encode().replace(b"@@", b"\xff\xfe")
    headers = factory.signed(w.device_token, "POST", CONTACTS, body)
    r = client.post(CONTACTS, content=body, headers=headers)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    pings = b'{"pings": [{"device": "EM-\xff", "lat": 1, "lon": 1, "accuracy_m": 1}]}'
    feed = factory.feed()
    headers = factory.signed(feed, "POST", "/api/v1/feed/locations", pings)
    r = client.post("/api/v1/feed/locations", content=pings, headers=headers)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
