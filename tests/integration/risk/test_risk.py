"""Risk assessments through the API: scoring, strict input, the override rules, history,
need-to-know, the model card, re-scoring after a violation, and severity by tier."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import reading
from jikimi.risk.dispatch import coarse_factors
from tests.factories import Factory, World, auth

# Five "yes" on the police checklist: low; one violation more (a sixth item) makes it medium.
TWO = {
    "threat_to_kill": True,
    "strangulation": True,
    "separation": True,
    "escalation": True,
    "weapon_threat": True,
    "gun_access": False,
}
# Twelve items (five answers, six stalking behaviours, the victim's fear at 4): high.
SIX = {**TWO, "stalking_behaviours": 6, "victim_fear": 4}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """These tests are about the API's rules, so they score with the police checklist,
    whose tiers follow from the answers by counting (test_risk_model.py: the model)."""
    return Settings(database_url=database_url, escalate_after_s=60, risk_scorer="checklist")


def assess(factory: Factory, w: World, answers: dict[str, Any], note: str | None = None) -> Any:
    """POST an assessment as the case's officer."""
    body = {"answers": answers, "note": note}
    return factory.post(f"/api/v1/cases/{w.case_id}/risk-assessments", w.officer, body)


def history(client: TestClient, w: World, token: str | None = None) -> list[dict[str, Any]]:
    """The case's assessments, newest first."""
    r = client.get(f"/api/v1/cases/{w.case_id}/risk-assessments", headers=auth(token or w.officer))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_an_assessment_is_scored_and_becomes_the_cases_risk(
    client: TestClient, factory: Factory
) -> None:
    """201 with probability, tier, factors and model version; GET /cases/{id} carries it."""
    w = factory.world()
    out = assess(factory, w, SIX, "상담 내용: 흉기로 위협")
    assert out["tier"] == out["effective_tier"] == "high"
    assert 0 <= out["probability"] <= 1
    assert out["model_version"] == "checklist-kr-2023"
    assert {f["name"] for f in out["factors"]} >= {"threat_to_kill", "victim_fear"}
    assert (out["trigger"], out["override"], out["note"]) == (
        "officer",
        None,
        "상담 내용: 흉기로 위협",
    )
    assert out["answers"]["stalking_behaviours"] == 6
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    assert case["risk"]["id"] == out["id"]
    assert case["risk"]["effective_tier"] == "high"


def test_the_questionnaire_is_strict(client: TestClient, factory: Factory) -> None:
    """Unknown key, wrong type, out of range → 422 problem; every answer may be missing."""
    w = factory.world()
    url = f"/api/v1/cases/{w.case_id}/risk-assessments"
    for bad in (
        {"answers": {"threat_to_kil": True}},
        {"answers": {"threat_to_kill": "yes"}},
        {"answers": {"threat_to_kill": 1}},
        {"answers": {"stalking_behaviours": 11}},
        {"answers": {"stalking_behaviours": True}},
        {"answers": {"victim_fear": -1}},
        {"answers": {"victim_fear": 6}},
        {"answers": {}, "extra": 1},
        {"answers": {}, "note": 5},
    ):
        r = client.post(url, json=bad, headers=auth(w.officer))
        assert r.status_code == 422, bad
        assert r.headers["content-type"].startswith("application/problem+json")
    empty = factory.post(url, w.officer, {"answers": {}})
    assert (empty["tier"], empty["answers"]) == ("low", {})
    assert factory.post(url, w.officer, {})["tier"] == "low"


