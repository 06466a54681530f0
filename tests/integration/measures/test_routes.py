"""Safety measures through HTTP: put in place, listed, extended and ended within their
kind's limits, by the case's own officer only, each change and read on the access trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from tests.factories import Factory, World, auth


def measure(
    factory: Factory,
    w: World,
    kind: str = "private_security",
    start: timedelta = timedelta(hours=-1),
    days: float = 14,
    status: int = 201,
    **extra: Any,
) -> Any:
    """Put a measure in place on the world's case, `start` from now, for `days`."""
    starts_at = datetime.now(UTC) + start
    body = {
        "kind": kind,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(days=days)).isoformat(),
        **extra,
    }
    return factory.post(f"/api/v1/cases/{w.case_id}/safety-measures", w.officer, body, status)


def listed(client: TestClient, token: str, case_id: str) -> list[dict[str, Any]]:
    """The case's measures as `token` lists them."""
    r = client.get(f"/api/v1/cases/{case_id}/safety-measures", headers=auth(token))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def extend(client: TestClient, token: str, measure_id: str, ends_at: str) -> Any:
    """Ask for a new end."""
    url = f"/api/v1/safety-measures/{measure_id}/extensions"
    return client.post(url, json={"ends_at": ends_at}, headers=auth(token))


def end(client: TestClient, token: str, measure_id: str, reason: str = "피해자 요청") -> Any:
    """End a measure now."""
    url = f"/api/v1/safety-measures/{measure_id}/end"
    return client.post(url, json={"reason": reason}, headers=auth(token))


