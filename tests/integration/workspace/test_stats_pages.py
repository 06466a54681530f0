"""The caseload and statistics pages through HTTP: a supervisor's team with its chart
and moves (applied through the workspace's assignment route), an analyst's agencies
compared without a name, the statistics' tables in Korean and English."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.stats.seed import GANGWON, account_id, open_cases

CASELOAD, SUMMARY = "/console/work/stats/caseload", "/console/work/stats/summary"


def test_a_supervisor_sees_its_team_and_applies_a_move(
    client: TestClient, factory: Factory
) -> None:
    """Three cases on one officer, none on the other: the page names both, charts their
    loads and offers a move whose button assigns the case (the page then reloads)."""
    heavy = factory.token(Role.OFFICER, GANGWON, name="김경사")
    light = factory.token(Role.OFFICER, GANGWON, name="이경장")
    cases = open_cases(factory, heavy, 3)
    boss = auth(factory.token(Role.SUPERVISOR, GANGWON))
    page = client.get(CASELOAD, headers=boss)
    assert page.status_code == 200
    for text in ("팀 업무량", "김경사", "이경장", 'data-testid="caseload-chart"', "재배정 제안"):
        assert text in page.text, text
    assert page.text.count('data-testid="suggestion"') == 1
    assert "김지은" not in page.text  # the victims' names are not the caseload's
    applied = client.post(
        f"/console/work/cases/{cases[0]}/assignments",
        headers=boss,
        json={"officer_id": account_id(client, light), "replace": "on"},
    )
    assert applied.status_code == 200
    assert applied.headers["HX-Trigger"] == "workspace-changed"
    english = client.get(CASELOAD, headers={**boss, "X-Jikimi-Lang": "en"})
    assert "Team caseload" in english.text
    assert "The load is evenly shared." in english.text


def test_an_analyst_compares_agencies_and_reads_statistics(
    client: TestClient, factory: Factory
) -> None:
    """The agencies' chart and table, no victim's name; the statistics tables by month
    with "<5" for small counts; a malformed month is a 422."""
    officer = factory.token(Role.OFFICER, GANGWON)
    open_cases(factory, officer, 2)
    analyst = auth(factory.token(Role.ANALYST, None))
    page = client.get(CASELOAD, headers=analyst)
    assert page.status_code == 200
    assert 'data-testid="agencies-chart"' in page.text
    assert GANGWON in page.text
    assert "김지은" not in page.text
    stats = client.get(SUMMARY, headers=analyst)
    assert stats.status_code == 200
    assert "범죄 유형별 신규 사건" in stats.text
    assert '<td class="num">&lt;5</td>' in stats.text  # the 2 stalking cases
    assert "김지은" not in stats.text
    assert "박가해" not in stats.text
    year = client.get(SUMMARY, headers=analyst, params={"group": "year", "from_month": "2025-01"})
    assert year.status_code == 200
    assert 'data-testid="statistics-chart"' in year.text
    assert (
        "Cases opened by offense"
        in client.get(SUMMARY, headers={**analyst, "X-Jikimi-Lang": "en"}).text
    )
    bad = client.get(SUMMARY, headers=analyst, params={"from_month": "2025-13"})
    assert bad.status_code == 422
    officer_page = client.get(CASELOAD, headers=auth(officer))
    assert officer_page.status_code == 403
