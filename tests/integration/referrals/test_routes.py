"""Consents and referrals through the API: a referral needs an active consent naming the
centre or a flagged vital-interests override; the centre's counsellor sees only what the
consent shares, nothing after it is withdrawn or expires, and nothing of any other
centre's referrals or of any case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from tests.factories import Factory, auth
from tests.integration.referrals.helpers import (
    CENTRE,
    OTHER_CENTRE,
    consent,
    read,
    refer,
    referred,
)

SHARED = ("victim_name", "victim_phones", "offense", "relationship", "open_alerts", "risk_tier")


def test_the_centre_sees_only_what_the_consent_shares(client: TestClient, factory: Factory) -> None:
    x = referred(factory, ["contact", "risk"])
    assert x.referral["status"] == "sent"
    assert x.referral["consent_id"] == x.consent_id
    assert x.referral["basis"] == "consent"
    r = read(client, x.counsellor, x.referral["id"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["victim_name"] == "김지은"
    assert got["victim_phones"] == [x.world.victim_number]
    assert got["risk_tier"] is None  # shared, but the case was never assessed
    assert (got["offense"], got["relationship"], got["open_alerts"], got["orders"]) == (
        None,
        None,
        None,
        None,
    )
    assert got["shares"] == ["contact", "risk"]
    assert "박가해" not in r.text  # never the perpetrator
    assert x.world.perpetrator_id not in r.text
    listed = client.get("/api/v1/referrals", headers=auth(x.counsellor)).json()["items"]
    assert [i["id"] for i in listed] == [x.referral["id"]]
    assert listed[0]["victim_name"] == "김지은"


def test_case_summary_and_orders_when_consented(client: TestClient, factory: Factory) -> None:
    x = referred(factory, ["case_summary", "orders"])
    got = read(client, x.counsellor, x.referral["id"]).json()
    assert (got["offense"], got["relationship"], got["open_alerts"]) == (
        "stalking",
        "former_partner",
        0,
    )
    [order] = got["orders"]
    assert order["kind"] == "stalking.provisional.3"
    assert set(order) == {"kind", "title", "ends_at"}
    assert got["victim_name"] is None
    assert got["victim_phones"] is None


def test_a_referral_without_consent_is_422_and_changes_nothing(
    client: TestClient, factory: Factory
) -> None:
    factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    r = refer(client, w)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    # A consent for another centre does not count.
    factory.token(Role.COUNSELLOR, OTHER_CENTRE)
    consent(factory, w, ["contact"], OTHER_CENTRE)
    assert refer(client, w).status_code == 422
    listed = client.get(f"/api/v1/cases/{w.case_id}/referrals", headers=auth(w.officer))
    assert [i["centre"] for i in listed.json()["items"]] == []


def test_an_override_is_201_flagged_and_shares_the_contact_only(
    client: TestClient, factory: Factory
) -> None:
    counsellor = factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    r = refer(client, w, override="피해자 자살 위험, 즉시 상담 연계 필요")
    assert r.status_code == 201, r.text
    referral = r.json()
    assert (referral["basis"], referral["consent_id"]) == ("vital_interests", None)
    assert referral["override"]["reason"] == "피해자 자살 위험, 즉시 상담 연계 필요"
    supervisor = factory.token(Role.SUPERVISOR)
    flags = client.get("/api/v1/audit/flags", headers=auth(supervisor)).json()["items"]
    [flag] = [f for f in flags if f["resource_id"] == referral["id"]]
    assert flag["flags"] == ["vital_interests_override"]
    assert flag["action"] == "create"
    got = read(client, counsellor, referral["id"]).json()
    assert got["shares"] == ["contact"]
    assert got["victim_name"] == "김지은"
    assert got["offense"] is None
    assert got["risk_tier"] is None
    assert got["orders"] is None
    assert got["override"] == {"basis": "vital_interests"}  # not the officer's reasons


def test_another_centre_and_every_case_object_are_404(client: TestClient, factory: Factory) -> None:
    x = referred(factory, ["contact", "case_summary", "risk", "orders"])
    stranger = factory.token(Role.COUNSELLOR, OTHER_CENTRE)
    missing = read(client, stranger, "0" * 32)
    theirs = read(client, stranger, x.referral["id"])
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    for path in ("accept", "notes"):
        body = {"kind": "contact", "text": "x"} if path == "notes" else None
        url = f"/api/v1/referrals/{x.referral['id']}/{path}"
        assert client.post(url, json=body, headers=auth(stranger)).status_code == 404
    assert client.get("/api/v1/referrals", headers=auth(stranger)).json()["items"] == []
    # The centre's own counsellor reaches nothing of the case behind its referral.
    w = x.world
    task = factory.post(
        f"/api/v1/cases/{w.case_id}/tasks",
        w.officer,
        {"kind": "other", "due_at": datetime.now(UTC).isoformat()},
    )
    for url in (
        f"/api/v1/cases/{w.case_id}",
        f"/api/v1/people/{w.victim_id}",
        f"/api/v1/people/{w.perpetrator_id}",
        f"/api/v1/cases/{w.case_id}/consents",
        f"/api/v1/cases/{w.case_id}/referrals",
        f"/api/v1/orders/{w.order_id}/extensions",
        f"/api/v1/tasks/{task['id']}/complete",
        f"/console/work/cases/{w.case_id}",
    ):
        method = "POST" if url.endswith(("extensions", "complete")) else "GET"
        r = client.request(method, url, json={}, headers=auth(x.counsellor))
        assert (r.status_code, r.json()["detail"]) == (404, "not found"), url
    for url in ("/api/v1/cases", "/api/v1/alerts", "/api/v1/tasks"):
        assert client.get(url, headers=auth(x.counsellor)).status_code == 403, url


def test_an_alert_is_404_to_the_counsellor(
    client: TestClient, factory: Factory, container: object
) -> None:
    x = referred(factory, ["contact"])
    factory.contact(x.world.device_token, x.world.perpetrator_number)
    container.worker.run_once()  # type: ignore[attr-defined]
    dispatcher = factory.token(Role.DISPATCHER)
    [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
    for url in (f"/api/v1/alerts/{alert['id']}", f"/api/v1/alerts/{alert['id']}/timeline"):
        r = client.get(url, headers=auth(x.counsellor))
        assert r.status_code == 404, url


def test_after_withdrawal_the_shared_fields_are_gone(client: TestClient, factory: Factory) -> None:
    x = referred(factory, ["contact", "case_summary", "risk", "orders"])
    assert read(client, x.counsellor, x.referral["id"]).json()["victim_name"] == "김지은"
    r = client.post(
        f"/api/v1/consents/{x.consent_id}/withdraw",
        json={"reason": "피해자 요청"},
        headers=auth(x.world.officer),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawn_by"]) == ("withdrawn", r.json()["recorded_by"])
    got = read(client, x.counsellor, x.referral["id"]).json()
    assert all(got[k] is None for k in (*SHARED, "orders", "reason"))
    assert (got["status"], got["basis"], got["shares"]) == ("closed", "none", [])
    assert "김지은" not in read(client, x.counsellor, x.referral["id"]).text
    # Nothing to accept any more; withdrawing twice is a conflict.
    accept = client.post(f"/api/v1/referrals/{x.referral['id']}/accept", headers=auth(x.counsellor))
    assert accept.status_code == 409
    again = client.post(f"/api/v1/consents/{x.consent_id}/withdraw", headers=auth(x.world.officer))
    assert again.status_code == 409


def test_a_withdrawal_also_ends_what_an_override_shared(
    client: TestClient, factory: Factory
) -> None:
    counsellor = factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    referral = refer(client, w, override="피해자 자살 위험, 즉시 상담 연계 필요").json()
    c = consent(factory, w, ["contact"])
    assert read(client, counsellor, referral["id"]).json()["basis"] == "consent"
    client.post(f"/api/v1/consents/{c['id']}/withdraw", headers=auth(w.officer))
    got = read(client, counsellor, referral["id"]).json()
    assert (got["basis"], got["victim_name"]) == ("none", None)


def test_after_expiry_the_shared_fields_are_gone(settings: Settings) -> None:
    clock = FixedClock(datetime.now(UTC))
    c = build(settings, clock=clock)
    with TestClient(create_app(c, run_worker=False)) as client:
        factory = Factory(client, c)
        counsellor = factory.token(Role.COUNSELLOR, CENTRE)
        w = factory.world()
        given = consent(factory, w, ["contact"], expires_at=clock.now() + timedelta(days=1))
        referral = refer(client, w).json()
        assert read(client, counsellor, referral["id"]).json()["victim_name"] == "김지은"
        clock.advance(timedelta(days=1).total_seconds())
        got = read(client, counsellor, referral["id"]).json()
        assert (got["status"], got["victim_name"], got["victim_phones"]) == ("closed", None, None)
        consents = client.get(f"/api/v1/cases/{w.case_id}/consents", headers=auth(w.officer))
        assert [(x["id"], x["status"]) for x in consents.json()["items"]] == [
            (given["id"], "expired")
        ]
    c.close()


def test_accept_decline_and_the_answers_they_allow(client: TestClient, factory: Factory) -> None:
    x = referred(factory, ["contact"])
    url = f"/api/v1/referrals/{x.referral['id']}"
    r = client.post(f"{url}/accept", headers=auth(x.counsellor))
    assert (r.status_code, r.json()["status"]) == (200, "accepted")
    assert r.json()["answered_at"] is not None
    assert client.post(f"{url}/accept", headers=auth(x.counsellor)).status_code == 409
    assert (
        client.post(f"{url}/decline", json={"reason": "x"}, headers=auth(x.counsellor)).status_code
        == 409
    )
    y = referred(factory, ["contact"])
    r = client.post(
        f"/api/v1/referrals/{y.referral['id']}/decline",
        json={"reason": "정원 초과"},
        headers=auth(y.counsellor),
    )
    assert (r.status_code, r.json()["status"], r.json()["victim_name"]) == (200, "declined", None)
    # The officer sees the answers on the case.
    items = client.get(
        f"/api/v1/cases/{y.world.case_id}/referrals", headers=auth(y.world.officer)
    ).json()["items"]
    assert [(i["status"], i["decline_reason"]) for i in items] == [("declined", "정원 초과")]


def test_bad_input_is_a_problem_that_changes_nothing(client: TestClient, factory: Factory) -> None:
    factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    url = f"/api/v1/cases/{w.case_id}/consents"
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    good = {
        "recipient": CENTRE,
        "purposes": ["counselling"],
        "shares": ["contact"],
        "expires_at": later,
        "method": "verbal",
    }
    for bad in (
        {**good, "recipient": "nobody-works-here"},
        {**good, "shares": []},
        {**good, "shares": ["address"]},
        {**good, "method": "telepathy"},
        {**good, "expires_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()},
        {**good, "expires_at": "2026-03-01T10:00:00"},
        {**good, "extra": 1},
    ):
        r = client.post(url, json=bad, headers=auth(w.officer))
        assert r.status_code == 422, bad
        assert r.headers["content-type"] == "application/problem+json"
    assert client.get(url, headers=auth(w.officer)).json()["items"] == []
    r = client.post(
        f"/api/v1/cases/{w.case_id}/referrals",
        json={"centre": CENTRE, "reason": "x", "override": {"basis": "convenience", "reason": "y"}},
        headers=auth(w.officer),
    )
    assert r.status_code == 422
