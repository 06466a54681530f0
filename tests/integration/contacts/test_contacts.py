"""The telecom-ban auto-report through the API, the store and the engine."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth

STATUS = "/api/v1/device/status"


def alerts(client: TestClient, token: str, **params: Any) -> list[dict[str, Any]]:
    """Every alert the token may see."""
    r = client.get("/api/v1/alerts", params=params, headers=auth(token))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_call_from_perpetrator_under_ban_raises_contact_violation(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The headline: the perpetrator's call, while the ban holds, is an alert with the evidence."""
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)
    at = datetime.now(UTC) - timedelta(minutes=1)
    national = "0" + w.perpetrator_number[3:]  # +821012345678 -> 01012345678
    factory.contact(w.device_token, f"{national[:3]} {national[3:7]} {national[7:]}", at=at)
    container.worker.run_once()
    [alert] = alerts(client, dispatcher)
    assert alert["kind"] == "contact_violation"
    assert alert["severity"] == "high"
    assert alert["status"] == "open"
    assert alert["case_id"] == w.case_id
    [ev] = alert["evidence"]
    assert ev["number"] == w.perpetrator_number
    assert ev["sources"] == ["phone"]


def test_innocent_number_and_no_order_raise_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Calls from others, and his calls outside any ban, are not alerts."""
    w = factory.world(kind="stalking.provisional.2")  # an approach ban, not a telecom ban
    factory.contact(w.device_token, w.perpetrator_number)
    w2 = factory.world()
    factory.contact(w2.device_token, "010-1111-2222")
    container.worker.run_once()
    assert alerts(client, factory.token(Role.DISPATCHER)) == []


def test_duplicate_event_id_changes_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """A retried upload is a duplicate, not a second piece of evidence."""
    w = factory.world()
    event_id = str(uuid.uuid4())
    first = factory.contact(w.device_token, w.perpetrator_number, event_id=event_id)
    again = factory.contact(w.device_token, w.perpetrator_number, event_id=event_id)
    assert (first, again) == ({"accepted": 1, "duplicates": 0}, {"accepted": 0, "duplicates": 1})
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert alert["count"] == 1


def test_repeats_grow_one_alert_until_resolved_then_a_new_one_opens(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """No storm: repeats aggregate while unresolved; after resolution a new alert opens."""
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)
    for _ in range(5):
        factory.contact(w.device_token, w.perpetrator_number, kind="sms")
    container.worker.run_once()
    [alert] = alerts(client, dispatcher)
    assert (alert["count"], len(alert["evidence"])) == (5, 5)
    r = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=auth(dispatcher))
    assert r.json()["status"] == "acknowledged"
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    assert [a["count"] for a in alerts(client, dispatcher)] == [6]
    r = client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        headers=auth(dispatcher),
        json={"outcome": "dispatched", "note": "순찰차 출동"},
    )
    assert r.json()["status"] == "resolved"
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    listed = alerts(client, dispatcher)
    assert [(a["status"], a["count"]) for a in listed] == [("open", 1), ("resolved", 6)]
    timeline = client.get(f"/api/v1/alerts/{alert['id']}/timeline", headers=auth(dispatcher))
    actions = [c["action"] for c in timeline.json()]
    assert actions == ["opened", *["grew"] * 4, "acknowledged", "grew", "resolved"]


def test_hidden_number_under_ban_is_lower_severity(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """A hidden caller may or may not be the perpetrator."""
    w = factory.world()
    factory.contact(w.device_token, None)
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert (alert["kind"], alert["severity"]) == ("hidden_number_contact", "medium")


def test_judged_by_orders_in_force_at_the_event_time(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """A call made before revocation but received after is still a violation; one after is not."""
    w = factory.world()
    before = datetime.now(UTC) - timedelta(seconds=5)
    r = client.post(
        f"/api/v1/orders/{w.order_id}/revoke", headers=auth(w.officer), json={"reason": "법원 취소"}
    )
    assert r.json()["status"] == "revoked"
    factory.contact(w.device_token, w.perpetrator_number, at=before)
    factory.contact(
        w.device_token, w.perpetrator_number, at=datetime.now(UTC) + timedelta(seconds=1)
    )
    before_order = datetime.now(UTC) - timedelta(days=3)  # the order started a day ago
    factory.contact(w.device_token, w.perpetrator_number, at=before_order)
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert alert["count"] == 1
    assert alert["evidence"][0]["occurred_at"].startswith(before.strftime("%Y-%m-%dT%H:%M:%S"))


def test_number_history_judges_by_when_the_perpetrator_held_the_number(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """A number the perpetrator gave up matches only events from when it was held."""
    w = factory.world()
    gave_up = datetime.now(UTC) - timedelta(hours=1)
    r = client.post(
        f"/api/v1/people/{w.perpetrator_id}/phones/end",
        headers=auth(w.officer),
        json={"number": w.perpetrator_number, "valid_to": gave_up.isoformat()},
    )
    assert r.status_code == 200, r.text
    assert r.json()["phones"] == []
    new = "010-7777-0001"
    r = client.post(
        f"/api/v1/people/{w.perpetrator_id}/phones",
        headers=auth(w.officer),
        json={"number": new, "valid_from": gave_up.isoformat()},
    )
    assert r.json()["phones"] == ["+821077770001"]
    factory.contact(w.device_token, w.perpetrator_number)  # now: someone else's number
    factory.contact(w.device_token, w.perpetrator_number, at=gave_up - timedelta(minutes=5))
    factory.contact(w.device_token, new)
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert sorted(e["number"] for e in alert["evidence"]) == sorted(
        ["+821077770001", w.perpetrator_number]
    )


def test_each_of_the_victims_cases_is_judged_on_its_own(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """One victim, two perpetrators, a ban only against one of them."""
    w = factory.world()
    other = factory.person(w.officer, "최가해")
    case2 = factory.post(
        "/api/v1/cases",
        w.officer,
        {
            "victim_id": w.victim_id,
            "perpetrator_id": other["id"],
            "relationship": "acquaintance",
            "offense": "stalking",
        },
    )
    factory.contact(w.device_token, other["phones"][0])
    container.worker.run_once()
    assert alerts(client, factory.token(Role.DISPATCHER)) == []
    now = datetime.now(UTC)
    factory.post(
        f"/api/v1/cases/{case2['id']}/orders",
        w.officer,
        {
            "kind": "stalking.emergency.2",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=7)).isoformat(),
        },
    )
    factory.contact(w.device_token, other["phones"][0])
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    got = {(a["case_id"], a["kind"]) for a in alerts(client, factory.token(Role.DISPATCHER))}
    assert got == {(case2["id"], "contact_violation"), (w.case_id, "contact_violation")}


def test_carrier_feed_and_phone_reports_of_one_call_are_one_evidence(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The operator's report of a call the phone also reported adds a source, not a count."""
    w = factory.world()
    feed = factory.feed()
    at = datetime.now(UTC) - timedelta(seconds=30)
    factory.contact(w.device_token, w.perpetrator_number, at=at)
    container.worker.run_once()
    body = {
        "events": [
            {
                "id": "op-1",
                "kind": "call",
                "number": w.perpetrator_number,
                "victim_number": w.victim_number,
                "occurred_at": (at + timedelta(seconds=2)).isoformat(),
            },
            {
                "id": "op-2",
                "kind": "sms",
                "number": w.perpetrator_number,
                "victim_number": w.victim_number,
                "occurred_at": (at + timedelta(minutes=5)).isoformat(),
            },
        ]
    }
    got = factory.post_signed("/api/v1/feed/contacts", feed, body)
    assert got == {"accepted": 2, "duplicates": 0}
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert alert["count"] == 2
    assert sorted(tuple(e["sources"]) for e in alert["evidence"]) == [
        ("carrier",),
        ("phone", "carrier"),
    ]


