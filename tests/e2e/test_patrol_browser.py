"""The patrol planner in a real browser against a real server: a supervisor plans tonight's
shift for two units from the station and sees each unit's route on the map (a polyline
per unit, numbered stops) and one sheet per unit to print.

With JIKIMI_SCREENSHOTS=DIR the page is also saved there as patrol-plan.png (docs/img
holds the one in the documentation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium
from tests.e2e.test_workspace_browser import page as page  # script errors fail the test
from tests.e2e.test_workspace_browser import pytestmark as pytestmark
from tests.e2e.test_workspace_browser import shot, sign_in

# Victims' homes around Mapo: (tier, lat, lon); the last has no position.
HOMES = [
    ("very_high", 37.5563, 126.9236),
    ("very_high", 37.5480, 126.9135),
    ("high", 37.5509, 126.9410),
    ("high", 37.5612, 126.9080),
    ("high", 37.5591, 126.9327),
    ("high", 37.5440, 126.9510),
]


def high_risk_homes(base_url: str, officer: str) -> None:
    """Cases with an order in force and the tier overridden, the victims' homes placed."""
    now = datetime.now(UTC)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:
        for i, (tier, lat, lon) in enumerate(HOMES):
            home = {"label": "home", "text": f"서울 마포구 {i}", "lat": lat, "lon": lon}
            victim = http.post(
                "/api/v1/people", json={"name": f"피해자{i}", "phones": [], "addresses": [home]}
            ).raise_for_status()
            perp = http.post("/api/v1/people", json={"name": f"가해자{i}", "phones": []})
            case = http.post(
                "/api/v1/cases",
                json={
                    "victim_id": victim.json()["id"],
                    "perpetrator_id": perp.raise_for_status().json()["id"],
                    "relationship": "former_partner",
                    "offense": "stalking",
                },
            ).raise_for_status()
            case_id = case.json()["id"]
            http.post(
                f"/api/v1/cases/{case_id}/orders",
                json={
                    "kind": "stalking.provisional.2",
                    "starts_at": (now - timedelta(days=1)).isoformat(),
                    "ends_at": (now + timedelta(days=60)).isoformat(),
                },
            ).raise_for_status()
            assessment = http.post(
                f"/api/v1/cases/{case_id}/risk-assessments", json={"answers": {}}
            ).raise_for_status()
            http.post(
                f"/api/v1/risk-assessments/{assessment.json()['id']}/override",
                json={"tier": tier, "reason": "가해자 보복 예고 문자 확인"},
            ).raise_for_status()


def test_a_supervisor_plans_a_shift_and_sees_the_routes_on_the_map(
    page: Page, live_server: LiveServer
) -> None:
    officer = live_server.token(Role.OFFICER, name="김경장")
    high_risk_homes(live_server.url, officer)
    supervisor = live_server.token(Role.SUPERVISOR, name="박경감")
    sign_in(page, live_server.url, supervisor)
    page.get_by_test_id("nav-patrols").click()
    expect(page.get_by_test_id("patrol-page")).to_be_visible()
    page.get_by_test_id("patrol-unit-2").fill("순찰2")
    page.get_by_test_id("patrol-submit").click()

    expect(page.get_by_test_id("patrol-map")).to_be_visible()
    expect(page.locator("path.patrol-route")).to_have_count(2)
    expect(page.locator(".patrol-stop-number")).to_have_count(8)  # 2 x 2 + 4 x 1
    expect(page.get_by_test_id("patrol-sheet")).to_have_count(2)
    expect(page.get_by_test_id("patrol-stop")).to_have_count(8)
    expect(page.get_by_test_id("patrol-map")).to_have_attribute("data-basemap", "boundaries")
    page.get_by_test_id("patrol-result").scroll_into_view_if_needed()
    shot(page, "patrol-plan")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("patrol-map")).to_be_hidden()
    expect(page.get_by_test_id("patrol-sheet").first).to_be_visible()
