"""The 112 look-up: a call comes in from a registered victim's number, and the dispatcher
finds the victim's case, recorded on the access trail, open to that dispatcher for an hour."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth, geo_world, new_mobile

LOOKUP = "/api/v1/cases"


def lookup(client: TestClient, token: str, caller: str, status: int = 200) -> Any:
    """GET /cases?caller=… and check the status."""
    r = client.get(LOOKUP, params={"caller": caller}, headers=auth(token))
    assert r.status_code == status, r.text
    return r.json()


def as_typed(e164: str) -> str:
    """+821012345678 the way a console shows an incoming call: 010-1234-5678."""
    national = "0" + e164[3:]
    return f"{national[:3]}-{national[3:7]}-{national[7:]}"


def last_record(container: Container) -> t.AccessRecord:
    """The newest access record."""
    with reading(container.read_sessions) as s:
        row = s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n.desc())).first()
        assert row is not None
        s.expunge(row)
        return row


def test_a_112_lookup_returns_what_sends_a_unit_and_opens_the_case_for_an_hour(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The victim's name, home address, orders in force and tier; recorded as a 112
    look-up naming whose data it showed; the case opens to that dispatcher only, until
    the hour is up."""
    g = geo_world(factory)
    w = g.world
    dispatcher = factory.token(Role.DISPATCHER, name="상황실 김경위")
    case_path = f"/api/v1/cases/{w.case_id}"
    assert client.get(case_path, headers=auth(dispatcher)).status_code == 404

    page = lookup(client, dispatcher, as_typed(w.victim_number))
    assert page["next"] is None
    [found] = page["items"]
    assert found["id"] == w.case_id
    assert (found["victim_name"], found["perpetrator_name"]) == ("김지은", "박가해")
    assert found["home_address"]["text"] == "서울 마포구 …"
    assert sorted(o["kind"] for o in found["orders"]) == [
        "stalking.provisional.2",
        "stalking.provisional.3-2",
    ]
    assert found["risk_tier"] is None  # not assessed yet
    assert found["open_alerts"] == 0
    record = last_record(container)
    assert (record.action, record.resource, record.role) == ("read", "lookup_112", "dispatcher")
    assert set(record.subjects) == {w.victim_id, w.perpetrator_id}
    assert w.victim_number not in str(record.purpose)
    assert record.resource_id is None

    assert client.get(case_path, headers=auth(dispatcher)).status_code == 200
    assert client.get(f"{case_path}/positions", headers=auth(dispatcher)).status_code == 200
    colleague = factory.token(Role.DISPATCHER)
    assert client.get(case_path, headers=auth(colleague)).status_code == 404
    with transaction(container.sessions) as s:
        s.execute(update(t.CallerLookup).values(expires_at=t.CallerLookup.looked_up_at))
    assert client.get(case_path, headers=auth(dispatcher)).status_code == 404


def test_an_unknown_number_is_an_empty_list_and_still_recorded(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """No registered victim behind the number: 200 with no items, not an error; the
    perpetrator's own number finds nothing either (the look-up is for victims)."""
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)
    assert lookup(client, dispatcher, new_mobile()) == {"items": [], "next": None}
    record = last_record(container)
    assert (record.action, record.resource, record.subjects) == ("read", "lookup_112", [])
    assert lookup(client, dispatcher, w.perpetrator_number)["items"] == []
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(dispatcher)).status_code == 404


def test_another_agencys_victims_are_never_returned(client: TestClient, factory: Factory) -> None:
    """The same number registered in Mapo and in Haeundae: each dispatcher finds only
    the case of their own agency."""
    number = new_mobile()
    cases = {}
    for agency in ("seoul-mapo", "busan-haeundae"):
        officer = factory.token(Role.OFFICER, agency=agency)
        victim = factory.person(officer, "김지은", phones=[number])
        perp = factory.person(officer, "박가해")
        cases[agency] = factory.post(
            "/api/v1/cases",
            officer,
            {
                "victim_id": victim["id"],
                "perpetrator_id": perp["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        )["id"]
    for agency, case_id in cases.items():
        dispatcher = factory.token(Role.DISPATCHER, agency=agency)
        assert [c["id"] for c in lookup(client, dispatcher, number)["items"]] == [case_id]
        other = next(c for a, c in cases.items() if a != agency)
        assert client.get(f"/api/v1/cases/{other}", headers=auth(dispatcher)).status_code == 404


def test_the_lookup_is_the_dispatchers_and_bad_input_is_a_problem(
    client: TestClient, factory: Factory
) -> None:
    """A number no one could dial is a 422; no number is a 422; other roles get 403."""
    dispatcher = factory.token(Role.DISPATCHER)
    for caller in ("not a number", "12", "0" * 40):
        r = client.get(LOOKUP, params={"caller": caller}, headers=auth(dispatcher))
        assert r.status_code == 422, caller
        assert r.headers["content-type"] == "application/problem+json"
    assert client.get(LOOKUP, headers=auth(dispatcher)).status_code == 422
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN):
        token = factory.token(role)
        r = client.get(LOOKUP, params={"caller": new_mobile()}, headers=auth(token))
        assert r.status_code == 403, role
