"""The risk as the workspace shows it: beside the score, the tier, the probability, the
three leading factors in words, the unknown answers (a warning when most are unknown) and
the model page, which renders the card for a reader in Korean and in English."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

EN = {"X-Jikimi-Lang": "en"}
GRAVE = {
    "threat_to_kill": True,
    "strangulation": True,
    "weapon_threat": True,
    "separation": True,
    "escalation": True,
    "jealousy_control": True,
    "prior_violence": True,
    "substance_abuse": False,
    "unemployed": False,
    "children_in_home": False,
    "stepchild": False,
    "gun_access": False,
    "stalking_behaviours": 4,
    "victim_fear": 5,
}


def test_the_case_page_shows_the_score_with_its_factors_in_words(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    path = f"/api/v1/cases/{w.case_id}/risk-assessments"
    a = factory.post(path, w.officer, {"answers": GRAVE})
    assert (a["unknown_answers"], a["answers_total"]) == (0, 14)
    page = client.get(f"/console/work/cases/{w.case_id}", headers=auth(w.officer)).text
    summary = page[page.index('data-testid="risk-summary"') :]
    assert f'data-tier="{a["effective_tier"]}"' in page
    assert "90일 내 중대 재범 확률" in summary
    assert "모름 응답 0/14" in summary
    assert 'data-testid="risk-unknown-warning"' not in page
    assert 'data-open="/console/work/model"' in summary
    factors = re.findall(r'<li data-factor="([a-z_]+)">([^<]+)</li>', summary)
    assert 1 <= len(factors) <= 3
    raising = sorted(
        (f for f in a["factors"] if f["contribution"] > 0), key=lambda f: -f["contribution"]
    )
    assert [name for name, _ in factors] == [f["name"] for f in raising][:3]
    assert all(not re.fullmatch(r"[a-z_]+", words) for _, words in factors)
    english = client.get(f"/console/work/cases/{w.case_id}", headers={**auth(w.officer), **EN})
    assert "serious re-offending within 90 days" in english.text
    assert "unknown answers 0/14" in english.text
    assert "About the model" in english.text


def test_most_answers_unknown_is_a_visible_warning(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    path = f"/api/v1/cases/{w.case_id}/risk-assessments"
    a = factory.post(path, w.officer, {"answers": {"threat_to_kill": True, "victim_fear": 2}})
    assert (a["unknown_answers"], a["answers_total"]) == (12, 14)
    page = client.get(f"/console/work/cases/{w.case_id}", headers=auth(w.officer)).text
    assert "모름 응답 12/14" in page
    assert 'data-testid="risk-unknown-warning"' in page
    assert "질문 14개 중 12개가 &#39;모름&#39;입니다" in page
    english = client.get(f"/console/work/cases/{w.case_id}", headers={**auth(w.officer), **EN})
    assert "12 of 14 answers are unknown" in english.text


def test_the_model_page_renders_the_card_for_a_reader(client: TestClient, factory: Factory) -> None:
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.DISPATCHER, Role.ANALYST, Role.ADMIN):
        r = client.get("/console/work/model", headers=auth(factory.token(role)))
        assert r.status_code == 200, role
    page = r.text
    assert "경찰관의 판단을 돕는 참고 자료입니다" in page  # intended use
    assert "합성 인구" in page  # what synthetic training data means for the figures
    assert "0.776" in page
    assert "[0.770, 0.783]" in page
    assert not re.search(r"\d\.\d{5,}", page)  # no 16-digit floats
    assert page.count('class="plot-point"') == 10  # the calibration plot, one point a decile
    assert "연령대 60+" in page  # per-group errors
    assert 'data-testid="model-limits"' in page
    assert "합성 인구로 학습했습니다" in page
    english = client.get("/console/work/model", headers={**auth(factory.token(Role.OFFICER)), **EN})
    assert "decision support for officers; never the only reason for an action" in english.text
    assert "Known limits" in english.text
    assert "Trained on a synthetic population" in english.text
    feed = client.get("/console/work/model", headers=auth(factory.token(Role.FEED)))
    assert feed.status_code == 403