def test_a_measure_is_put_in_place_listed_extended_once_and_ended_once(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    m = measure(factory, w, provider="○○경호", serial="SW-1234", note="야간 경호")
    assert m["kind"] == "private_security"
    assert (m["status"], m["extensions"], m["ended_at"]) == ("active", [], None)
    assert (m["provider"], m["serial"], m["note"]) == ("○○경호", "SW-1234", "야간 경호")
    supervisor = factory.token(Role.SUPERVISOR)
    assert [x["id"] for x in listed(client, supervisor, w.case_id)] == [m["id"]]
    assert listed(client, w.officer, w.case_id)[0]["serial"] == "SW-1234"

    new_end = (datetime.fromisoformat(m["ends_at"]) + timedelta(days=14)).isoformat()
    r = extend(client, w.officer, m["id"], new_end)
    assert r.status_code == 200, r.text
    extended = r.json()
    assert datetime.fromisoformat(extended["ends_at"]) == datetime.fromisoformat(new_end)
    [x] = extended["extensions"]
    assert x["previous_ends_at"] == m["ends_at"]
    again = extend(client, w.officer, m["id"], (datetime.now(UTC) + timedelta(days=29)).isoformat())
    assert again.status_code == 422
    assert "at most 1 extension" in again.json()["detail"]

    r = end(client, w.officer, m["id"], "피해자 쉼터 입소")
    assert r.status_code == 200, r.text
    ended = r.json()
    assert (ended["status"], ended["end_reason"]) == ("ended", "피해자 쉼터 입소")
    assert ended["ended_at"] is not None
    assert end(client, w.officer, m["id"]).status_code == 409
    assert extend(client, w.officer, m["id"], new_end).status_code == 409
    assert listed(client, w.officer, w.case_id)[0]["status"] == "ended"


def test_a_window_or_extension_beyond_the_kinds_limits_is_a_422_naming_it(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    too_long = measure(factory, w, "private_security", days=14.5, status=422)
    assert "private_security lasts at most 14 day(s)" in too_long["detail"]
    backwards = measure(factory, w, "patrol", days=-1, status=422)
    assert "after starts_at" in backwards["detail"]
    unknown = measure(factory, w, "bodyguard_robot", status=422)
    assert unknown["status"] == 422
    escort = measure(factory, w, "escort", days=2)
    r = extend(client, w.officer, escort["id"], (datetime.now(UTC) + timedelta(days=3)).isoformat())
    assert r.status_code == 422
    assert "escort cannot be extended" in r.json()["detail"]
    watch = measure(factory, w, "smartwatch", days=30)
    far = datetime.fromisoformat(watch["ends_at"]) + timedelta(days=31)
    r = extend(client, w.officer, watch["id"], far.isoformat())
    assert r.status_code == 422
    assert "each extension of smartwatch is at most 30 day(s)" in r.json()["detail"]
    # A smartwatch is lent a month at a time, as often as it is needed.
    for month in (1, 2, 3):
        month_end = datetime.fromisoformat(watch["ends_at"]) + timedelta(days=30 * month)
        assert extend(client, w.officer, watch["id"], month_end.isoformat()).status_code == 200
    assert [m["kind"] for m in listed(client, w.officer, w.case_id)] == ["escort", "smartwatch"]


def test_the_status_comes_from_the_clock(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    later = measure(factory, w, "home_cctv", start=timedelta(days=2), days=90)
    now = measure(factory, w, "patrol", days=30)
    past = measure(factory, w, "shelter", start=timedelta(days=-10), days=7)
    assert (later["status"], now["status"], past["status"]) == ("scheduled", "active", "ended")
    assert end(client, w.officer, past["id"]).status_code == 409  # over by the clock already
    # Ending one not yet started ends it before it starts.
    assert end(client, w.officer, later["id"]).json()["status"] == "ended"
    statuses = {m["kind"]: m["status"] for m in listed(client, w.officer, w.case_id)}
    assert statuses == {"shelter": "ended", "patrol": "active", "home_cctv": "ended"}


def test_what_is_not_the_callers_is_not_found_as_what_does_not_exist(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    m = measure(factory, w, "smartwatch", days=30)
    colleague = factory.token(Role.OFFICER)  # same agency, not on the case
    busan = {r: factory.token(r, "busan-haeundae") for r in (Role.OFFICER, Role.SUPERVISOR)}
    later = (datetime.fromisoformat(m["ends_at"]) + timedelta(days=5)).isoformat()
    body = {"kind": "patrol", "starts_at": m["starts_at"], "ends_at": m["ends_at"]}
    for token in (colleague, busan[Role.OFFICER]):
        for case_id in (w.case_id, "0" * 32):
            r = client.post(
                f"/api/v1/cases/{case_id}/safety-measures", json=body, headers=auth(token)
            )
            assert (r.status_code, r.json()["detail"]) == (404, "not found")
        for measure_id in (m["id"], "0" * 32):
            for r in (extend(client, token, measure_id, later), end(client, token, measure_id)):
                assert (r.status_code, r.json()["detail"]) == (404, "not found")
    for token in (colleague, busan[Role.OFFICER], busan[Role.SUPERVISOR]):
        r = client.get(f"/api/v1/cases/{w.case_id}/safety-measures", headers=auth(token))
        assert (r.status_code, r.json()["detail"]) == (404, "not found")
    dispatcher = factory.token(Role.DISPATCHER)
    r = client.get(f"/api/v1/cases/{w.case_id}/safety-measures", headers=auth(dispatcher))
    assert r.status_code == 403
    supervisor = factory.token(Role.SUPERVISOR)
    assert end(client, supervisor, m["id"]).status_code == 403  # officers change measures
    assert listed(client, w.officer, w.case_id)[0]["status"] == "active"


def test_changes_and_reads_are_on_the_access_trail_with_the_cases_people(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    m = measure(factory, w, "smartwatch", days=30, serial="W-77")
    later = (datetime.fromisoformat(m["ends_at"]) + timedelta(days=5)).isoformat()
    assert extend(client, w.officer, m["id"], later).status_code == 200
    assert end(client, w.officer, m["id"]).status_code == 200
    listed(client, factory.token(Role.SUPERVISOR), w.case_id)
    with reading(container.read_sessions) as s:
        q = select(t.AccessRecord).where(t.AccessRecord.resource == "safety_measure")
        got = [(r.action, r.role, r.resource_id, set(r.subjects)) for r in s.scalars(q)]
    people = {w.victim_id, w.perpetrator_id}
    assert got == [
        ("create", "officer", m["id"], people),
        ("update", "officer", m["id"], people),
        ("update", "officer", m["id"], people),
        ("read", "supervisor", w.case_id, people),
    ]
