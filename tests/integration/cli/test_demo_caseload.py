"""The demo's caseloads through the API: the console officer holds the week's cases, its
colleagues one or two, so the supervisor is offered moves away from it within the
agency; the analyst compares the two agencies."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.cli.demo_caseload import OTHER_AGENCY, TEAM, make_team, seed_caseload
from jikimi.cli.demo_city import AGENCY
from jikimi.cli.demo_week import seed_week
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from tests.factories import Factory, auth
from tests.integration.cli.test_demo_week import staff


def test_the_demo_shows_an_imbalance_to_balance(
    client: TestClient, container: Container, factory: Factory
) -> None:
    officer_id, officer = staff(container, "officer", Role.OFFICER)
    seed_week(client, officer, random.Random(1), datetime.now(UTC))
    with transaction(container.sessions) as s:
        team = make_team(s)
    made = seed_caseload(client, team, random.Random(2))
    assert len(made) == sum(n for _, _, n in TEAM)
    boss = factory.token(Role.SUPERVISOR, AGENCY)
    body = client.get("/api/v1/stats/caseload", headers=auth(boss)).json()
    loads = sorted(o["weighted_load"] for o in body["officers"])
    assert loads[-1] >= 3 * loads[0]  # one officer carries the agency
    assert body["suggestions"]
    assert {m["from_officer_id"] for m in body["suggestions"]} == {officer_id}
    analyst = factory.token(Role.ANALYST, None)
    agencies = client.get("/api/v1/stats/caseload", headers=auth(analyst)).json()["agencies"]
    assert [a["agency"] for a in agencies] == [OTHER_AGENCY, AGENCY]
