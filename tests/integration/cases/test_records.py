"""People, cases and orders through the API, as API.md specifies them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

KST = "+09:00"


@pytest.mark.parametrize(
    "typed",
    ["010-1234-5678", "01012345678", "+82 10 1234 5678", "82-10-1234-5678", "+82 010 1234 5678"],
)
def test_phones_are_stored_as_e164(client: TestClient, factory: Factory, typed: str) -> None:
    """However a person types it, one number."""
    officer = factory.token(Role.OFFICER)
    person = factory.person(officer, phones=[typed])
    assert person["phones"] == ["+821012345678"]


def test_unparseable_phone_is_422_and_nothing_is_stored(
    client: TestClient, factory: Factory
) -> None:
    """A typo is refused with a reason; the person is not half-created."""
    officer = factory.token(Role.OFFICER)
    r = client.post(
        "/api/v1/people", headers=auth(officer), json={"name": "홍길동", "phones": ["010-12"]}
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "phone" in r.json()["detail"]


def test_officer_sees_own_people_and_not_others(client: TestClient, factory: Factory) -> None:
    """Need-to-know: another officer's person is 404, not 403."""
    a, b = factory.token(Role.OFFICER), factory.token(Role.OFFICER)
    person = factory.person(a)
    assert client.get(f"/api/v1/people/{person['id']}", headers=auth(a)).status_code == 200
    assert client.get(f"/api/v1/people/{person['id']}", headers=auth(b)).status_code == 404


def test_case_for_another_agency_is_refused(client: TestClient, factory: Factory) -> None:
    """An officer opens cases only in their own agency."""
    officer = factory.token(Role.OFFICER, "seoul-mapo")
    v, p = factory.person(officer), factory.person(officer)
    r = client.post(
        "/api/v1/cases",
        headers=auth(officer),
        json={
            "victim_id": v["id"],
            "perpetrator_id": p["id"],
            "relationship": "stranger",
            "offense": "stalking",
            "agency": "busan-haeundae",
        },
    )
    assert r.status_code == 403


def _order(
    client: TestClient, officer: str, case_id: str, kind: str, start: str, end: str
) -> tuple[int, dict[str, object]]:
    r = client.post(
        f"/api/v1/cases/{case_id}/orders",
        headers=auth(officer),
        json={"kind": kind, "starts_at": start, "ends_at": end},
    )
    return r.status_code, r.json()


def test_order_window_limits_use_calendar_months_in_korea(
    client: TestClient, factory: Factory
) -> None:
    """3 months from 30 Nov KST runs through 28 Feb, not a day more; the 422 names the limit."""
    w = factory.world()
    ok = _order(
        client,
        w.officer,
        w.case_id,
        "stalking.provisional.3",
        f"2026-11-30T10:00:00{KST}",
        f"2027-02-28T23:59:59{KST}",
    )
    assert ok[0] == 201
    assert (ok[1]["no_contact"], ok[1]["distance_m"]) == (True, None)
    status, body = _order(
        client,
        w.officer,
        w.case_id,
        "stalking.provisional.3",
        f"2026-11-30T10:00:00{KST}",
        f"2027-03-01T00:00:01{KST}",
    )
    assert status == 422
    assert "3 month" in str(body["detail"])
    assert "§9" in str(body["detail"])


def test_order_kinds_fix_conditions_and_unknown_kinds_are_refused(
    client: TestClient, factory: Factory
) -> None:
    """An approach ban carries 100 m; a kind not in the statute pack is a 422."""
    w = factory.world()
    now = datetime.now(UTC)
    status, body = _order(
        client,
        w.officer,
        w.case_id,
        "dv.temporary.2",
        now.isoformat(),
        (now + timedelta(days=30)).isoformat(),
    )
    assert (status, body["distance_m"], body["no_contact"]) == (201, 100, False)
    status, _ = _order(
        client,
        w.officer,
        w.case_id,
        "made.up",
        now.isoformat(),
        (now + timedelta(days=3)).isoformat(),
    )
    assert status == 422


