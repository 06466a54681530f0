"""The 112 dispatch console in a real browser against a real server process."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from jikimi.client.signed import signed_json
from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PERPETRATOR_PHONE = "010-9876-5432"
WAIT_MS = 15_000  # generous for a loaded CI machine; expect() returns as soon as it holds


@dataclass
class ProtectedCase:
    """A case with a no-contact order in force and the victim's enrolled phone."""

    case_id: str
    phone_token: str
    phone_key: str


def protected_case(base_url: str, officer: str) -> ProtectedCase:
    """Build a victim, a perpetrator, a case, a telecom ban and a phone, over HTTP."""
    now = datetime.now(UTC)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {officer}"}) as http:
        victim = http.post(
            "/api/v1/people", json={"name": "김지은", "phones": ["010-2345-6789"]}
        ).raise_for_status()
        perpetrator = http.post(
            "/api/v1/people", json={"name": "이민호", "phones": [PERPETRATOR_PHONE]}
        ).raise_for_status()
        case = http.post(
            "/api/v1/cases",
            json={
                "victim_id": victim.json()["id"],
                "perpetrator_id": perpetrator.json()["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        ).raise_for_status()
        case_id = case.json()["id"]
        http.post(
            f"/api/v1/cases/{case_id}/orders",
            json={
                "kind": "stalking.provisional.3",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
            },
        ).raise_for_status()
        phone = http.post(
            f"/api/v1/cases/{case_id}/devices", json={"kind": "victim_phone"}
        ).raise_for_status()
    return ProtectedCase(case_id, phone.json()["token"], phone.json()["signing_key"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, with nothing that phones home."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not installed (.ci/run installs it with apt-get): {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (own storage) whose script errors fail the test."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul"
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"script errors in the console: {errors}"


def log_in(page: Page, url: str, token: str) -> None:
    """Paste the token, sign in and wait until the live stream is connected."""
    page.goto(f"{url}/console")
    page.get_by_test_id("login-use-token").click()
    page.get_by_test_id("login-token").fill(token)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("conn-status")).to_have_attribute(
        "data-state", "live", timeout=WAIT_MS
    )


def test_a_person_signs_in_with_password_and_code_and_out_again(
    page: Page, live_server: LiveServer
) -> None:
    """The staff login: a wrong code is refused, the right one opens the live queue, and
    signing out ends the session on the server (its token no longer works)."""
    password = "correct horse battery staple"
    secret = live_server.account("kim.dispatch", password)
    totp = pyotp.TOTP(secret)
    page.goto(f"{live_server.url}/console")
    page.get_by_test_id("login-name").fill("kim.dispatch")
    page.get_by_test_id("login-password").fill(password)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    page.get_by_test_id("login-code").fill(wrong)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("잠")  # "…locked" explained
    page.get_by_test_id("login-code").fill(totp.now())
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("conn-status")).to_have_attribute("data-state", "live")
    token = page.evaluate("sessionStorage.getItem('jikimi.token')")
    assert token.startswith("jks_")
    assert password not in page.content()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    gone = httpx.get(
        f"{live_server.url}/api/v1/alerts", headers={"Authorization": f"Bearer {token}"}
    )
    assert gone.status_code == 401


def test_a_violation_appears_live_and_is_acknowledged(page: Page, live_server: LiveServer) -> None:
    """A call from the perpetrator reaches an open console live; acknowledging it sticks."""
    officer = live_server.token(Role.OFFICER)
    dispatcher = live_server.token(Role.DISPATCHER)
    case = protected_case(live_server.url, officer)

    log_in(page, live_server.url, dispatcher)
    expect(page.get_by_test_id("alert-row")).to_have_count(0)  # so the row below is live
    assert dispatcher not in page.url  # the token travels in headers only

    path = "/api/v1/device/contacts"
    event = {
        "id": str(uuid.uuid4()),
        "kind": "call",
        "number": PERPETRATOR_PHONE,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body, headers = signed_json(case.phone_token, case.phone_key, path, {"events": [event]})
    accepted = httpx.post(f"{live_server.url}{path}", content=body, headers=headers)
    assert accepted.status_code == 202, accepted.text

    row = page.locator('[data-testid="alert-row"][data-kind="contact_violation"]')
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_have_attribute("data-status", "open")
    expect(row).to_contain_text("접근금지 위반(연락)")
    expect(page.locator("body")).to_have_attribute("data-signals", "1")  # flash and sound fired
    alert_id = row.get_attribute("data-alert-id")
    assert alert_id

    row.click()
    expect(page.get_by_test_id("evidence-number")).to_have_text([PERPETRATOR_PHONE])
    expect(page.get_by_test_id("perpetrator-name")).to_have_text("이민호")
    expect(page.get_by_test_id("perpetrator-phones")).to_contain_text(PERPETRATOR_PHONE)
    expect(page.get_by_test_id("order-row")).to_have_attribute("data-order-status", "active")
    expect(page.locator('[data-testid="timeline-entry"][data-action="opened"]')).to_have_count(1)

    page.get_by_test_id("ack-button").click()
    expect(row).to_have_attribute("data-status", "acknowledged")
    expect(page.get_by_test_id("ack-button")).to_be_disabled()
    expect(
        page.locator('[data-testid="timeline-entry"][data-action="acknowledged"]')
    ).to_have_count(1)

    listed = httpx.get(
        f"{live_server.url}/api/v1/alerts",
        headers={"Authorization": f"Bearer {dispatcher}"},
        params={"case_id": case.case_id},
    ).raise_for_status()
    (alert,) = listed.json()["items"]
    assert alert["id"] == alert_id
    assert alert["status"] == "acknowledged"
    assert alert["acknowledged_by"]


def test_a_bad_token_returns_to_login_with_a_message(page: Page, live_server: LiveServer) -> None:
    """A 401 keeps the dispatcher on the login form and says why; nothing is stored."""
    page.goto(f"{live_server.url}/console")
    page.get_by_test_id("login-use-token").click()
    page.get_by_test_id("login-token").fill("not-a-real-token")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-error")).to_contain_text("다시 로그인")
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('jikimi.token')") is None


def test_language_toggle_switches_to_english_and_is_remembered(
    page: Page, live_server: LiveServer
) -> None:
    """Korean by default; the toggle switches the labels and survives a reload."""
    page.goto(f"{live_server.url}/console")
    submit = page.get_by_test_id("login-submit")
    expect(submit).to_have_text("로그인")
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    page.get_by_test_id("lang-toggle").click()
    expect(submit).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.get_by_test_id("login-submit")).to_have_text("Sign in")
    expect(page.get_by_test_id("lang-toggle")).to_have_text(re.compile("한국어"))


def test_an_alert_holding_more_evidence_than_the_stream_carries_shows_all_of_it(
    page: Page, tmp_path: Path
) -> None:
    """The stream carries the latest pieces of evidence only; selecting the alert fetches
    the rest, and the console says how many there are."""
    server = LiveServer(f"sqlite:///{tmp_path}/evidence.db", tmp_path)
    server.start(JIKIMI_ALERT_EVIDENCE_SHOWN="2")
    try:
        case = protected_case(server.url, server.token(Role.OFFICER))
        log_in(page, server.url, server.token(Role.DISPATCHER))
        path = "/api/v1/device/contacts"
        start = datetime.now(UTC) - timedelta(minutes=10)
        events = [
            {
                "id": str(uuid.uuid4()),
                "kind": "call",
                "number": PERPETRATOR_PHONE,
                "occurred_at": (start + timedelta(minutes=i)).isoformat(),
            }
            for i in range(3)
        ]
        body, headers = signed_json(case.phone_token, case.phone_key, path, {"events": events})
        assert httpx.post(f"{server.url}{path}", content=body, headers=headers).status_code == 202
        row = page.locator('[data-testid="alert-row"][data-kind="contact_violation"]')
        expect(row).to_be_visible()
        row.click()
        expect(page.get_by_test_id("evidence-total")).to_have_text("3")
        expect(page.get_by_test_id("evidence-row")).to_have_count(3)
        expect(page.get_by_test_id("evidence-partial")).to_have_count(0)
    finally:
        server.stop()
