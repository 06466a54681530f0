"""Emergency support in a real browser against a real server: an officer applies on the
case page, a supervisor approves part of it (and, for an application of their own, is
told another supervisor decides), a payment is recorded and shows on the case page and
in the agency's ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import WAIT_MS
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium
from tests.e2e.test_workspace_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """Two fresh contexts (the officer's, the supervisor's) whose script errors fail the
    test."""
    errors: list[str] = []
    contexts, out = [], []
    for _ in range(2):
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul"
        )
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda e: errors.append(str(e)))
        contexts.append(context)
        out.append(page)
    yield out[0], out[1]
    for context in contexts:
        context.close()
    assert errors == [], f"script errors in the workspace: {errors}"


def a_case(base_url: str, officer: str) -> str:
    """A victim, a perpetrator and their case, opened by the officer; its id."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:
        v = http.post("/api/v1/people", json={"name": "김지은", "phones": ["010-2222-3434"]})
        p = http.post("/api/v1/people", json={"name": "이민호", "phones": []})
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


def open_case(page: Page, case_id: str) -> None:
    """From the case list, the case's page."""
    page.locator(f'[data-testid="case-row"]:has-text("{case_id[:8]}")').click()
    expect(page.get_by_test_id("case-page")).to_have_attribute("data-case-id", case_id)


def test_an_officer_applies_a_supervisor_approves_and_the_payment_is_in_the_ledger(
    pages: tuple[Page, Page], live_server: LiveServer
) -> None:
    officer_page, supervisor_page = pages
    officer = live_server.token(Role.OFFICER)
    supervisor = live_server.token(Role.SUPERVISOR, name="박팀장")
    case_id = a_case(live_server.url, officer)

    sign_in(officer_page, live_server.url, officer)
    open_case(officer_page, case_id)
    support = officer_page.get_by_test_id("case-support")
    expect(support.get_by_test_id("support-kind")).to_contain_text("최대 1,500,000원")
    support.get_by_test_id("support-kind").select_option("living")
    support.get_by_test_id("support-amount").fill("1,000,000")
    support.get_by_test_id("support-reason").fill("가해자 접근으로 실직, 생계 곤란")
    support.get_by_test_id("support-submit").click()
    expect(officer_page.get_by_test_id("notice")).to_contain_text("지원을 신청했습니다")
    application = officer_page.get_by_test_id("support-application")
    expect(application).to_have_attribute("data-status", "pending")
    expect(application).to_contain_text("신청 1,000,000원")
    expect(application.get_by_test_id("support-decision-form")).to_have_count(0)

    sign_in(supervisor_page, live_server.url, supervisor)
    open_case(supervisor_page, case_id)
    pending = supervisor_page.get_by_test_id("support-application")
    pending.get_by_test_id("support-decision").select_option("approve")
    pending.get_by_test_id("support-approve-amount").fill("800,000")
    pending.get_by_test_id("support-decision-reason").fill("2개월분 승인")
    pending.get_by_test_id("support-decide").click()
    expect(supervisor_page.get_by_test_id("notice")).to_contain_text("결정했습니다")
    approved = supervisor_page.get_by_test_id("support-application")
    expect(approved).to_have_attribute("data-status", "approved")
    expect(approved.get_by_test_id("support-paid")).to_contain_text("승인 800,000원 · 지급 0원")

    # A supervisor's own application: the page says who decides it, and offers no form.
    supervisor_support = supervisor_page.get_by_test_id("case-support")
    supervisor_support.get_by_test_id("support-kind").select_option("relocation")
    supervisor_support.get_by_test_id("support-amount").fill("1500000")
    supervisor_support.get_by_test_id("support-reason").fill("보복 우려로 이사")
    supervisor_support.get_by_test_id("support-submit").click()
    own = supervisor_page.locator('[data-testid="support-application"][data-kind="relocation"]')
    expect(own.get_by_test_id("four-eyes")).to_contain_text("다른 팀장이 결정합니다")
    expect(own.get_by_test_id("support-decision-form")).to_have_count(0)

    officer_page.reload()
    open_case(officer_page, case_id)
    living = officer_page.locator('[data-testid="support-application"][data-kind="living"]')
    expect(living).to_have_attribute("data-status", "approved")
    living.get_by_text("지급 기록").click()
    living.get_by_test_id("support-pay-amount").fill("800000")
    paid_at = datetime.now(UTC) + timedelta(hours=9)  # the input is Korean wall-clock time
    living.get_by_test_id("support-paid-at").fill(paid_at.strftime("%Y-%m-%dT%H:%M"))
    living.get_by_test_id("support-reference").fill("농협 이체 0001")
    living.get_by_test_id("support-pay").click()
    expect(officer_page.get_by_test_id("notice")).to_contain_text("지급을 기록했습니다")
    living = officer_page.locator('[data-testid="support-application"][data-kind="living"]')
    expect(living.get_by_test_id("support-entry")).to_contain_text(
        "지급 800,000원 · 농협 이체 0001"
    )
    expect(living.get_by_test_id("support-paid")).to_contain_text("지급 800,000원")
    shot(officer_page, "workspace-support")

    ledger = httpx.get(
        f"{live_server.url}/api/v1/support/ledger",
        headers={"Authorization": f"Bearer {supervisor}"},
    ).raise_for_status()
    [entry] = ledger.json()["items"]
    assert (entry["case_id"], entry["amount_krw"], entry["reference"]) == (
        case_id,
        800_000,
        "농협 이체 0001",
    )
    assert ledger.json()["totals"]["by_kind"]["living"] == 800_000
