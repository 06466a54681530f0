"""Consent and referral in a real browser against a real server: an officer records the
victim's consent (her contact only) and refers the case to a counselling centre; the
centre's counsellor signs in with login, password and authenticator code like the police,
lands on the centre's pages (never the police's), sees the referral with only the consented
fields and accepts it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from jikimi.accounts import logins
from jikimi.bootstrap import build
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import WAIT_MS
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium
from tests.e2e.test_workspace_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CENTRE = "mapo-haebaragi"
PASSWORD = "a long counsellor passphrase"


def new_page(browser: Browser) -> Iterator[Page]:
    """A fresh context (own storage) whose script errors fail the test."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul"
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"script errors: {errors}"


@pytest.fixture
def officer_page(browser: Browser) -> Iterator[Page]:
    """The officer's browser."""
    yield from new_page(browser)


@pytest.fixture
def counsellor_page(browser: Browser) -> Iterator[Page]:
    """The counsellor's browser, on another machine."""
    yield from new_page(browser)


def counsellor_account(server: LiveServer) -> str:
    """The centre's counsellor's console account; returns the authenticator secret."""
    c = build(Settings(database_url=server.database_url, worker=False))
    try:
        with transaction(c.sessions) as s:
            return logins.create_staff(
                s,
                login="lee.counsellor",
                password=PASSWORD,
                role=Role.COUNSELLOR,
                name="이상담",
                agency=CENTRE,
                now=datetime.now(UTC),
            )[1]
    finally:
        c.close()


def a_case(base_url: str, officer: str) -> str:
    """A stalking case with a no-contact order, the victim with one number."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:
        v = http.post("/api/v1/people", json={"name": "김지은", "phones": ["010-1234-5678"]})
        p = http.post("/api/v1/people", json={"name": "이민호", "phones": []})
        c = http.post(
            "/api/v1/cases",
            json={
                "victim_id": v.raise_for_status().json()["id"],
                "perpetrator_id": p.raise_for_status().json()["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        ).raise_for_status()
        case_id = str(c.json()["id"])
        now = datetime.now(UTC)
        http.post(
            f"/api/v1/cases/{case_id}/orders",
            json={
                "kind": "stalking.provisional.3",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
            },
        ).raise_for_status()
    return case_id


def test_an_officer_refers_under_consent_and_the_counsellor_accepts(
    officer_page: Page, counsellor_page: Page, live_server: LiveServer
) -> None:
    secret = counsellor_account(live_server)
    officer = live_server.token(Role.OFFICER)
    case_id = a_case(live_server.url, officer)

    page = officer_page
    sign_in(page, live_server.url, officer)
    page.get_by_test_id("case-row").click()
    expect(page.get_by_test_id("case-page")).to_have_attribute("data-case-id", case_id)
    section = page.get_by_test_id("case-referrals")
    expect(section.get_by_test_id("consent-form")).to_be_visible()
    section.get_by_test_id("consent-recipient").select_option(CENTRE)
    section.get_by_test_id("consent-method").select_option("written")
    section.get_by_test_id("consent-share-contact").check()
    until = datetime.now(UTC) + timedelta(hours=9, days=90)  # Korean wall-clock time
    section.get_by_test_id("consent-expires").fill(until.strftime("%Y-%m-%dT%H:%M"))
    section.get_by_test_id("consent-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("동의를 기록했습니다")
    section = page.get_by_test_id("case-referrals")
    expect(section.locator('[data-testid="consent"][data-status="active"]')).to_have_count(1)
    section.get_by_test_id("referral-centre").select_option(CENTRE)
    section.get_by_test_id("referral-reason").fill("스토킹 피해 심리상담 연계")
    section.get_by_test_id("referral-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("상담소에 연계했습니다")
    referral = page.get_by_test_id("case-referrals").locator('[data-testid="referral"]')
    expect(referral).to_have_attribute("data-status", "sent")
    expect(referral).to_contain_text("연락처")
    shot(page, "referrals-case")

    page = counsellor_page
    page.goto(f"{live_server.url}/console")
    page.get_by_test_id("login-name").fill("lee.counsellor")
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-code").fill(pyotp.TOTP(secret).now())
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/console/centre")
    row = page.get_by_test_id("centre-referral-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("김지은")
    row.get_by_role("button").click()
    shared = page.get_by_test_id("centre-shared")
    expect(page.get_by_test_id("shared-name")).to_have_text("김지은")
    expect(page.get_by_test_id("shared-phones")).to_contain_text("010-1234-5678")
    expect(page.get_by_test_id("shared-offense")).to_have_count(0)
    expect(page.get_by_test_id("shared-orders")).to_have_count(0)
    expect(page.get_by_test_id("shared-risk")).to_have_count(0)
    expect(shared).not_to_contain_text("이민호")  # never the perpetrator
    shot(page, "referrals-centre")
    page.get_by_test_id("centre-accept").click()
    expect(page.get_by_test_id("notice")).to_contain_text("연계를 수락했습니다")
    expect(page.get_by_test_id("centre-referral")).to_have_attribute("data-status", "accepted")

    # The police pages send a counsellor back to the centre's.
    page.goto(f"{live_server.url}/console/work")
    page.wait_for_url(f"{live_server.url}/console/centre")

    page = officer_page
    page.reload()  # the workspace opens on the case list
    page.get_by_test_id("case-row").click()
    referral = page.get_by_test_id("case-referrals").locator('[data-testid="referral"]')
    expect(referral).to_have_attribute("data-status", "accepted")