def test_kind_not_yet_in_force_is_refused(client: TestClient, factory: Factory) -> None:
    """Stalking victim-protection orders exist only from 2027-04-22."""
    w = factory.world()
    status, body = _order(
        client,
        w.officer,
        w.case_id,
        "stalking.protection.3",
        f"2026-12-01T00:00:00{KST}",
        f"2027-01-01T00:00:00{KST}",
    )
    assert status == 422
    assert "2027-04-22" in str(body["detail"])
    status, _ = _order(
        client,
        w.officer,
        w.case_id,
        "stalking.protection.3",
        f"2027-05-01T00:00:00{KST}",
        f"2027-07-01T00:00:00{KST}",
    )
    assert status == 201


def test_extensions_follow_the_statute(client: TestClient, factory: Factory) -> None:
    """Two extensions of at most 3 months each; a third is refused; revoked is final."""
    w = factory.world(days=80)
    order = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()["orders"][0]
    end = datetime.fromisoformat(order["ends_at"])
    too_long = (end + timedelta(days=100)).isoformat()
    r = client.post(
        f"/api/v1/orders/{w.order_id}/extensions",
        headers=auth(w.officer),
        json={"ends_at": too_long},
    )
    assert r.status_code == 422
    assert "3 month" in r.json()["detail"]
    for i in (1, 2):
        end += timedelta(days=80)
        r = client.post(
            f"/api/v1/orders/{w.order_id}/extensions",
            headers=auth(w.officer),
            json={"ends_at": end.isoformat(), "court_ref": f"연장{i}"},
        )
        assert r.status_code == 200, r.text
        assert len(r.json()["extensions"]) == i
    r = client.post(
        f"/api/v1/orders/{w.order_id}/extensions",
        headers=auth(w.officer),
        json={"ends_at": (end + timedelta(days=10)).isoformat()},
    )
    assert r.status_code == 422
    assert "at most 2 extension" in r.json()["detail"]
    r = client.post(
        f"/api/v1/orders/{w.order_id}/revoke",
        headers=auth(w.officer),
        json={"reason": "피해자 요청"},
    )
    assert r.json()["status"] == "revoked"
    r = client.post(
        f"/api/v1/orders/{w.order_id}/revoke", headers=auth(w.officer), json={"reason": "again"}
    )
    assert r.status_code == 409


def test_dispatcher_sees_what_is_needed_to_act_and_no_history(
    client: TestClient, factory: Factory
) -> None:
    """Names, current numbers and addresses (to send a patrol); no birth date or history."""
    officer = factory.token(Role.OFFICER)
    v = factory.post(
        "/api/v1/people",
        officer,
        {
            "name": "김지은",
            "phones": ["010-2222-3333"],
            "birth_date": "1994-05-02",
            "addresses": [{"label": "home", "text": "서울 마포구", "lat": 37.55, "lon": 126.92}],
        },
    )
    p = factory.person(officer, "박가해")
    case = factory.post(
        "/api/v1/cases",
        officer,
        {
            "victim_id": v["id"],
            "perpetrator_id": p["id"],
            "relationship": "dating",
            "offense": "dating_violence",
        },
    )
    as_officer = client.get(f"/api/v1/cases/{case['id']}", headers=auth(officer)).json()
    assert as_officer["victim"]["birth_date"] == "1994-05-02"
    assert len(as_officer["victim"]["phone_history"]) == 1
    dispatcher = factory.token(Role.DISPATCHER)
    # The victim's call to 112 from a registered number is the dispatcher's reason to read.
    client.get("/api/v1/cases", params={"caller": "010-2222-3333"}, headers=auth(dispatcher))
    as_dispatcher = client.get(f"/api/v1/cases/{case['id']}", headers=auth(dispatcher)).json()
    victim = as_dispatcher["victim"]
    assert victim["phones"] == ["+821022223333"]
    assert victim["addresses"][0]["text"] == "서울 마포구"
    assert (victim["birth_date"], victim["phone_history"]) == (None, [])
