"""The plan's page in the workspace: each stop's row on a unit's sheet carries a button
that records the visit, and a stop already visited shows when."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from tests.factories import Factory, auth
from tests.integration.patrols.test_routes import home_case, shift_body, stops_by_case


def test_a_supervisor_records_a_visit_from_the_units_sheet(
    client: TestClient, factory: Factory, clock: FixedClock
) -> None:
    officer = factory.token(Role.OFFICER)
    home = home_case(factory, officer, "high", (37.5563, 126.9236))
    supervisor = factory.token(Role.SUPERVISOR)
    plan = factory.post("/api/v1/patrol-plans", supervisor, shift_body(clock.now(), hours=4))
    assert len(stops_by_case(plan)[home.case_id]) == 1
    h = auth(supervisor)
    page = client.get(f"/console/work/patrols/{plan['id']}", headers=h)
    assert page.status_code == 200
    assert page.text.count('data-testid="patrol-visit"') == 1
    assert 'data-testid="patrol-visited"' not in page.text

    clock.advance(3600)
    url = f"/console/work/patrols/{plan['id']}/visits"
    r = client.post(url, json={"case_id": home.case_id}, headers=h)
    assert r.status_code == 200, r.text
    assert 'data-testid="patrol-visited"' in r.text
    [visit] = client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=h).json()["visits"]
    assert visit["case_id"] == home.case_id
    assert visit["visited_at"].startswith(clock.now().isoformat()[:16])
    again = client.get(f"/console/work/patrols/{plan['id']}", headers=h).text
    assert 'data-testid="patrol-visit"' not in again
    assert again.count('data-testid="patrol-visited"') == 1

    # A home that is not on the plan is refused and records nothing.
    stranger = home_case(factory, officer, "high", (37.55, 126.93))
    r = client.post(url, json={"case_id": stranger.case_id}, headers=h)
    assert r.status_code == 422, r.text
    assert "no stop at that case" in r.json()["detail"]
    assert len(client.get(f"/api/v1/patrol-plans/{plan['id']}", headers=h).json()["visits"]) == 1
