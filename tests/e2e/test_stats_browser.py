"""The caseload and statistics pages in a real browser against a real server: a
supervisor opens the team's caseload, sees the loads charted and a suggested move, and
applies it; an analyst lands on the statistics and sees them charted, then the agencies
compared. With JIKIMI_SCREENSHOTS=DIR the pages are saved there (docs/img holds them)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium
from tests.e2e.test_workspace_browser import page as page  # script errors fail the test
from tests.e2e.test_workspace_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def opened(base_url: str, officer: str, n: int, offense: str = "stalking") -> None:
    """`n` cases opened by `officer`."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:
        v = http.post("/api/v1/people", json={"name": "김지은", "phones": ["010-1234-5678"]})
        p = http.post("/api/v1/people", json={"name": "이민호", "phones": []})
        body = {
            "victim_id": v.raise_for_status().json()["id"],
            "perpetrator_id": p.raise_for_status().json()["id"],
            "relationship": "former_partner",
            "offense": offense,
        }
        for _ in range(n):
            http.post("/api/v1/cases", json=body).raise_for_status()


def sign_in(page: Page, url: str, token: str, lands_on: str) -> None:
    """Sign in on /console with a pasted token and wait for the first page."""
    page.goto(f"{url}/console")
    page.get_by_test_id("login-use-token").click()
    page.get_by_test_id("login-token").fill(token)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{url}/console/work")
    expect(page.get_by_test_id(lands_on)).to_be_visible()


def test_a_supervisor_balances_the_team(page: Page, live_server: LiveServer) -> None:
    heavy = live_server.token(Role.OFFICER, name="김경사")
    opened(live_server.url, heavy, 6)
    opened(live_server.url, live_server.token(Role.OFFICER, name="박경장"), 1, "dating_violence")
    live_server.token(Role.OFFICER, name="이경장")
    sign_in(page, live_server.url, live_server.token(Role.SUPERVISOR), "cases-page")
    page.get_by_test_id("nav-caseload").click()
    expect(page.get_by_test_id("caseload-page")).to_be_visible()
    expect(page.get_by_test_id("caseload-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("officers")).to_contain_text("김경사")
    moves = page.get_by_test_id("suggestion")
    expect(moves.first).to_contain_text("김경사")
    expect(moves.first).to_contain_text("이경장")
    before = moves.count()
    shot(page, "caseload")
    moves.first.get_by_test_id("apply-suggestion").click()
    expect(page.get_by_test_id("notice")).to_contain_text("담당 경찰관을 배정했습니다")
    expect(page.get_by_test_id("suggestion")).not_to_have_count(before)


def test_an_analyst_reads_statistics(page: Page, live_server: LiveServer) -> None:
    opened(live_server.url, live_server.token(Role.OFFICER), 7)
    opened(live_server.url, live_server.token(Role.OFFICER, agency="gangwon-chuncheon"), 3)
    sign_in(page, live_server.url, live_server.token(Role.ANALYST), "statistics-page")
    expect(page.get_by_test_id("nav-cases")).to_be_hidden()
    charts = page.get_by_test_id("statistics-chart")
    expect(charts).to_have_count(3)
    expect(charts.first).to_have_attribute("data-drawn", "true")
    table = page.get_by_test_id("table-cases_opened_by_offense")
    expect(table).to_contain_text("10")
    expect(page.get_by_test_id("statistics-page")).not_to_contain_text("김지은")
    shot(page, "statistics")
    page.get_by_test_id("nav-caseload").click()
    expect(page.get_by_test_id("agencies-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("agencies")).to_contain_text("강원춘천경찰서")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("caseload-page")).to_contain_text("Agencies compared")
