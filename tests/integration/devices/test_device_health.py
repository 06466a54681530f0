"""Device health and the panic button: tamper, signal, battery, silence, SOS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.tx import reading
from jikimi.devices.messages import CheckSilentDevices
from tests.factories import Factory, GeoWorld, auth, geo_world, ping
from tests.factories import geo_alerts as alerts

EVENTS = "/api/v1/feed/device-events"


def device_event(g: GeoWorld, kind: str, at: datetime) -> dict[str, Any]:
    return {"events": [{"device": g.serial, "kind": kind, "occurred_at": at.isoformat()}]}


def test_strap_tamper_raises_a_critical_alert_once_per_event(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    factory.post_signed(EVENTS, g.feed, device_event(g, "strap_tamper", now))
    factory.post_signed(EVENTS, g.feed, device_event(g, "strap_tamper", now))  # a repeat
    container.worker.run_once()
    (alert,) = alerts(client, factory, g)
    assert (alert["kind"], alert["severity"], alert["count"]) == ("device_tamper", "critical", 1)
    assert alert["evidence"][0]["kind"] == "strap_tamper"


def test_signal_lost_then_restored_is_one_alert_with_its_story(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    factory.post_signed(EVENTS, g.feed, device_event(g, "signal_lost", now))
    container.worker.run_once()
    factory.post_signed(EVENTS, g.feed, device_event(g, "signal_restored", now + timedelta(1e-3)))
    container.worker.run_once()
    (alert,) = alerts(client, factory, g)
    assert alert["kind"] == "device_offline"
    timeline = client.get(
        f"/api/v1/alerts/{alert['id']}/timeline", headers=auth(g.world.officer)
    ).json()
    assert [e["action"] for e in timeline] == ["opened", "signal_restored"]


def test_battery_is_remembered_without_an_alert(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    factory.post_signed(EVENTS, g.feed, device_event(g, "battery_low", now))
    container.worker.run_once()
    with reading(container.read_sessions) as s:
        device = s.get(t.Device, g.anklet_id)
        assert device is not None
        assert device.battery_low_at == now
    factory.post_signed(EVENTS, g.feed, device_event(g, "charging", now + timedelta(minutes=1)))
    container.worker.run_once()
    with reading(container.read_sessions) as s:
        device = s.get(t.Device, g.anklet_id)
        assert device is not None
        assert device.battery_low_at is None
    assert alerts(client, factory, g) == []


def test_sos_is_a_critical_alert_with_the_victims_position(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    sos = {
        "lat": 37.5571,
        "lon": 126.9245,
        "accuracy_m": 12,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    factory.post_signed("/api/v1/device/sos", g.world.device_token, sos)
    container.worker.run_once()
    (alert,) = alerts(client, factory, g)
    assert (alert["kind"], alert["severity"]) == ("sos", "critical")
    ev = alert["evidence"][0]
    assert (ev["lat"], ev["lon"], ev["accuracy_m"]) == (37.5571, 126.9245, 12)


def test_a_silent_anklet_under_monitoring_raises_device_offline_once_per_silence(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    factory.post_signed(
        "/api/v1/feed/locations",
        g.feed,
        {"pings": [ping(g.serial, 37.5, 126.9, now - timedelta(minutes=11))]},
    )
    check = CheckSilentDevices(silence_s=600)
    container.bus.handle(check)
    (alert,) = alerts(client, factory, g)
    assert (alert["kind"], alert["count"]) == ("device_offline", 1)
    container.bus.handle(check)  # the same silence: nothing new
    assert alerts(client, factory, g)[0]["count"] == 1
    # The anklet is heard again, then silent again: the unresolved alert grows.
    factory.post_signed(
        "/api/v1/feed/locations",
        g.feed,
        {"pings": [ping(g.serial, 37.5, 126.9, now - timedelta(minutes=10, seconds=30))]},
    )
    container.bus.handle(check)
    assert alerts(client, factory, g)[0]["count"] == 2


def test_a_heard_anklet_is_not_silent(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    factory.post_signed(
        "/api/v1/feed/locations",
        g.feed,
        {"pings": [ping(g.serial, 37.5, 126.9, datetime.now(UTC))]},
    )
    container.bus.handle(CheckSilentDevices(silence_s=600))
    assert alerts(client, factory, g) == []


def test_a_feed_outage_is_not_a_storm_of_offline_alerts(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Every anklet unheard at once means the feed is down, not every wearer: no alert per
    wearer (operators are told in the log); once the feed speaks, the silent one alerts."""
    worlds = [geo_world(factory) for _ in range(3)]
    old = datetime.now(UTC) - timedelta(minutes=20)
    for g in worlds:
        factory.post_signed(
            "/api/v1/feed/locations", g.feed, {"pings": [ping(g.serial, 37.5, 126.9, old)]}
        )
    check = CheckSilentDevices(silence_s=600, feed_outage_at=3)
    container.bus.handle(check)
    assert all(alerts(client, factory, g) == [] for g in worlds)
    fresh = ping(worlds[0].serial, 37.5, 126.9, datetime.now(UTC))
    factory.post_signed("/api/v1/feed/locations", worlds[0].feed, {"pings": [fresh]})
    container.bus.handle(check)
    assert alerts(client, factory, worlds[0]) == []
    assert [a["kind"] for a in alerts(client, factory, worlds[1])] == ["device_offline"]
    assert [a["kind"] for a in alerts(client, factory, worlds[2])] == ["device_offline"]
