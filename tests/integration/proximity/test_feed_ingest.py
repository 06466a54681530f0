"""The anklet feed's fast path: a body validated in bulk still answers a bad ping with a 422
naming it; duplicates are counted within and across requests; serials are remembered but
a new binding counts at once; rows are written exactly as the mapped table writes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from jikimi import schema as t
from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.core import sealing as crypto
from jikimi.core.tx import reading, transaction
from jikimi.devices.anklets import AnkletDirectory
from jikimi.proximity import positions
from jikimi.proximity.tables import position_key
from tests.factories import Factory, geo_world, ping

FEED = "/api/v1/feed/locations"


def test_a_bad_ping_is_a_422_naming_the_item_and_its_field(factory: Factory) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    good = ping(g.serial, 37.5, 126.9, now)
    cases = [
        ({**good, "lat": 91}, "lat", "less than or equal to 90"),
        ({**good, "lon": "east"}, "lon", "valid number"),
        ({**good, "accuracy_m": -1}, "accuracy_m", "greater than or equal to 0"),
        ({**good, "recorded_at": "2026-03-01T21:04:05"}, "recorded_at", "timezone"),
        ({**good, "device": ""}, "device", "at least 1 character"),
        ({**good, "speed": 3}, "speed", "Extra inputs"),
    ]
    for bad, field, words in cases:
        r = factory.post_signed(FEED, g.feed, {"pings": [good, good, bad]}, status=422)
        assert r["errors"][0]["loc"] == ["body", "pings", 2, field], r
        assert words in r["errors"][0]["msg"], r
        assert json.dumps(bad.get(field)) not in json.dumps(r["errors"])  # no input echoed


def test_the_future_a_body_too_long_and_a_body_that_is_not_json(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    later = ping(g.serial, 37.5, 126.9, now + timedelta(hours=1))
    r = factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, now), later]}, 422)
    assert r["detail"].startswith("item 1: recorded in the future")
    many = {"pings": [ping(g.serial, 37.5, 126.9, now)] * 10_001}
    r = factory.post_signed(FEED, g.feed, many, status=422)
    assert r["errors"][0]["loc"] == ["body", "pings"]
    assert "at most 10000" in r["errors"][0]["msg"]
    body = b'{"pings": ['
    headers = factory.signed(g.feed, "POST", FEED, body)
    assert client.post(FEED, content=body, headers=headers).status_code == 400
    headers = factory.signed(g.feed, "POST", FEED, b"")
    assert client.post(FEED, content=b"", headers=headers).status_code == 422
    body = json.dumps({"pings": [ping(g.serial, 37.5, 126.9, now)]}).encode()
    headers = factory.signed(g.feed, "POST", FEED, body) | {"Content-Type": "text/plain"}
    r = client.post(FEED, content=body, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    with reading(container.read_sessions) as s:
        assert s.scalar(select(t.Position.seq)) is None


@pytest.mark.usefixtures("sqlite_writes")
def test_duplicates_within_and_across_requests_are_counted_once(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    at = datetime.now(UTC) - timedelta(minutes=1)
    a = ping(g.serial, 37.5, 126.9, at)
    b = ping(g.serial, 37.5001, 126.9, at + timedelta(seconds=10))
    # The same instant written in another zone is the same ping.
    a_kst = {**a, "recorded_at": at.astimezone(timezone(timedelta(hours=9))).isoformat()}
    out = factory.post_signed(FEED, g.feed, {"pings": [a, b, a_kst, b]})
    assert out == {"accepted": 2, "duplicates": 2, "unknown": 0}
    c = ping(g.serial, 37.5002, 126.9, at + timedelta(seconds=20))
    out = factory.post_signed(FEED, g.feed, {"pings": [b, c, c]})
    assert out == {"accepted": 1, "duplicates": 2, "unknown": 0}
    with reading(container.read_sessions) as s:
        fixes = positions.between(
            s, [g.anklet_id], at - timedelta(1), at + timedelta(1), phones=False
        )
    assert [(f.lat, f.recorded_at) for f in fixes] == [
        (37.5, at),
        (37.5001, at + timedelta(seconds=10)),
        (37.5002, at + timedelta(seconds=20)),
    ]


def test_a_serial_bound_after_its_first_pings_counts_from_the_next_request(
    factory: Factory,
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    serial = "EM-LATE-BOUND"
    first = factory.post_signed(FEED, g.feed, {"pings": [ping(serial, 37.5, 126.9, now)]})
    assert first == {"accepted": 0, "duplicates": 0, "unknown": 1}
    factory.post(
        f"/api/v1/cases/{g.world.case_id}/devices",
        g.world.officer,
        {"kind": "anklet", "serial": serial},
    )
    again = factory.post_signed(FEED, g.feed, {"pings": [ping(serial, 37.5, 126.9, now)]})
    assert again == {"accepted": 1, "duplicates": 0, "unknown": 0}


def test_a_binding_removed_behind_the_directory_stops_counting(
    factory: Factory, container: Container
) -> None:
    # Jikimi has no unbinding route yet; an operator's correction in the database (or a
    # later route) must not leave pings flowing into the wrong case.
    g = geo_world(factory)
    now = datetime.now(UTC)
    out = factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, now)]})
    assert out["accepted"] == 1
    with transaction(container.sessions) as s:
        s.execute(text("DELETE FROM positions"))
        s.execute(text("DELETE FROM devices WHERE id = :d"), {"d": g.anklet_id})
    later = now + timedelta(seconds=1)
    out = factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, later)]})
    assert out == {"accepted": 0, "duplicates": 0, "unknown": 1}


@pytest.mark.usefixtures("sqlite_writes")
def test_rows_are_what_the_mapped_table_writes_and_seals(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    at = datetime(2026, 3, 1, 21, 4, 5, 120000, tzinfo=timezone(timedelta(hours=9)))
    factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.1234567, 126.9, at, 12.5)]})
    with reading(container.read_sessions) as s:
        row = s.scalars(select(t.Position)).one()
        device = s.get(t.Device, g.anklet_id)
        raw = s.execute(text("SELECT recorded_at, received_at FROM positions")).one()
        assert row.recorded_at == at
        assert row.fix == "37.1234567,126.9000000,12.5"  # opens with the ORM's own AAD
        key = f"positions.fix:{position_key(g.anklet_id, at)}"
        assert crypto.ring().open(row.fix_sealed, key) == row.fix
        assert device is not None
        assert device.last_fix_at == at
        assert device.last_seen_at is not None
        assert device.last_seen_at >= row.received_at - timedelta(seconds=1)
    if container.engine.dialect.name == "sqlite":  # UtcDateTime's stored form, exactly
        assert raw[0] == "2026-03-01 12:04:05.120000"
        assert len(raw[1]) == 26


def test_one_access_record_per_request_names_every_wearer_once(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    pings = [ping(g.serial, 37.5, 126.9, now - timedelta(seconds=i)) for i in range(50)]
    with reading(container.read_sessions) as s:
        before = audit.count(s)
    factory.post_signed(FEED, g.feed, {"pings": [*pings, ping("EM-NOBODY", 37.5, 126.9, now)]})
    with reading(container.read_sessions) as s:
        assert audit.count(s) == before + 1
        record = s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n.desc())).first()
        device = s.get(t.Device, g.anklet_id)
        assert audit.verify(s).ok
        assert record is not None
        assert device is not None
        assert (record.action, record.resource) == ("submit", "positions")
        assert list(record.subjects) == [device.person_id]


def test_the_openapi_document_still_describes_the_feed_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"][FEED]["post"]["requestBody"]["content"]["application/json"]["schema"]
    item = body["properties"]["pings"]["items"]
    assert body["properties"]["pings"]["maxItems"] == 10_000
    assert set(item["required"]) == {"device", "lat", "lon", "accuracy_m", "recorded_at"}
    assert item["properties"]["lat"]["maximum"] == 90
    assert "$ref" not in json.dumps(body)


def test_the_directory_forgets_after_its_ttl_what_its_stamp_cannot_see(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = [0.0]
    directory = AnkletDirectory(10.0, clock=lambda: now[0])
    with transaction(container.sessions) as s:
        assert directory.lookup(s, [g.serial])[g.serial].device_id == g.anklet_id
        # A serial edited in place (nothing in Jikimi does this) keeps the stamp.
        s.execute(text("UPDATE devices SET serial = 'EM-EDITED' WHERE id = :d"), {"d": g.anklet_id})
        assert g.serial in directory.lookup(s, [g.serial, "EM-EDITED"])
        now[0] = 10.0
        assert set(directory.lookup(s, [g.serial, "EM-EDITED"])) == {"EM-EDITED"}