def test_an_override_may_raise_the_tier_never_lower_it(
    client: TestClient, factory: Factory
) -> None:
    """Below the computed tier → 422 naming why; no reason or a short one → 422; raising
    with a reason → 200 and the case's effective tier follows; equal is a confirmation."""
    w = factory.world()
    a = assess(factory, w, SIX)
    url = f"/api/v1/risk-assessments/{a['id']}/override"
    r = client.post(
        url,
        json={"tier": "medium", "reason": "피해자가 진술을 번복했습니다"},
        headers=auth(w.officer),
    )
    assert r.status_code == 422
    assert "below" in r.json()["detail"]
    assert "high" in r.json()["detail"]
    for body in ({"tier": "very_high"}, {"tier": "very_high", "reason": "짧음"}):
        assert client.post(url, json=body, headers=auth(w.officer)).status_code == 422
    bad_tier = {"tier": "extreme", "reason": "가해자가 총기를 구했다는 제보"}
    assert client.post(url, json=bad_tier, headers=auth(w.officer)).status_code == 422
    reason = "가해자가 총기를 구했다는 제보 (2026-03-01 112 신고)"
    out = factory.post(url, w.officer, {"tier": "very_high", "reason": reason}, status=200)
    assert (out["tier"], out["effective_tier"]) == ("high", "very_high")
    assert out["override"]["reason"] == reason
    assert out["override"]["by"]
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    assert case["risk"]["effective_tier"] == "very_high"
    # Back to the computed tier: allowed (confirming is not lowering below it).
    same = factory.post(
        url, w.officer, {"tier": "high", "reason": "제보가 허위로 확인됨"}, status=200
    )
    assert same["effective_tier"] == "high"


def test_only_the_latest_assessment_is_overridden(client: TestClient, factory: Factory) -> None:
    """An older one → 409: the override must speak to the tier in force."""
    w = factory.world()
    old = assess(factory, w, TWO)
    assess(factory, w, SIX)
    r = client.post(
        f"/api/v1/risk-assessments/{old['id']}/override",
        json={"tier": "very_high", "reason": "오래된 평가를 고치려는 시도"},
        headers=auth(w.officer),
    )
    assert r.status_code == 409


def test_history_is_newest_first_and_the_dispatcher_sees_no_answers_or_note(
    client: TestClient, factory: Factory
) -> None:
    """Need-to-know: tier, probability and factors for the dispatcher; the override's
    reason, the answers and the note for officers and supervisors."""
    w = factory.world()
    first = assess(factory, w, TWO, "첫 상담")
    second = assess(factory, w, SIX, "두 번째 상담: 목 조름")
    reason = "가해자 출소 예정, 피해자 극도 불안"
    factory.post(
        f"/api/v1/risk-assessments/{second['id']}/override",
        w.officer,
        {"tier": "very_high", "reason": reason},
        status=200,
    )
    mine = history(client, w)
    assert [a["id"] for a in mine] == [second["id"], first["id"]]
    assert mine[0]["note"] == "두 번째 상담: 목 조름"
    assert mine[0]["override"]["reason"] == reason
    supervisor = history(client, w, factory.token(Role.SUPERVISOR))
    assert supervisor[0]["override"]["reason"] == reason
    dispatcher = factory.token(Role.DISPATCHER)
    lookup = client.get(
        "/api/v1/cases", params={"caller": w.victim_number}, headers=auth(dispatcher)
    )
    assert [c["id"] for c in lookup.json()["items"]] == [
        w.case_id
    ]  # the victim's 112 call: a reason
    seen = history(client, w, dispatcher)
    assert [a["id"] for a in seen] == [second["id"], first["id"]]
    assert seen[0]["effective_tier"] == "very_high"
    assert seen[0]["factors"] == coarse_factors(mine[0]["factors"])
    for a in seen:
        assert (a["note"], a["answers"]) == (None, None)
    assert seen[0]["override"]["reason"] is None
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(dispatcher)).json()
    assert case["risk"]["note"] is None
    assert case["risk"]["effective_tier"] == "very_high"
    assert "목 조름" not in client.get(f"/api/v1/cases/{w.case_id}", headers=auth(dispatcher)).text


