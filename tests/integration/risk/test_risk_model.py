"""The learned model behind the API (the default scorer): its version on every
assessment, monotone in the grave answers, and its card and plots for the model page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

BASE = {"threat_to_kill": False, "strangulation": False, "separation": True, "victim_fear": 3}


def test_the_shipped_model_scores_and_strangulation_never_lowers_the_score(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    path = f"/api/v1/cases/{w.case_id}/risk-assessments"
    card = client.get("/api/v1/risk/model", headers=auth(w.officer)).json()
    assert card["version"] != "checklist-kr-2023"
    before = factory.post(path, w.officer, {"answers": BASE, "note": "헤어진 뒤 연락이 계속됨"})
    worse = factory.post(path, w.officer, {"answers": {**BASE, "strangulation": True}})
    assert before["model_version"] == worse["model_version"] == card["version"]
    assert 0 < before["probability"] < 1
    assert worse["probability"] >= before["probability"]
    assert "strangulation" in {f["name"] for f in worse["factors"]}


def test_the_model_page_gets_the_card_and_its_calibration_plot(
    client: TestClient, factory: Factory
) -> None:
    card = client.get("/api/v1/risk/model", headers=auth(factory.token(Role.ANALYST))).json()
    assert card["metrics"]
    assert card["plot_urls"]
    plot = client.get(card["plot_urls"][0])
    assert plot.status_code == 200
    assert plot.headers["content-type"] == "image/png"
