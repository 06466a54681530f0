"""No code and no E.164 number on screen: the 112 console with an alert open, and the
workspace's cases, a case and the tasks, read in English (codes would show there first)
and in Korean."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from jikimi.client.signed import signed_json
from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import PERPETRATOR_PHONE, log_in, protected_case
from tests.e2e.test_console_browser import browser as browser  # the same headless chromium
from tests.e2e.test_console_browser import page as page  # script errors fail the test
from tests.e2e.test_workspace_browser import followed_case, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # note_strangulation, very_high
DOTTED = re.compile(r"\b[a-z]+\.[a-z]+\.\d+\b")  # stalking.provisional.3
E164 = re.compile(r"\+\d{8,15}\b")  # +821095070229


def leaks(page: Page, *, codes: bool) -> list[str]:
    """What the page shows that a person should not have to read: E.164 numbers, and
    (when `codes`) snake_case or dotted codes."""
    shown = page.evaluate("document.body.innerText")
    found = [m.group(0) for m in E164.finditer(shown)]
    if codes:
        found += [m.group(0) for m in SNAKE.finditer(shown)]
        found += [m.group(0) for m in DOTTED.finditer(shown)]
    return found


def breach(url: str, phone_token: str, phone_key: str) -> None:
    """The perpetrator calls the victim's phone while the ban holds."""
    path = "/api/v1/device/contacts"
    event = {
        "id": str(uuid.uuid4()),
        "kind": "call",
        "number": PERPETRATOR_PHONE,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body, headers = signed_json(phone_token, phone_key, path, {"events": [event]})
    assert httpx.post(f"{url}{path}", content=body, headers=headers).status_code == 202


def test_the_112_console_shows_words_and_numbers_as_people_write_them(
    page: Page, live_server: LiveServer
) -> None:
    case = protected_case(live_server.url, live_server.token(Role.OFFICER))
    log_in(page, live_server.url, live_server.token(Role.DISPATCHER))
    breach(live_server.url, case.phone_token, case.phone_key)
    row = page.locator('[data-testid="alert-row"][data-kind="contact_violation"]')
    row.click()
    expect(page.get_by_test_id("evidence-number")).to_have_text([PERPETRATOR_PHONE])
    expect(page.get_by_test_id("perpetrator-phones")).to_contain_text(PERPETRATOR_PHONE)
    expect(page.get_by_test_id("order-title")).to_have_text("전기통신 접근금지")
    expect(page.get_by_test_id("order-statute")).to_have_text("스토킹처벌법 §9 잠정조치 3")
    expect(page.get_by_test_id("case-agency")).to_contain_text("서울마포경찰서")
    assert leaks(page, codes=False) == []

    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("order-title")).to_have_text("Telecom contact ban")
    expect(page.get_by_test_id("case-agency")).to_contain_text("Mapo Police Station, Seoul")
    expect(page.get_by_test_id("timeline-entry").first).to_be_visible()
    assert leaks(page, codes=True) == []


def test_the_workspace_shows_words_and_numbers_as_people_write_them(
    page: Page, live_server: LiveServer
) -> None:
    officer = live_server.token(Role.OFFICER)
    case_id = followed_case(live_server.url, officer)
    now = datetime.now(UTC)
    httpx.post(
        f"{live_server.url}/api/v1/cases/{case_id}/orders",
        headers={"Authorization": f"Bearer {officer}"},
        json={
            "kind": "stalking.provisional.3",
            "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=30)).isoformat(),
        },
    ).raise_for_status()
    sign_in(page, live_server.url, officer)

    statute = {False: "스토킹처벌법 §9 잠정조치 3", True: "Stalking Punishment Act §9"}
    agency = {False: "서울마포경찰서", True: "Mapo Police Station, Seoul"}

    def walk(*, codes: bool) -> None:
        expect(page.get_by_test_id("case-row").first).to_be_visible()
        assert leaks(page, codes=codes) == []
        page.get_by_test_id("case-row").filter(has_text="김지은").click()
        expect(page.get_by_test_id("case-page")).to_have_attribute("data-case-id", case_id)
        expect(page.get_by_test_id("case-people")).to_contain_text("010-1234-5678")
        expect(page.get_by_test_id("order-statute")).to_contain_text(statute[codes])
        expect(page.get_by_test_id("case-officers")).to_contain_text(agency[codes])
        assert leaks(page, codes=codes) == []
        page.get_by_test_id("nav-tasks").click()
        expect(page.get_by_test_id("task").first).to_be_visible()
        assert leaks(page, codes=codes) == []
        page.get_by_test_id("nav-cases").click()

    walk(codes=False)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("nav-tasks")).to_have_text("Tasks")
    walk(codes=True)
