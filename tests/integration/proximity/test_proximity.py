"""The proximity watch end to end: pings in over HTTP, alerts out, as a dispatcher sees
them — violations, warnings, early warnings, hysteresis, the moving victim, encounters,
late pings, and state that survives a restart."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container, build
from jikimi.core.settings import Settings
from tests.factories import HOME, Factory, GeoWorld, auth, geo_world, ping
from tests.factories import geo_alerts as alerts

FEED = "/api/v1/feed/locations"


def near_home(east_m: float, north_m: float = 0.0) -> tuple[float, float]:
    """A point this many metres east and north of the victim's home."""
    lat = HOME[0] + north_m / 111_320
    lon = HOME[1] + east_m / (111_320 * math.cos(math.radians(HOME[0])))
    return lat, lon


def send(
    factory: Factory,
    g: GeoWorld,
    points: list[tuple[float, float]],
    start: datetime,
    step_s: float = 15,
    accuracy_m: float = 5,
) -> None:
    """The anklet's pings, `step_s` apart, from `start`."""
    pings = [
        ping(g.serial, lat, lon, start + timedelta(seconds=i * step_s), accuracy_m)
        for i, (lat, lon) in enumerate(points)
    ]
    factory.post_signed(FEED, g.feed, {"pings": pings})


def kinds(client: TestClient, factory: Factory, g: GeoWorld) -> dict[str, dict[str, Any]]:
    return {a["kind"]: a for a in alerts(client, factory, g)}


def actions(client: TestClient, g: GeoWorld, alert_id: str) -> list[str]:
    """The alert's timeline, as the case's officer reads it."""
    r = client.get(f"/api/v1/alerts/{alert_id}/timeline", headers=auth(g.world.officer))
    return [e["action"] for e in r.json()]


