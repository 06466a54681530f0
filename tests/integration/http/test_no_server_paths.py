"""No answer tells a caller where the server keeps its files: every GET route the role
matrix reaches (the JSON API and the workspace's pages), with objects of a seeded case, as
an admin, a supervisor and the case's officer."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import jikimi
from jikimi.app import ROUTERS
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.http.test_role_matrix import a_measure, a_support_application

REPO = Path(jikimi.__file__).resolve().parents[2]
# `/console/work/` is the workspace's own URL, not a directory.
SERVER_PATH = re.compile(
    r"/home/|/root/|/tmp/|/usr/|site-packages|(?<!/console)/work/|\.venv|" + re.escape(str(REPO))
)


def get_routes() -> list[str]:
    """Every GET path of the API and the workspace but the event streams."""
    paths = set()
    for router in ROUTERS:
        for r in router.routes:
            if isinstance(r, APIRoute) and "GET" in r.methods and not r.path.endswith("/stream"):
                paths.add(r.path)
    assert len(paths) >= 20, "the route walk found too few routes"
    return sorted(paths)


def test_the_pattern_finds_paths_and_spares_the_workspace() -> None:
    for leak in ("/home/u/x.db", "/usr/lib/python3", f"{REPO}/src", "a/.venv/lib", "/work/x"):
        assert SERVER_PATH.search(leak), leak
    assert not SERVER_PATH.search('<button data-open="/console/work/model">')


def test_no_get_route_answers_a_filesystem_path(
    client: TestClient, factory: Factory, container: Container
) -> None:
    owner = factory.token(Role.OFFICER, "seoul-mapo")
    world = factory.world(owner)
    factory.contact(world.device_token, world.perpetrator_number)
    container.worker.run_once()
    case = client.get(f"/api/v1/cases/{world.case_id}", headers=auth(owner)).json()
    supervisor = factory.token(Role.SUPERVISOR, "seoul-mapo")
    alerts = client.get("/api/v1/alerts", headers=auth(supervisor)).json()["items"]
    assessment = factory.post(
        f"/api/v1/cases/{world.case_id}/risk-assessments", owner, {"answers": {}, "note": "메모"}
    )
    task = factory.post(
        f"/api/v1/cases/{world.case_id}/tasks",
        owner,
        {"kind": "other", "due_at": datetime.now(UTC).isoformat(), "reason": "확인 전화"},
    )
    ids = {
        "application_id": a_support_application(factory, owner, world.case_id),
        "measure_id": a_measure(factory, owner, world.case_id),
        "task_id": task["id"],
        "assessment_id": assessment["id"],
        "person_id": world.victim_id,
        "case_id": world.case_id,
        "order_id": world.order_id,
        "alert_id": alerts[0]["id"],
        "device_id": case["devices"][0]["id"],
        "flag_id": "none",
    }
    callers = {
        "admin": factory.token(Role.ADMIN, "seoul-mapo"),
        "supervisor": supervisor,
        "officer": owner,
    }
    leaks, answered = [], 0
    for path in get_routes():
        url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "unknown"), path)
        for who, token in callers.items():
            r = client.get(url, headers=auth(token))
            answered += r.status_code == 200
            if found := SERVER_PATH.search(r.text):
                leaks.append(f"GET {path} as {who}: {found.group(0)!r}")
    assert leaks == []
    assert answered >= 30, "too few routes answered to show anything"
