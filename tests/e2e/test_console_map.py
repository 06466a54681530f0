"""The console's map of a proximity alert, in a real browser against a real server.

The alert and the positions are fixtures fulfilled with `page.route` (the server side of
proximity watch is built separately); everything else — the console, Leaflet, the base
map, sign-in and the live stream — is the real thing, and nothing may leave 127.0.0.1.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASE_ID = "c0ffee00-0000-4000-8000-000000000001"
ALERT_ID = "a1e47000-0000-4000-8000-000000000002"
HOME = {"lat": 37.5563, "lon": 126.9236}
WORK = {"lat": 37.5601, "lon": 126.9371}
M_PER_DEG_LAT = 111_320.0


def offset(p: dict[str, float], north_m: float, east_m: float) -> dict[str, float]:
    """A point `north_m`, `east_m` metres from `p`."""
    lat = p["lat"] + north_m / M_PER_DEG_LAT
    lon = p["lon"] + east_m / (M_PER_DEG_LAT * math.cos(math.radians(p["lat"])))
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def iso(t: datetime) -> str:
    """RFC 3339 in UTC, as the API answers."""
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def fixtures() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """One proximity_violation alert, its case and the case's last hour of positions."""
    now = datetime.now(UTC)
    # The perpetrator walks in from 1.5 km north-east of the victim's home; the last fix is
    # 82 m from it.
    track = []
    for i, dist in enumerate([1500, 1200, 950, 700, 480, 300, 140, 82]):
        fix = offset(HOME, dist * 0.7071, dist * 0.7071)
        at = now - timedelta(minutes=(7 - i) * 5)
        track.append({**fix, "accuracy_m": 15 if dist != 140 else 60, "recorded_at": iso(at)})
    victim = [
        {**offset(WORK, n, e), "accuracy_m": 8, "recorded_at": iso(now - timedelta(minutes=m))}
        for n, e, m in [(30, -10, 20), (12, 4, 10), (0, 0, 1)]
    ]
    positions = {
        "zones": [
            {"key": "addr-1", "label": "home", **HOME, "radius_m": 100, "warn_m": 1000},
            {"key": "addr-2", "label": "work", **WORK, "radius_m": 100, "warn_m": 1000},
        ],
        "perpetrator": {"track": track},
        "victim": {"track": victim},
    }
    evidence = [
        {
            "event_id": "ev-1",
            "kind": "ping",
            "occurred_at": track[-2]["recorded_at"],
            **{k: track[-2][k] for k in ("lat", "lon", "accuracy_m")},
            "distance_m": 140,
            "zone": "home",
            "possibly_inside": True,
            "eta_s": 45,
        },
        {
            "event_id": "ev-2",
            "kind": "ping",
            "occurred_at": track[-1]["recorded_at"],
            **{k: track[-1][k] for k in ("lat", "lon", "accuracy_m")},
            "distance_m": 82,
            "zone": "home",
            "possibly_inside": False,
            "eta_s": None,
        },
    ]
    alert = {
        "id": ALERT_ID,
        "case_id": CASE_ID,
        "kind": "proximity_violation",
        "severity": "critical",
        "status": "open",
        "escalation_level": 0,
        "count": 2,
        "first_at": evidence[0]["occurred_at"],
        "last_at": evidence[1]["occurred_at"],
        "acknowledged_by": None,
        "evidence": evidence,
    }
    case = {
        "id": CASE_ID,
        "offense": "stalking",
        "relationship": "former_partner",
        "agency": "seoul-mapo",
        "victim": {"name": "김지은", "phones": ["+821023456789"], "addresses": []},
        "perpetrator": {"name": "이민호", "phones": ["+821098765432"], "addresses": []},
        "orders": [
            {
                "kind": "stalking.provisional.2",
                "status": "active",
                "starts_at": iso(now - timedelta(days=3)),
                "ends_at": iso(now + timedelta(days=80)),
                "no_contact": False,
                "distance_m": 100,
            }
        ],
        "devices": [
            {"kind": "anklet", "serial": "EM-000123", "last_seen_at": track[-1]["recorded_at"]}
        ],
        "risk": None,
    }
    return alert, case, positions


