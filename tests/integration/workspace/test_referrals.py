"""The consent and referral pages through HTTP: the officer's section on the case page
records consent and refers; the counsellor's pages show only what the consent shares,
accept and take notes; the counsellor reaches no police page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.referrals.helpers import CENTRE

LATER = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_records_consent_and_refers_and_the_centre_accepts(
    client: TestClient, factory: Factory
) -> None:
    counsellor = factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    h = auth(w.officer)
    case_page = client.get(f"/console/work/cases/{w.case_id}", headers=h).text
    assert f'hx-get="/console/work/cases/{w.case_id}/referrals"' in case_page
    section = client.get(f"/console/work/cases/{w.case_id}/referrals", headers=h)
    assert section.status_code == 200
    assert f'<option value="{CENTRE}">' in section.text
    assert "기록된 동의가 없습니다." in section.text
    # One share ticked comes as a string, several as a list (htmx's json-enc).
    for shares in ("contact", ["contact", "risk"]):
        r = client.post(
            f"/console/work/cases/{w.case_id}/consents",
            json={"recipient": CENTRE, "shares": shares, "expires_at": LATER, "method": "written"},
            headers=h,
        )
        assert r.status_code == 200, r.text
        assert r.headers["HX-Trigger"] == "workspace-changed"
    r = client.post(
        f"/console/work/cases/{w.case_id}/referrals",
        json={"centre": CENTRE, "reason": "심리상담 연계"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    section = client.get(f"/console/work/cases/{w.case_id}/referrals", headers=h).text
    assert section.count('data-testid="consent" data-status="active"') == 2
    assert 'data-testid="referral" data-status="sent"' in section

    c = auth(counsellor)
    listed = client.get("/console/centre/referrals", headers=c)
    assert listed.status_code == 200
    assert "김지은" in listed.text
    [referral_id] = [i["id"] for i in client.get("/api/v1/referrals", headers=c).json()["items"]]
    page = client.get(f"/console/centre/referrals/{referral_id}", headers=c)
    assert 'data-testid="shared-name">김지은' in page.text
    assert 'data-testid="shared-risk"' in page.text
    assert 'data-testid="shared-offense"' not in page.text
    assert "박가해" not in page.text
    assert (
        client.post(f"/console/centre/referrals/{referral_id}/accept", headers=c).status_code == 200
    )
    r = client.post(
        f"/console/centre/referrals/{referral_id}/notes",
        json={"kind": "concern", "text": "피해자 불안 호소"},
        headers=c,
    )
    assert r.status_code == 200, r.text
    english = client.get(
        f"/console/centre/referrals/{referral_id}", headers={**c, "X-Jikimi-Lang": "en"}
    ).text
    assert 'data-testid="centre-referral-status">accepted<' in english
    assert "<strong>concern</strong>" in english
    assert 'data-testid="centre-accept"' not in english  # answered once
    tasks = client.get("/api/v1/tasks", params={"case_id": w.case_id}, headers=h).json()
    assert [t["kind"] for t in tasks["items"]] == ["counsellor_concern"]


def test_the_override_needs_its_reason_and_no_consent_is_refused(
    client: TestClient, factory: Factory
) -> None:
    factory.token(Role.COUNSELLOR, CENTRE)
    w = factory.world()
    h = auth(w.officer)
    url = f"/console/work/cases/{w.case_id}/referrals"
    refused = client.post(url, json={"centre": CENTRE, "reason": "상담"}, headers=h)
    assert refused.status_code == 422
    short = client.post(url, json={"centre": CENTRE, "reason": "상담", "override": "on"}, headers=h)
    assert short.status_code == 422
    ok = client.post(
        url,
        json={
            "centre": CENTRE,
            "reason": "상담",
            "override": "on",
            "override_reason": "피해자 자살 위험, 즉시 연계 필요",
        },
        headers=h,
    )
    assert ok.status_code == 200, ok.text
    assert "긴급 연계 (동의 없음)" in client.get(url, headers=h).text


def test_the_counsellor_reaches_no_police_page(client: TestClient, factory: Factory) -> None:
    counsellor = auth(factory.token(Role.COUNSELLOR, CENTRE))
    w = factory.world()
    for url in ("/console/work/cases", "/console/work/tasks"):
        assert client.get(url, headers=counsellor).status_code == 403, url
    for url in (f"/console/work/cases/{w.case_id}", f"/console/work/cases/{w.case_id}/referrals"):
        assert client.get(url, headers=counsellor).status_code == 404, url
    shell = client.get("/console/centre")
    assert shell.status_code == 200
    assert "/static/centre.js" in shell.text
    assert client.get("/static/centre.js").status_code == 200
    # An officer is not a counsellor: the centre's pages refuse one.
    assert client.get("/console/centre/referrals", headers=auth(w.officer)).status_code == 403
