"""Times a client sends, in bodies and in cursors: outside 2000-2100 (UTC) or without an
offset they are a 422 problem that changes nothing, never a 500 — including those with no
UTC form at all (year 1 at +14:00, year 9999 at -14:00)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikimi.core.access import Role
from tests.factories import Factory, World, auth, new_mobile

# The first two were a 500 on seven routes; the others are just outside the spans.
OUTSIDE = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00Z",
    "1899-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
    "2026-03-01T21:04:05",  # no offset
]
# Before any event, position or order Jikimi takes, but not before a number was held.
BEFORE_EVENTS = ["1999-12-31T23:59:59Z", "2000-01-01T08:59:59+09:00"]
HISTORY = ("phone from", "phone given up")

Send = Callable[[str], Any]  # a time -> the response of one request carrying it


@pytest.fixture
def world(factory: Factory) -> World:
    """A case with a telecom ban in force and an enrolled phone."""
    return factory.world()


@pytest.fixture
def routes(client: TestClient, factory: Factory, world: World) -> dict[str, Send]:
    """Every route that takes a time in its body, each sending one time in one request."""
    w, feed = world, factory.feed()
    later = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    here = {"lat": 37.5563, "lon": 126.9236, "accuracy_m": 10}

    def signed(path: str, token: str, payload: dict[str, Any]) -> Any:
        body = json.dumps(payload).encode()
        return client.post(path, content=body, headers=factory.signed(token, "POST", path, body))

    def staff(path: str, payload: dict[str, Any]) -> Any:
        return client.post(path, json=payload, headers=auth(w.officer))

    def event(at: str) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "kind": "sms", "number": None, "occurred_at": at}

    return {
        "phone contacts": lambda at: signed(
            "/api/v1/device/contacts", w.device_token, {"events": [event(at)]}
        ),
        "operator contacts": lambda at: signed(
            "/api/v1/feed/contacts",
            feed,
            {"events": [{**event(at), "victim_number": w.victim_number}]},
        ),
        "victim locations": lambda at: signed(
            "/api/v1/device/locations", w.device_token, {"pings": [{**here, "recorded_at": at}]}
        ),
        "SOS": lambda at: signed("/api/v1/device/sos", w.device_token, {**here, "occurred_at": at}),
        "anklet feed": lambda at: signed(
            "/api/v1/feed/locations",
            feed,
            {"pings": [{**here, "device": "EM-000123", "recorded_at": at}]},
        ),
        "device events": lambda at: signed(
            "/api/v1/feed/device-events",
            feed,
            {"events": [{"device": "EM-000123", "kind": "battery_low", "occurred_at": at}]},
        ),
        "order start": lambda at: staff(
            f"/api/v1/cases/{w.case_id}/orders",
            {"kind": "stalking.provisional.3", "starts_at": at, "ends_at": later},
        ),
        "order end": lambda at: staff(
            f"/api/v1/cases/{w.case_id}/orders",
            {"kind": "stalking.provisional.3", "starts_at": later, "ends_at": at},
        ),
        "order extension": lambda at: staff(
            f"/api/v1/orders/{w.order_id}/extensions", {"ends_at": at}
        ),
        "phone from": lambda at: staff(
            f"/api/v1/people/{w.victim_id}/phones", {"number": new_mobile(), "valid_from": at}
        ),
        "phone given up": lambda at: staff(
            f"/api/v1/people/{w.victim_id}/phones/end",
            {"number": w.victim_number, "valid_to": at},
        ),
    }


def _what_the_case_holds(client: TestClient, w: World) -> Any:
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    return case["orders"], case["victim"]["phone_history"], case["open_alerts"]


@pytest.mark.parametrize("at", OUTSIDE + BEFORE_EVENTS)
def test_a_time_outside_the_span_is_a_422_on_every_route_and_changes_nothing(
    client: TestClient, factory: Factory, world: World, routes: dict[str, Send], at: str
) -> None:
    """Finding 12: year 1 at +14:00 and year 9999 at -14:00 were a 500 on seven routes."""
    before = _what_the_case_holds(client, world)
    for name, send in routes.items():
        if at in BEFORE_EVENTS and name in HISTORY:
            continue
        r = send(at)
        assert r.status_code == 422, (name, r.text)
        assert r.headers["content-type"] == "application/problem+json", name
    factory.container.worker.run_once()
    assert _what_the_case_holds(client, world) == before


def test_the_spans_own_first_instants_are_taken(routes: dict[str, Send]) -> None:
    """2000-01-01T00:00Z, written at +09:00, for an event; a number held since 1998."""
    r = routes["phone contacts"]("2000-01-01T09:00:00+09:00")
    assert r.status_code == 202, r.text
    r = routes["phone from"]("1998-05-01T00:00:00+09:00")
    assert r.status_code == 200, r.text


OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-(24 * 60 - 1), 24 * 60 - 1)
)
ANY_TIME = st.datetimes(timezones=st.none() | OFFSETS)  # year 1 to 9999, any offset or none


def _in_span(at: datetime) -> bool:
    offset = at.utcoffset()
    if offset is None:
        return False
    try:
        utc = at.replace(tzinfo=None) - offset
    except OverflowError:
        return False
    return datetime(2000, 1, 1) <= utc < datetime(2101, 1, 1)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(at=ANY_TIME, route=st.sampled_from(["phone contacts", "anklet feed", "order start"]))
def test_any_time_with_any_offset_is_never_a_server_error(
    routes: dict[str, Send], at: datetime, route: str
) -> None:
    """Any datetime Python can write, at any offset or none: taken, or a 422 problem."""
    r = routes[route](at.isoformat())
    assert r.status_code in (201, 202, 422), r.text
    if not _in_span(at):
        assert r.status_code == 422, r.text


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        "2026-01-01T00:00:00|0123abcd",  # naive: compared with aware times in the query
        "0001-01-01T00:00:00+14:00|0123abcd",  # no UTC form
        "9999-12-31T23:59:59-14:00|0123abcd",
        "2026-01-01T00:00:00+00:00|ab\x00cd",  # a NUL: PostgreSQL cannot compare it
        "2026-01-01T00:00:00+00:00|",
        "not a time|0123abcd",
        "no bar at all",
    ],
)
def test_a_cursor_the_server_did_not_give_is_a_422(
    client: TestClient, world: World, raw: str
) -> None:
    """Finding 12: a naive or year-1 time inside an alerts cursor was a 500."""
    r = client.get("/api/v1/alerts", params={"cursor": _cursor(raw)}, headers=auth(world.officer))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"


def test_the_server_s_own_cursors_still_page(
    client: TestClient, factory: Factory, world: World
) -> None:
    """Three alerts of three cases, a page of one at a time, newest first, each once."""
    dispatcher = factory.token(Role.DISPATCHER)
    worlds = [world, factory.world(), factory.world()]
    for w in worlds:
        factory.contact(w.device_token, w.perpetrator_number)
    factory.container.worker.run_once()
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/alerts", params=params, headers=auth(dispatcher)).json()
        seen += [a["case_id"] for a in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(w.case_id for w in worlds)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cursor=st.text(max_size=200)
    | st.builds(
        lambda at, alert_id: _cursor(f"{at.isoformat()}|{alert_id}"),
        ANY_TIME,
        st.text(max_size=40),
    )
)
def test_any_cursor_is_a_page_or_a_422(client: TestClient, world: World, cursor: str) -> None:
    """Arbitrary text, or a well-encoded cursor around any time and any id (a NUL in the
    address is a 400 before any route runs)."""
    r = client.get("/api/v1/alerts", params={"cursor": cursor}, headers=auth(world.officer))
    assert r.status_code in (200, 422) or (r.status_code == 400 and "\x00" in cursor), r.text