def serve_fixtures(pg: Page) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answer the alert list, the case, its positions and the timeline from fixtures."""
    alert, case, positions = fixtures()
    timeline = [{"action": "opened", "at": alert["first_at"], "actor": None, "detail": {}}]

    def reply(route: Route, body: object) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    pg.route(
        re.compile(r".*/api/v1/alerts\?.*"), lambda r: reply(r, {"items": [alert], "next": None})
    )
    pg.route(f"**/api/v1/alerts/{ALERT_ID}/timeline", lambda r: reply(r, timeline))
    pg.route(f"**/api/v1/cases/{CASE_ID}", lambda r: reply(r, case))
    pg.route(f"**/api/v1/cases/{CASE_ID}/positions?*", lambda r: reply(r, positions))
    return alert, positions


def test_a_proximity_alert_shows_zones_track_and_distance_offline(
    page: Page,  # noqa: F811  (the fixture imported above)
    live_server: LiveServer,
) -> None:
    """Zones as circles, the perpetrator's track, the victim's position, the evidence's
    distance; the base map comes from the server itself and no request leaves it; the source
    is credited."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    csp: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    _, positions = serve_fixtures(page)

    log_in(page, live_server.url, live_server.token(Role.DISPATCHER))
    row = page.locator(f'[data-testid="alert-row"][data-alert-id="{ALERT_ID}"]')
    expect(row).to_contain_text("접근금지 위반(거리)")
    row.click()

    the_map = page.get_by_test_id("map")
    expect(the_map).to_be_visible()
    expect(the_map).to_have_attribute("data-basemap", "boundaries")
    expect(the_map.locator("path.zone-ban")).to_have_count(2)
    expect(the_map.locator("path.zone-warn")).to_have_count(2)
    expect(the_map.locator("path.zone-home")).to_have_count(2)  # its ban and warning circles
    expect(the_map.locator("path.track-perpetrator")).to_have_count(1)
    expect(the_map.locator("path.latest-perpetrator")).to_have_count(1)
    expect(the_map.locator("path.latest-victim")).to_have_count(1)
    expect(the_map.locator("path.accuracy-evidence")).to_have_count(1)
    expect(the_map.locator("path.distance-line")).to_have_count(1)
    expect(page.get_by_test_id("map-distance")).to_have_text("자택까지 82m")
    expect(page.get_by_test_id("map-zone-label")).to_have_text(["자택 · 100m", "직장 · 100m"])
    expect(page.get_by_test_id("map-credit")).to_be_visible()
    expect(page.get_by_test_id("map-credit")).to_contain_text("국토지리정보원")

    n_fixes = len(positions["perpetrator"]["track"]) + len(positions["victim"]["track"])
    expect(page.get_by_test_id("position-row")).to_have_count(n_fixes)
    expect(page.get_by_test_id("position-row").first).to_contain_text("가해자")  # newest first
    places = page.get_by_test_id("evidence-place")
    expect(places.first).to_have_text("자택까지 82m · 오차 ±15m")  # newest evidence first
    expect(places.nth(1)).to_contain_text("구역 안일 수 있음 · 도달 예상 약 45초")
    expect(page.get_by_test_id("case-zones").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("case-zones")).to_contain_text("가해자 최근 거리 82m")

    page.get_by_test_id("lang-toggle").click()  # the map is rebuilt in English
    expect(page.get_by_test_id("map-distance")).to_have_text("82 m to home")
    expect(page.get_by_test_id("map")).to_have_attribute("data-basemap", "boundaries")
    expect(page.get_by_test_id("map-credit")).to_contain_text("NGII")

    assert any(u.endswith("/static/basemap/sido.geojson") for u in requests)
    assert any(u.endswith("/static/basemap/sigungu.geojson") for u in requests)
    assert any(u.endswith("/static/vendor/leaflet/leaflet.js") for u in requests)
    outside = [
        u for u in requests if not u.startswith(f"{live_server.url}/") and not u.startswith("data:")
    ]
    assert outside == [], f"requests left the server: {outside}"
    assert csp == [], f"the Content-Security-Policy blocked something: {csp}"
