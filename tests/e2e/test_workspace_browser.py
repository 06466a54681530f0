"""The officers' workspace (/console/work) in a real browser against a real server: an
officer finds a case by the victim's number, puts a smartwatch in place, completes a
monitoring call as not reached and sees the retry, and reads the workspace in English; a
supervisor sees the agency's overdue task and assigns an officer picked from a list.

With JIKIMI_SCREENSHOTS=DIR the pages are also saved there as PNG (docs/img holds the
ones in the documentation)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import WAIT_MS
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VICTIM_PHONE = "010-1234-5678"
SHOTS = os.environ.get("JIKIMI_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    """Save the page as DIR/name.png when JIKIMI_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context whose script errors fail the test."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul"
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"script errors in the workspace: {errors}"


def followed_case(base_url: str, officer: str) -> str:
    """A victim with a phone, a case, a second case to tell apart, a risk assessment and a
    release on bail (which owes a first monitoring call at once); an own task already
    overdue."""
    now = datetime.now(UTC)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:

        def case(victim: str, phone: str, perpetrator: str) -> str:
            v = http.post("/api/v1/people", json={"name": victim, "phones": [phone]})
            p = http.post("/api/v1/people", json={"name": perpetrator, "phones": []})
            c = http.post(
                "/api/v1/cases",
                json={
                    "victim_id": v.raise_for_status().json()["id"],
                    "perpetrator_id": p.raise_for_status().json()["id"],
                    "relationship": "former_partner",
                    "offense": "stalking",
                },
            )
            return str(c.raise_for_status().json()["id"])

        case_id = case("김지은", VICTIM_PHONE, "이민호")
        case("최다른", "010-5555-0101", "오가해")
        http.post(
            f"/api/v1/cases/{case_id}/risk-assessments",
            json={"answers": {"threat_to_kill": True, "separation": True, "victim_fear": 4}},
        ).raise_for_status()
        http.post(
            f"/api/v1/cases/{case_id}/decisions",
            json={"kind": "released_on_bail", "decided_at": (now - timedelta(hours=1)).isoformat()},
        ).raise_for_status()
        http.post(
            f"/api/v1/cases/{case_id}/tasks",
            json={
                "kind": "other",
                "due_at": (now - timedelta(hours=2)).isoformat(),
                "reason": "법원 서류 확인",
            },
        ).raise_for_status()
    return case_id


def sign_in(page: Page, url: str, token: str) -> None:
    """Sign in on /console with a pasted token: officers and supervisors land in the
    workspace, on their case list."""
    page.goto(f"{url}/console")
    page.get_by_test_id("login-use-token").click()
    page.get_by_test_id("login-token").fill(token)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{url}/console/work")
    expect(page.get_by_test_id("cases-page")).to_be_visible()