def test_carrier_feed_alone_protects_an_iphone_user(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Keyed by the number that received the call; no app needed."""
    w = factory.world()
    feed = factory.feed()
    ev = {
        "id": "op-9",
        "kind": "call",
        "number": w.perpetrator_number,
        "victim_number": w.victim_number,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    factory.post_signed("/api/v1/feed/contacts", feed, {"events": [ev]})
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert alert["evidence"][0]["sources"] == ["carrier"]


def test_device_status_tells_the_victim_what_protects_the_victim(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Orders in force, last report received, open alerts, live or degraded."""
    w = factory.world()
    before = client.get(STATUS, headers=factory.signed(w.device_token, "GET", STATUS)).json()
    assert before["monitoring"] == "degraded"  # nothing has reached us from this phone yet
    assert before["last_received_at"] is None
    assert [o["kind"] for o in before["orders"]] == ["stalking.provisional.3"]
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    after = client.get(STATUS, headers=factory.signed(w.device_token, "GET", STATUS)).json()
    assert after["monitoring"] == "live"
    assert after["open_alerts"] == 1
    assert after["last_received_at"] is not None
    assert after["orders"][0]["no_contact"] is True


def test_bad_input_is_problem_json_and_changes_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Malformed, naive times, unknown fields, oversized batches: clear errors, nothing stored."""
    w = factory.world()
    path = "/api/v1/device/contacts"
    naive = {
        "events": [
            {
                "id": "a",
                "kind": "call",
                "number": "010-1234-5678",
                "occurred_at": "2026-03-01T21:04:05",
            }
        ]
    }
    unknown = {
        "events": [
            {
                "id": "a",
                "kind": "call",
                "number": None,
                "occurred_at": "2026-03-01T21:04:05+09:00",
                "extra": 1,
            }
        ]
    }
    wrong_kind = {
        "events": [
            {"id": "a", "kind": "fax", "number": None, "occurred_at": "2026-03-01T21:04:05+09:00"}
        ]
    }
    too_many = {
        "events": [
            {
                "id": str(i),
                "kind": "call",
                "number": None,
                "occurred_at": "2026-03-01T21:04:05+09:00",
            }
            for i in range(501)
        ]
    }
    cases = [(b"{not json", 400)] + [
        (json.dumps(b).encode(), 422) for b in (naive, unknown, wrong_kind, too_many)
    ]
    for body, status in cases:
        h = factory.signed(w.device_token, "POST", path, body)
        r = client.post(path, content=body, headers=h)
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == status
    big = b'{"events": [], "pad": "' + b"x" * 2_000_000 + b'"}'
    r = client.post(path, content=big, headers=factory.signed(w.device_token, "POST", path, big))
    assert (r.status_code, r.headers["content-type"]) == (413, "application/problem+json")
    container.worker.run_once()
    assert alerts(client, factory.token(Role.DISPATCHER)) == []
    status = client.get(STATUS, headers=factory.signed(w.device_token, "GET", STATUS)).json()
    assert status["last_received_at"] is None


def test_a_flooding_token_gets_429_with_retry_after(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """A runaway or stolen token is slowed down; other tokens are not."""
    container.limiter.burst, container.limiter.rate = 3, 0.01
    container.limiter._buckets.clear()
    dispatcher, other = factory.token(Role.DISPATCHER), factory.token(Role.DISPATCHER)
    codes = [client.get("/api/v1/alerts", headers=auth(dispatcher)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/alerts", headers=auth(dispatcher))
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) >= 1
    assert client.get("/api/v1/alerts", headers=auth(other)).status_code == 200


def test_a_reported_caller_that_is_no_number_is_no_match_not_hidden(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """ "KT알림" or "Unknown" as the caller is neither the perpetrator nor a hidden number."""
    w = factory.world()
    for raw in ("KT알림", "Unknown", "-2", "#CMB"):
        factory.contact(w.device_token, raw)
    factory.contact(w.device_token, "  ")  # blank: hidden
    container.worker.run_once()
    [alert] = alerts(client, factory.token(Role.DISPATCHER))
    assert (alert["kind"], alert["count"]) == ("hidden_number_contact", 1)
