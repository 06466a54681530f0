"""A stolen phone, a departed officer: their tokens stop working."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jikimi.bootstrap import Container
from jikimi.cli.main import app as cli
from jikimi.core.access import Role
from jikimi.core.caches import ttl_cache
from tests.factories import Factory, auth

STATUS = "/api/v1/device/status"


def test_officer_revokes_a_stolen_phone(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Its token is refused at once; the case and its evidence remain."""
    w = factory.world()
    assert (
        client.get(STATUS, headers=factory.signed(w.device_token, "GET", STATUS)).status_code == 200
    )
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    device_id = case["devices"][0]["id"]
    stranger = factory.token(Role.OFFICER)
    r = client.post(f"/api/v1/devices/{device_id}/revoke", headers=auth(stranger))
    assert r.status_code == 404  # not the stranger's case
    r = client.post(f"/api/v1/devices/{device_id}/revoke", headers=auth(w.officer))
    assert r.status_code == 200, r.text
    refused = client.get(STATUS, headers=factory.signed(w.device_token, "GET", STATUS))
    assert refused.status_code == 401


def test_cli_lists_without_secrets_revokes_and_suspends(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    """`jikimi token list|revoke` and `jikimi suspend` for machines and people who leave."""
    container.principals = ttl_cache(0)  # this process re-checks every request
    officer = factory.token(Role.OFFICER, name="이경사")
    dispatcher = factory.token(Role.DISPATCHER, name="상황실")
    env = {"JIKIMI_DATABASE_URL": database_url}
    listed = CliRunner().invoke(cli, ["token", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert officer not in listed.output
    assert dispatcher not in listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    by_name = {row["name"]: row for row in rows}
    assert client.get("/api/v1/alerts", headers=auth(dispatcher)).status_code == 200
    r = CliRunner().invoke(cli, ["token", "revoke", by_name["상황실"]["id"]], env=env)
    assert r.exit_code == 0, r.output
    assert client.get("/api/v1/alerts", headers=auth(dispatcher)).status_code == 401
    assert client.get("/api/v1/alerts", headers=auth(officer)).status_code == 200
    r = CliRunner().invoke(cli, ["suspend", by_name["이경사"]["account_id"]], env=env)
    assert r.exit_code == 0, r.output
    assert client.get("/api/v1/alerts", headers=auth(officer)).status_code == 401
