"""The risk beside its score and the model page in a real browser: an officer's case shows
the tier, the probability, the leading factors in words and a warning when most answers
are unknown; its link opens the model card for a reader (intended use, the synthetic
data, metrics, the calibration plot, limits), in Korean and, with the toggle, in English.

The model page is saved as docs/img/model-card.png when JIKIMI_SCREENSHOTS names a folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.test_workspace_browser import (  # noqa: F401  (browser, page: fixtures)
    browser,
    followed_case,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_score_links_to_the_model_card_in_korean_and_english(
    page: Page,  # noqa: F811  (the fixture imported above)
    live_server: LiveServer,
) -> None:
    csp: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    officer = live_server.token(Role.OFFICER)
    case_id = followed_case(live_server.url, officer)  # 11 of 14 answers unknown
    sign_in(page, live_server.url, officer)
    page.locator(f'[data-testid="case-row"][data-open$="{case_id}"]').click()
    risk = page.get_by_test_id("case-risk")
    expect(risk.get_by_test_id("risk-probability")).to_contain_text("90일 내 중대 재범 확률")
    expect(risk.get_by_test_id("risk-unknown")).to_have_text("모름 응답 11/14")
    expect(risk.get_by_test_id("risk-unknown-warning")).to_be_visible()
    factors = risk.get_by_test_id("risk-top-factors").locator("li")
    expect(factors.first).to_be_visible()
    assert factors.count() <= 3
    expect(risk.get_by_test_id("risk-top-factors")).to_contain_text("살해 위협")

    risk.get_by_test_id("risk-model-link").click()
    card = page.get_by_test_id("model-card")
    expect(card.get_by_test_id("model-intended-use")).to_contain_text("경찰관의 판단을 돕는")
    expect(card.get_by_test_id("model-synthetic")).to_contain_text("합성 인구")
    expect(card.get_by_test_id("model-limits")).to_contain_text("합성 인구로 학습했습니다")
    expect(card.get_by_test_id("model-metrics-table")).to_contain_text("[0.770, 0.783]")
    expect(card.get_by_test_id("calibration-plot").locator("circle")).to_have_count(10)
    shot(page, "model-card")

    page.get_by_test_id("lang-toggle").click()
    expect(card.get_by_test_id("model-intended-use")).to_contain_text(
        "decision support for officers"
    )
    expect(page.get_by_test_id("model-card").get_by_test_id("model-limits")).to_contain_text(
        "Trained on a synthetic population"
    )
    expect(page.get_by_test_id("model-card")).to_contain_text("Errors by group")
    assert csp == [], f"the Content-Security-Policy blocked something: {csp}"
