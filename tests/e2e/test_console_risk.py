"""The case's risk in the console: an officer's assessment (made over HTTP) shows in the
case panel — tier badge, probability, factors, override, history — and the model page
shows the model card; no CSP violation, the override's reason not shown to a dispatcher."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from jikimi.client.signed import signed_json
from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_browser import (  # noqa: F401  (browser, page: fixtures)
    PERPETRATOR_PHONE,
    browser,
    log_in,
    page,
    protected_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "가해자가 보복을 예고하는 문자를 보냈음"


def test_the_case_panel_shows_the_risk_tier_and_the_model_page_its_card(
    page: Page,  # noqa: F811  (the fixture imported above)
    live_server: LiveServer,
) -> None:
    """High by the checklist, raised to very high by the officer: the dispatcher sees the
    very-high badge, the probability, the factors in coarse words (never an answer), the
    override without its reason, and the history; the model page shows the learned
    model's card and plots."""
    csp: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    officer = live_server.token(Role.OFFICER)
    dispatcher = live_server.token(Role.DISPATCHER)
    case = protected_case(live_server.url, officer)
    answers = {
        "threat_to_kill": True,
        "strangulation": True,
        "separation": True,
        "escalation": True,
        "stalking_behaviours": 6,
        "victim_fear": 5,
    }
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {officer}"}
    ) as http:
        made = http.post(
            f"/api/v1/cases/{case.case_id}/risk-assessments",
            json={"answers": answers, "note": "상담 내용"},
        ).raise_for_status()
        # The learned model grades these grave answers high or very high; the officer
        # raises (or confirms) it to very high.
        assert made.json()["tier"] in ("high", "very_high")
        assert made.json()["model_version"] != "checklist-kr-2023"
        version = http.get("/api/v1/risk/model").json()["version"]
        http.post(
            f"/api/v1/risk-assessments/{made.json()['id']}/override",
            json={"tier": "very_high", "reason": REASON},
        ).raise_for_status()
    path = "/api/v1/device/contacts"
    event = {
        "id": str(uuid.uuid4()),
        "kind": "call",
        "number": PERPETRATOR_PHONE,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    body, headers = signed_json(case.phone_token, case.phone_key, path, {"events": [event]})
    httpx.post(f"{live_server.url}{path}", content=body, headers=headers).raise_for_status()

    log_in(page, live_server.url, dispatcher)
    row = page.locator('[data-testid="alert-row"][data-kind="contact_violation"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-severity", "critical")  # very high: every alert critical
    row.click()
    panel = page.get_by_test_id("case-panel")
    expect(panel.get_by_test_id("risk-tier")).to_have_attribute("data-tier", "very_high")
    expect(panel.get_by_test_id("risk-tier")).to_have_text("매우 높음")
    expect(panel.get_by_test_id("risk-probability")).to_contain_text("%")
    # Coarse words for a dispatcher: the group, never the answer ("살해 협박") itself.
    # The three groups that raised it most (the re-score after the violation put the
    # breaches of orders first).
    expect(panel.get_by_test_id("risk-factors").locator("li")).to_have_count(3)
    expect(panel.get_by_test_id("risk-factors")).to_contain_text("중대한 폭력 이력")
    expect(panel.get_by_test_id("risk-unknown")).to_have_text("모름 응답 8/14")
    expect(panel.get_by_test_id("risk-unknown-warning")).to_be_visible()  # 8 of 14 unknown
    expect(panel.get_by_test_id("risk-factors")).not_to_contain_text("살해 협박")
    expect(panel.get_by_test_id("risk-override")).to_be_visible()
    expect(panel.get_by_test_id("risk-override-reason")).to_have_count(0)  # need-to-know
    assert REASON not in page.content()
    # The violation re-scored the case: two assessments, the newest by Jikimi.
    rows = panel.locator('[data-testid="risk-history"] li')
    expect(rows).to_have_count(2, timeout=15_000)
    expect(rows.first).to_have_attribute("data-trigger", "rescore")

    page.get_by_test_id("lang-toggle").click()
    expect(panel.get_by_test_id("risk-tier")).to_have_text("very high")
    expect(panel.get_by_test_id("risk-factors")).to_contain_text("history of severe violence")
    expect(panel.get_by_test_id("risk-unknown")).to_have_text("unknown answers 8/14")

    page.get_by_test_id("model-link").click()
    expect(page.get_by_test_id("model-page")).to_be_visible()
    model = page.get_by_test_id("model-page")
    expect(model.get_by_test_id("model-card-version")).to_contain_text(version)
    expect(model.get_by_test_id("model-intended-use")).to_contain_text("decision support")
    expect(model.get_by_test_id("calibration-plot")).to_be_visible()
    page.get_by_test_id("model-link").click()
    expect(page.get_by_test_id("case-panel")).to_be_visible()
    assert csp == [], f"the Content-Security-Policy blocked something: {csp}"
