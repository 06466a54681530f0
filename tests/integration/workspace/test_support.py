"""The case page's emergency support through HTTP: an officer applies (limits shown from
the pack), a supervisor decides (not one their own account applied for: the page says
why, and the route refuses), a payment is recorded; in Korean and in English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

EN = {"X-Jikimi-Lang": "en"}


def kst_input(at: datetime) -> str:
    """A `datetime-local` value in Korean time, as the browser sends it."""
    return (at + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M")


def test_apply_decide_and_pay_from_the_case_page(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    officer, supervisor = auth(w.officer), auth(factory.token(Role.SUPERVISOR))
    page = client.get(f"/console/work/cases/{w.case_id}/support", headers=officer)
    assert page.status_code == 200, page.text
    assert "긴급생계비 (최대 1,500,000원)" in page.text
    assert "지원 신청이 없습니다." in page.text

    url = f"/console/work/cases/{w.case_id}/support"
    over = {"kind": "living", "amount_krw": "1,500,001", "reason": "생계 곤란"}
    r = client.post(url, json=over, headers=officer)
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "living support is at most 1,500,000 KRW per application",
    )
    r = client.post(url, json={**over, "amount_krw": "열 냥"}, headers=officer)
    assert (r.status_code, r.json()["detail"]) == (422, "amount_krw: a whole number of won")
    r = client.post(url, json={**over, "amount_krw": "1,000,000"}, headers=officer)
    assert r.status_code == 200, r.text
    assert r.headers["HX-Trigger"] == "workspace-changed"
    assert "지원을 신청했습니다." in r.text

    [a] = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=officer).json()[
        "items"
    ]
    assert "support-decision-form" not in client.get(url, headers=officer).text
    page = client.get(url, headers=supervisor).text
    assert 'data-testid="support-decision-form"' in page
    assert "결정 대기" in page
    decision = {"decision": "approve", "amount_krw": "800,000", "reason": "2개월분"}
    r = client.post(f"/console/work/support/{a['id']}/decision", json=decision, headers=supervisor)
    assert r.status_code == 200, r.text
    payment = {
        "amount_krw": "800000",
        "paid_at": kst_input(datetime.now(UTC)),
        "reference": "이체 0007",
        "reason": "",
    }
    r = client.post(f"/console/work/support/{a['id']}/payments", json=payment, headers=officer)
    assert r.status_code == 200, r.text
    page = client.get(url, headers=officer).text
    assert "승인 800,000원 · 지급 800,000원" in page
    assert "지급 800,000원 · 이체 0007" in page
    english = client.get(url, headers={**officer, **EN}).text
    assert "approved KRW 800,000 · paid KRW 800,000" in english
    assert "Living costs" in english


def test_a_supervisor_sees_why_they_cannot_decide_their_own(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    supervisor = auth(factory.token(Role.SUPERVISOR))
    url = f"/console/work/cases/{w.case_id}/support"
    body = {"kind": "relocation", "amount_krw": "2000000", "reason": "보복 우려로 이사"}
    assert client.post(url, json=body, headers=supervisor).status_code == 200
    page = client.get(url, headers=supervisor).text
    assert "본인이 신청한 건은 다른 팀장이 결정합니다" in page
    assert "support-decision-form" not in page
    assert "another supervisor decides it" in client.get(url, headers={**supervisor, **EN}).text
    [a] = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=supervisor).json()[
        "items"
    ]
    refusal = {"decision": "refuse", "amount_krw": "", "reason": "스스로 거절"}
    r = client.post(f"/console/work/support/{a['id']}/decision", json=refusal, headers=supervisor)
    assert r.status_code == 403
    assert r.json()["detail"].startswith("four eyes")
