"""Positions in: the anklet feed, the victim's fixes, device events, SOS — durable,
deduplicated, validated; and positions out, only to the case's staff."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from tests.factories import HOME, Factory, auth, geo_world, ping

FEED = "/api/v1/feed/locations"


def count(container: Container, model: type[object]) -> int:
    with reading(container.read_sessions) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_feed_pings_are_stored_once_and_unknown_serials_are_not_kept(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    pings = [
        ping(g.serial, 37.5 + i * 1e-4, 126.9, now - timedelta(seconds=10 * i)) for i in range(5)
    ]
    stranger = ping("EM-NOT-OURS", 37.5, 126.9, now)
    out = factory.post_signed(FEED, g.feed, {"pings": [*pings, stranger]})
    assert out == {"accepted": 5, "duplicates": 0, "unknown": 1}
    again = factory.post_signed(FEED, g.feed, {"pings": pings[:2]})
    assert again == {"accepted": 0, "duplicates": 2, "unknown": 0}
    assert count(container, t.Position) == 5
    with reading(container.read_sessions) as s:
        device = s.get(t.Device, g.anklet_id)
        assert device is not None
        assert device.last_fix_at == datetime.fromisoformat(pings[0]["recorded_at"])
        raw = s.scalars(select(t.Position.fix_sealed)).all()
    assert all("37.5" not in value and "126.9" not in value for value in raw)


def test_a_late_ping_never_moves_the_latest_fix_back(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, now)]})
    factory.post_signed(
        FEED, g.feed, {"pings": [ping(g.serial, 37.6, 126.9, now - timedelta(minutes=5))]}
    )
    with reading(container.read_sessions) as s:
        device = s.get(t.Device, g.anklet_id)
        assert device is not None
        assert device.last_fix_at == now


def test_ten_thousand_pings_fit_in_one_request(factory: Factory, container: Container) -> None:
    g = geo_world(factory)
    start = datetime.now(UTC) - timedelta(days=1)
    pings = [ping(g.serial, 37.5, 126.9, start + timedelta(seconds=i)) for i in range(10_000)]
    assert len(json.dumps({"pings": pings})) > 1_048_576  # above the general body limit
    out = factory.post_signed(FEED, g.feed, {"pings": pings})
    assert out["accepted"] == 10_000
    too_many = factory.post_signed(FEED, g.feed, {"pings": [*pings, pings[0]]}, status=422)
    assert too_many["status"] == 422


def test_bad_pings_change_nothing(factory: Factory, container: Container) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    good = ping(g.serial, 37.5, 126.9, now)
    for bad in (
        {**good, "lat": 91},
        {**good, "lon": "east"},
        {**good, "accuracy_m": -1},
        {**good, "recorded_at": "2026-03-01T21:04:05"},  # no zone: ambiguous
        {**good, "recorded_at": (now + timedelta(hours=1)).isoformat()},  # the future
        {**good, "speed": 3},  # unknown field
    ):
        r = factory.post_signed(FEED, g.feed, {"pings": [good, bad]}, status=422)
        assert r["status"] == 422
    assert count(container, t.Position) == 0


def test_unsigned_feed_requests_are_refused(client: TestClient, factory: Factory) -> None:
    g = geo_world(factory)
    body = {"pings": [ping(g.serial, 37.5, 126.9, datetime.now(UTC))]}
    r = client.post(FEED, json=body, headers=auth(g.feed))
    assert r.status_code == 401


def test_victim_fixes_sos_and_device_events_are_stored(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    fix = {"lat": 37.55, "lon": 126.92, "accuracy_m": 8, "recorded_at": now.isoformat()}
    out = factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    assert out == {"accepted": 1, "duplicates": 0}
    later = (now + timedelta(seconds=20)).isoformat()
    sos = {"lat": 37.551, "lon": 126.921, "accuracy_m": 12, "occurred_at": later}
    assert factory.post_signed("/api/v1/device/sos", g.world.device_token, sos)["accepted"] == 1
    assert factory.post_signed("/api/v1/device/sos", g.world.device_token, sos)["duplicates"] == 1
    events = {
        "events": [{"device": g.serial, "kind": "strap_tamper", "occurred_at": now.isoformat()}]
    }
    out = factory.post_signed("/api/v1/feed/device-events", g.feed, events)
    assert out["accepted"] == 1
    assert count(container, t.DeviceEvent) == 2
    assert count(container, t.Position) == 2  # the victim's fix and where SOS was pressed


def test_positions_reach_the_case_staff_and_no_one_else(
    client: TestClient, factory: Factory
) -> None:
    g = geo_world(factory, warn_m=800)
    now = datetime.now(UTC)
    factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.56, 126.93, now)]})
    fix = {"lat": 37.55, "lon": 126.92, "accuracy_m": 8, "recorded_at": now.isoformat()}
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    path = f"/api/v1/cases/{g.world.case_id}/positions"
    r = client.get(path, headers=auth(g.world.officer))
    assert r.status_code == 200, r.text
    body = r.json()
    zones = {z["label"]: z for z in body["zones"]}
    assert set(zones) == {"home", "victim"}
    assert (zones["home"]["lat"], zones["home"]["lon"]) == HOME
    assert zones["home"]["radius_m"] == 100
    assert zones["home"]["warn_m"] == 800
    assert [p["lat"] for p in body["perpetrator"]["track"]] == [37.56]
    assert [p["lat"] for p in body["victim"]["track"]] == [37.55]
    assert client.get(path, headers=auth(factory.token(Role.OFFICER))).status_code == 404
    other = factory.token(Role.DISPATCHER, "busan-haeundae")
    assert client.get(path, headers=auth(other)).status_code == 404