def test_an_anklet_ping_inside_the_ban_is_a_critical_violation_with_its_evidence(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    send(factory, g, [near_home(60)], datetime.now(UTC) - timedelta(minutes=1))
    container.worker.run_once()
    got = kinds(client, factory, g)
    alert = got["proximity_violation"]
    assert alert["severity"] == "critical"
    (ev,) = alert["evidence"]
    assert ev["zone"] == "home"
    assert abs(ev["distance_m"] - 60) < 1
    assert ev["accuracy_m"] == 5
    assert ev["possibly_inside"] is False
    assert (round(ev["lat"], 5), round(ev["lon"], 5)) == tuple(round(x, 5) for x in near_home(60))


def test_the_error_circle_reaching_in_is_possibly_inside(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    send(factory, g, [near_home(130)], datetime.now(UTC) - timedelta(minutes=1), accuracy_m=40)
    container.worker.run_once()
    ev = kinds(client, factory, g)["proximity_violation"]["evidence"][0]
    assert ev["possibly_inside"] is True


def test_within_the_warning_radius_is_a_warning(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    send(factory, g, [near_home(0, 600)], datetime.now(UTC) - timedelta(minutes=1))
    container.worker.run_once()
    assert set(kinds(client, factory, g)) == {"proximity_warning"}


def test_jitter_across_the_line_is_one_alert_and_the_episode_end_is_noted(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    start = datetime.now(UTC) - timedelta(minutes=10)
    jitter = [near_home(d) for d in (95, 104, 97, 108, 92, 103, 99, 106)]
    send(factory, g, jitter, start)
    container.worker.run_once()
    alert = kinds(client, factory, g)["proximity_violation"]
    assert alert["count"] == 1
    # Two clearly-outside fixes end the episode; coming back in grows the same alert.
    send(factory, g, [near_home(400), near_home(420), near_home(50)], start + timedelta(minutes=3))
    container.worker.run_once()
    alert = kinds(client, factory, g)["proximity_violation"]
    assert alert["count"] == 2
    assert actions(client, g, alert["id"]) == ["opened", "episode_ended", "grew"]


def test_a_fix_before_the_ban_began_is_not_a_violation(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)  # the ban started a day ago
    send(factory, g, [near_home(30)], datetime.now(UTC) - timedelta(days=2))
    container.worker.run_once()
    # (The anklet has been silent since: that is its own alert, device_offline.)
    assert set(kinds(client, factory, g)) == {"device_offline"}


def test_a_late_ping_inside_still_alerts(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    send(factory, g, [near_home(3000)], now - timedelta(seconds=30))
    container.worker.run_once()
    assert alerts(client, factory, g) == []
    send(factory, g, [near_home(40)], now - timedelta(minutes=5))  # delivered late
    container.worker.run_once()
    ev = kinds(client, factory, g)["proximity_violation"]["evidence"][0]
    assert ev["late"] is True


def test_the_victims_own_fresh_position_is_a_zone_that_moves_with_the_victim(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    cafe = near_home(5000, 5000)  # far from home
    fix = {
        "lat": cafe[0],
        "lon": cafe[1],
        "accuracy_m": 5,
        "recorded_at": (now - timedelta(minutes=2)).isoformat(),
    }
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    container.worker.run_once()
    lat, lon = cafe[0] + 50 / 111_320, cafe[1]
    send(factory, g, [(lat, lon)], now - timedelta(minutes=1))
    container.worker.run_once()
    ev = kinds(client, factory, g)["proximity_violation"]["evidence"][0]
    assert ev["zone"] == "victim"
    assert abs(ev["distance_m"] - 50) < 2


def test_the_victims_stale_position_is_no_zone(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    cafe = near_home(5000, 5000)
    fix = {
        "lat": cafe[0],
        "lon": cafe[1],
        "accuracy_m": 5,
        "recorded_at": (now - timedelta(minutes=20)).isoformat(),
    }
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    send(factory, g, [(cafe[0] + 50 / 111_320, cafe[1])], now - timedelta(minutes=1))
    container.worker.run_once()
    assert alerts(client, factory, g) == []


def test_a_victim_fix_near_the_perpetrators_fresh_position_is_an_encounter(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    market = near_home(-6000, 2000)
    send(factory, g, [market], now - timedelta(minutes=3))
    container.worker.run_once()
    fix = {
        "lat": market[0],
        "lon": market[1] + 40 / 88_000,
        "accuracy_m": 8,
        "recorded_at": (now - timedelta(minutes=1)).isoformat(),
    }
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    container.worker.run_once()
    got = kinds(client, factory, g)
    assert got["encounter"]["severity"] == "critical"
    assert got["encounter"]["evidence"][0]["kind"] == "victim_fix"


def test_a_victim_fix_judged_with_a_late_anklet_ping_still_meets_the_fresh_position(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The judge reads the anklet's fixes over the victim's fixes' times only: an hours-old
    anklet ping in the same batch neither hides the anklet's fresh position from the
    victim's fix nor widens the read."""
    g = geo_world(factory)
    now = datetime.now(UTC)
    market = near_home(-6000, 2000)
    send(factory, g, [market], now - timedelta(minutes=3))
    container.worker.run_once()
    send(factory, g, [near_home(-9000, 5000)], now - timedelta(hours=3))  # late, far
    fix = {
        "lat": market[0],
        "lon": market[1] + 40 / 88_000,
        "accuracy_m": 8,
        "recorded_at": (now - timedelta(minutes=1)).isoformat(),
    }
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    container.worker.run_once()  # one batch: the late anklet ping and the victim's fix
    assert kinds(client, factory, g)["encounter"]["severity"] == "critical"


def test_driving_straight_at_the_victims_home_is_warned_before_the_warning_radius(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """At 12 m/s from 3 km out the anklet is 4 minutes away: an early warning with its ETA,
    while still beyond the 1 km warning ring."""
    g = geo_world(factory)
    start = datetime.now(UTC) - timedelta(minutes=5)
    track = [near_home(0, 3000 - 12 * 10 * i) for i in range(6)]  # 10 s apart
    send(factory, g, track, start, step_s=10)
    container.worker.run_once()
    warning = kinds(client, factory, g)["proximity_warning"]
    ev = warning["evidence"][0]
    assert ev["distance_m"] > 1000
    assert 100 < ev["eta_s"] <= 300


def test_the_episode_survives_a_restart(
    client: TestClient, factory: Factory, container: Container, settings: Settings
) -> None:
    """Inside, restart, still inside: no second event (state is in the database)."""
    g = geo_world(factory)
    start = datetime.now(UTC) - timedelta(minutes=5)
    send(factory, g, [near_home(50)], start)
    container.worker.run_once()
    container.close()
    again = build(settings)
    try:
        send(factory, g, [near_home(60), near_home(55)], start + timedelta(seconds=15))
        again.worker.run_once()
    finally:
        again.close()
    assert kinds(client, factory, g)["proximity_violation"]["count"] == 1


def test_a_batch_across_the_start_of_a_ban_judges_each_fix_by_its_own_time(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """One request, two fixes at the victim's door: before the ban began and after. Only the
    second is a violation."""
    g = geo_world(factory)  # the ban started a day ago
    now = datetime.now(UTC)
    before, after = now - timedelta(days=2), now - timedelta(minutes=1)
    pings = [ping(g.serial, *near_home(30), at) for at in (before, after)]
    factory.post_signed(FEED, g.feed, {"pings": pings})
    container.worker.run_once()
    (ev,) = kinds(client, factory, g)["proximity_violation"]["evidence"]
    assert datetime.fromisoformat(ev["occurred_at"]) == after