def test_assessments_are_in_the_access_trail(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Creating, overriding and reading assessments are recorded with whose data."""
    w = factory.world()
    a = assess(factory, w, SIX)
    factory.post(
        f"/api/v1/risk-assessments/{a['id']}/override",
        w.officer,
        {"tier": "very_high", "reason": "가해자 흉기 소지 목격 신고"},
        status=200,
    )
    dispatcher = factory.token(Role.DISPATCHER)
    client.get("/api/v1/cases", params={"caller": w.victim_number}, headers=auth(dispatcher))
    history(client, w, dispatcher)
    with reading(container.read_sessions) as s:
        rows = s.scalars(
            select(t.AccessRecord).where(t.AccessRecord.resource == "risk_assessment")
        ).all()
        got = [(r.action, r.role, set(r.subjects)) for r in rows]
    people = {w.victim_id, w.perpetrator_id}
    assert got == [
        ("create", "officer", people),
        ("update", "officer", people),
        ("read", "dispatcher", people),
    ]


def test_the_model_card_is_for_analysts_and_staff(client: TestClient, factory: Factory) -> None:
    """No personal data in it; phones and feeds may not read it."""
    for role in (Role.ANALYST, Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR):
        r = client.get("/api/v1/risk/model", headers=auth(factory.token(role)))
        assert r.status_code == 200, role
        card = r.json()
        assert card["version"] == "checklist-kr-2023"
        assert card["plot_urls"] == []
    assert (
        client.get("/api/v1/risk/model", headers=auth(factory.token(Role.FEED))).status_code == 403
    )


def test_a_new_violation_rescores_the_case_with_its_last_answers(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Low with two "yes"; the perpetrator's call under the ban is a violated order (one
    "yes" more): the worker writes a `rescore` assessment, medium, with the same answers and
    note."""
    w = factory.world()
    first = assess(factory, w, TWO, "첫 상담")
    factory.contact(w.device_token, w.perpetrator_number)
    with reading(container.read_sessions) as s:
        case = s.get(t.Case, w.case_id)
        assert case is not None
        assert case.risk_rescore_due_at is not None  # committed with the alert
    container.worker.run_once()
    items = history(client, w)
    assert [a["trigger"] for a in items] == ["rescore", "officer"]
    new = items[0]
    assert (first["tier"], new["tier"]) == ("low", "medium")
    assert (new["answers"], new["note"]) == (first["answers"], "첫 상담")
    assert "order_violation" in {f["name"] for f in new["factors"]}
    assert new["assessed_by"] is None
    with reading(container.read_sessions) as s:
        case = s.get(t.Case, w.case_id)
        assert case is not None
        assert case.risk_rescore_due_at is None
    container.worker.run_once()
    assert len(history(client, w)) == 2  # nothing more to do


def test_a_rescore_keeps_an_override_still_above_the_new_tier(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Raised to very high; after a violation the model says medium: very high stays."""
    w = factory.world()
    a = assess(factory, w, TWO)
    reason = "피해자 진술: 가해자가 살해 협박"
    factory.post(
        f"/api/v1/risk-assessments/{a['id']}/override",
        w.officer,
        {"tier": "very_high", "reason": reason},
        status=200,
    )
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    new = history(client, w)[0]
    assert (new["trigger"], new["tier"], new["effective_tier"]) == (
        "rescore",
        "medium",
        "very_high",
    )
    assert new["override"]["reason"] == reason


def test_the_tier_sets_the_severity_of_the_cases_alerts(
    client: TestClient, factory: Factory
) -> None:
    """Unassessed: a hidden-number call is medium. High: high. Very high (override):
    critical — in another case of the same officer, so each alert opens fresh."""
    officer = factory.token(Role.OFFICER)
    severities = []
    for answers, raise_to in ((None, None), (SIX, None), (SIX, "very_high")):
        w = factory.world(officer)
        if answers is not None:
            a = assess(factory, w, answers)
            if raise_to:
                factory.post(
                    f"/api/v1/risk-assessments/{a['id']}/override",
                    officer,
                    {"tier": raise_to, "reason": "가해자 보복 예고 문자 확인"},
                    status=200,
                )
        factory.contact(w.device_token, None)
        got = client.get(
            f"/api/v1/alerts?case_id={w.case_id}", headers=auth(factory.token(Role.DISPATCHER))
        ).json()["items"]
        assert [a["kind"] for a in got] == ["hidden_number_contact"]
        severities.append(got[0]["severity"])
    assert severities == ["medium", "high", "critical"]