def escalated(base_url: str, supervisor: str) -> None:
    """Wait until the worker's scheduling pass (every second here) has escalated the
    overdue task (the deadline bounds a broken worker, it is no expected time)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = httpx.get(
            f"{base_url}/api/v1/tasks",
            params={"overdue": "true", "mine": "false"},
            headers={"Authorization": f"Bearer {supervisor}"},
        ).raise_for_status()
        if r.json()["items"]:
            return
        time.sleep(0.2)
    raise AssertionError("no task escalated within 30 s")


def test_an_officer_finds_a_case_by_phone_and_a_call_not_reached_is_retried(
    page: Page, live_server: LiveServer
) -> None:
    officer = live_server.token(Role.OFFICER)
    case_id = followed_case(live_server.url, officer)
    sign_in(page, live_server.url, officer)
    assert officer not in page.url
    expect(page.get_by_test_id("case-row")).to_have_count(2)
    shot(page, "workspace-cases")

    page.get_by_test_id("case-search").fill("010 1234 5678")
    expect(page.get_by_test_id("case-row")).to_have_count(1)
    row = page.get_by_test_id("case-row")
    expect(row).to_contain_text("김지은")
    expect(row).to_contain_text(case_id[:8])

    row.click()
    expect(page.get_by_test_id("case-page")).to_have_attribute("data-case-id", case_id)
    expect(page.get_by_test_id("case-people")).to_contain_text("이민호")
    expect(page.get_by_test_id("case-people")).to_contain_text(VICTIM_PHONE)
    expect(page.get_by_test_id("case-timeline")).to_contain_text("보석 석방")
    page.get_by_test_id("order-kind").select_option("stalking.provisional.3")
    expect(page.get_by_test_id("order-limit")).to_contain_text("최대")

    measures = page.get_by_test_id("case-measures")
    measures.get_by_test_id("measure-kind").select_option("smartwatch")
    expect(measures.get_by_test_id("measure-limit")).to_contain_text("최대 30일")
    start = datetime.now(UTC) + timedelta(hours=9)  # the inputs are Korean wall-clock time
    measures.get_by_test_id("measure-starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    end = start + timedelta(days=14)
    measures.get_by_test_id("measure-ends").fill(end.strftime("%Y-%m-%dT%H:%M"))
    measures.get_by_test_id("measure-provider").fill("마포구청")
    measures.get_by_test_id("measure-serial").fill("SW-0042")
    measures.get_by_test_id("measure-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("안전조치를 등록했습니다")
    watch = page.locator('[data-testid="measure"][data-kind="smartwatch"]')
    expect(watch).to_have_count(1)
    expect(watch).to_contain_text("스마트워치 지급")
    expect(watch).to_contain_text("시행 중")
    expect(watch).to_contain_text("SW-0042")
    shot(page, "workspace-case")

    page.get_by_test_id("nav-tasks").click()
    calls = page.locator('[data-testid="task"][data-kind="monitoring_call"]')
    expect(calls).to_have_count(1)
    expect(page.get_by_test_id("tasks-overdue")).to_contain_text("법원 서류 확인")
    shot(page, "workspace-tasks")
    calls.get_by_test_id("outcome-not_reached").check()
    calls.get_by_test_id("task-note").fill("두 번 걸었으나 받지 않음")
    calls.get_by_test_id("task-complete").click()
    expect(page.get_by_test_id("notice")).to_contain_text("완료")
    retry = page.locator('[data-testid="task"][data-kind="monitoring_call"]')
    expect(retry).to_have_count(1)
    expect(retry).to_contain_text("재시도")
    expect(retry.get_by_test_id("task-victim")).to_have_text("김지은")

    page.get_by_test_id("lang-toggle").click()  # the 112 console's choice, kept for both
    expect(page.get_by_test_id("nav-tasks")).to_have_text("Tasks")
    expect(page.get_by_test_id("tasks-page")).to_contain_text("Next 7 days")
    expect(retry).to_contain_text("Monitoring call")
    page.reload()
    expect(page.get_by_test_id("cases-page")).to_contain_text("My cases")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("cases-page")).to_contain_text("내 사건")


def test_a_supervisor_sees_the_agencys_overdue_task(page: Page, live_server: LiveServer) -> None:
    officer = live_server.token(Role.OFFICER)
    supervisor = live_server.token(Role.SUPERVISOR)
    live_server.token(Role.OFFICER, name="이경사")
    case_id = followed_case(live_server.url, officer)
    escalated(live_server.url, supervisor)
    sign_in(page, live_server.url, supervisor)
    expect(page.get_by_test_id("to-112")).to_be_visible()
    expect(page.get_by_test_id("case-row")).to_have_count(2)  # the agency's cases
    page.get_by_test_id("nav-tasks").click()
    panel = page.get_by_test_id("escalated")
    expect(panel).to_contain_text("법원 서류 확인")
    expect(panel).to_contain_text("팀장 보고됨")
    shot(page, "workspace-supervisor")

    panel.get_by_test_id("task-case").first.click()
    expect(page.get_by_test_id("case-page")).to_have_attribute("data-case-id", case_id)
    page.get_by_test_id("assign-officer").select_option(label="이경사")
    page.get_by_test_id("assign-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("배정했습니다")
    expect(page.get_by_test_id("case-officers")).to_contain_text("이경사")
    expect(page.get_by_test_id("assign-officer")).to_contain_text("이경사 (담당 중)")

    page.get_by_test_id("nav-cases").click()

    expect(page.get_by_test_id("cases-page")).to_be_visible()
    page.get_by_test_id("to-112").click()  # the supervisor's way to the 112 console
    expect(page.get_by_test_id("conn-status")).to_have_attribute("data-state", "live")
    assert page.url.endswith("/console#112")
    page.get_by_test_id("work-link").click()
    expect(page.get_by_test_id("cases-page")).to_be_visible()


def test_without_a_token_the_workspace_sends_one_to_sign_in(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/console/work")
    page.wait_for_url(f"{live_server.url}/console")
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_a_dispatcher_stays_on_the_112_console(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/console")
    page.get_by_test_id("login-use-token").click()
    page.get_by_test_id("login-token").fill(live_server.token(Role.DISPATCHER))
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("conn-status")).to_have_attribute("data-state", "live")
    assert page.url == f"{live_server.url}/console"
    expect(page.get_by_test_id("work-link")).to_be_hidden()
