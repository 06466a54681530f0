"""What is not the caller's answers exactly as what does not exist: one 404, one wording,
on every route that takes an id; an anklet held by another agency is refused as any
unavailable anklet is, and the attempt is flagged for review."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.http import test_role_matrix as matrix
from tests.integration.referrals.helpers import CENTRE, OTHER_CENTRE, referral_of

MISSING = {
    "assessment_id": "0" * 32,
    "person_id": "0" * 32,
    "case_id": "0" * 32,
    "order_id": "0" * 32,
    "alert_id": "0" * 32,
    "device_id": "0" * 32,
    "flag_id": "999999999",
    "task_id": "0" * 32,
    "measure_id": "0" * 32,
    "consent_id": "0" * 32,
    "referral_id": "0" * 32,
    "application_id": "0" * 32,
    "plan_id": "0" * 32,
}

COLLEAGUE = "officer of the agency, not on the case"


def test_not_yours_and_missing_answer_alike_on_every_route(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The tester's reproduction, on every route with an id: another agency's device
    answered "no such case" and a missing one "no such device" (orders' extensions and
    revoke too). Now the status and the whole body are the same for both."""
    owner = factory.token(Role.OFFICER, "seoul-mapo")
    world = factory.world(owner)
    factory.contact(world.device_token, world.perpetrator_number)
    container.worker.run_once()
    case = client.get(f"/api/v1/cases/{world.case_id}", headers=auth(owner)).json()
    dispatcher = factory.token(Role.DISPATCHER)
    alert_id = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"][0]["id"]
    assessment_id = factory.post(
        f"/api/v1/cases/{world.case_id}/risk-assessments", owner, {"answers": {}}
    )["id"]
    snoop = factory.token(Role.OFFICER, "seoul-mapo")
    assert client.get(f"/api/v1/people/{world.victim_id}", headers=auth(snoop)).status_code == 404
    supervisor = factory.token(Role.SUPERVISOR, "seoul-mapo")
    flag_id = client.get("/api/v1/audit/flags", headers=auth(supervisor)).json()["items"][0]["id"]
    task_id = factory.post(
        f"/api/v1/cases/{world.case_id}/tasks",
        owner,
        {"kind": "other", "due_at": datetime.now(UTC).isoformat()},
    )["id"]
    counsellor = factory.token(Role.COUNSELLOR, CENTRE)
    consent_id, referral_id = referral_of(factory, world)
    ids = {
        "consent_id": consent_id,
        "referral_id": referral_id,
        "plan_id": matrix.a_plan(factory, supervisor),
        "measure_id": matrix.a_measure(factory, owner, world.case_id),
        "application_id": matrix.a_support_application(factory, owner, world.case_id),
        "task_id": task_id,
        "assessment_id": assessment_id,
        "person_id": world.victim_id,
        "case_id": world.case_id,
        "order_id": world.order_id,
        "alert_id": alert_id,
        "device_id": case["devices"][0]["id"],
        "flag_id": flag_id,
    }
    outsiders = {
        f"{r.value} of another agency": (r, factory.token(r, "busan-haeundae"))
        for r in (Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR)
    } | {
        COLLEAGUE: (Role.OFFICER, snoop),
        "counsellor of another centre": (
            Role.COUNSELLOR,
            factory.token(Role.COUNSELLOR, OTHER_CENTRE),
        ),
    }
    sample = matrix.bodies(datetime.now(UTC))

    def call(method: str, path: str, token: str, known: dict[str, str]) -> tuple[int, Any]:
        url = re.sub(r"\{(\w+)\}", lambda m: known[m.group(1)], path)
        body = sample.get((method, path), {}) if method == "POST" else None
        params = {"reason": "법원 제출용 증거 사본"} if path.endswith("/evidence") else None
        r = client.request(method, url, json=body, params=params, headers=auth(token))
        return r.status_code, r.json()

    checked, differences = 0, []
    for method, path, route in matrix.api_routes(client):
        if "{" not in path or path.endswith("/stream"):
            continue
        allowed = matrix.route_roles(route) or frozenset()
        for label, (role, token) in outsiders.items():
            # Break-glass lets a colleague of the agency in (test_audit.py covers it).
            if role not in allowed or (path.endswith("/break-glass") and label == COLLEAGUE):
                continue
            theirs = call(method, path, token, ids)
            nothing = call(method, path, token, MISSING)
            checked += 1
            if theirs != nothing or theirs[0] != 404:
                differences.append(f"{method} {path} as {label}: {theirs} vs {nothing}")
        # The counsellor of the centre the case is referred to: every other object alike.
        if Role.COUNSELLOR not in allowed:
            theirs = call(method, path, counsellor, ids)
            nothing = call(method, path, counsellor, MISSING)
            if theirs != nothing or theirs[0] != 404:
                differences.append(f"{method} {path} as its counsellor: {theirs} vs {nothing}")
    assert differences == []
    assert checked >= 20, "the route walk found too few routes"


def test_an_unknown_number_and_an_unknown_person_answer_alike(
    client: TestClient, factory: Factory
) -> None:
    """Ending a number the person never had reads as a person one may not see."""
    w = factory.world()
    url = "/api/v1/people/{}/phones/end"
    body = {"number": "010-5555-1212", "valid_to": datetime.now(UTC).isoformat()}
    own = client.post(url.format(w.victim_id), headers=auth(w.officer), json=body)
    missing = client.post(url.format("0" * 32), headers=auth(w.officer), json=body)
    assert (own.status_code, own.json()) == (missing.status_code, missing.json())
    assert own.json()["detail"] == "not found"


def bind(client: TestClient, officer: str, case_id: str, serial: str) -> Any:
    """An officer binds an anklet to a case."""
    return client.post(
        f"/api/v1/cases/{case_id}/devices",
        headers=auth(officer),
        json={"kind": "anklet", "serial": serial},
    )


def test_an_anklet_of_another_agency_is_refused_as_any_unavailable_one(
    client: TestClient, factory: Factory
) -> None:
    """The tester's reproduction: binding a serial another agency holds answered a 409
    that set it apart. Now its answer is the one an officer gets for a serial held in their
    own agency, naming no case and no agency; the attempt is flagged to the supervisor of
    the officer who made it, and changes nothing."""
    serial = f"EM-{uuid.uuid4().hex[:8]}"
    mapo = factory.world()
    assert bind(client, mapo.officer, mapo.case_id, serial).status_code == 201
    colleague_case = factory.world()
    same_agency = bind(client, colleague_case.officer, colleague_case.case_id, serial)
    busan_officer = factory.token(Role.OFFICER, agency="busan-haeundae")
    busan = factory.world(busan_officer)
    other_agency = bind(client, busan_officer, busan.case_id, serial)
    assert same_agency.status_code == other_agency.status_code == 409
    assert same_agency.json() == other_agency.json()
    assert same_agency.headers["content-type"] == "application/problem+json"
    detail = other_agency.json()["detail"]
    for named in (mapo.case_id, "seoul", serial):
        assert named not in detail
    case = client.get(f"/api/v1/cases/{busan.case_id}", headers=auth(busan_officer)).json()
    assert [d["kind"] for d in case["devices"]] == ["victim_phone"]

    def flagged(agency: str) -> list[tuple[str, list[str]]]:
        token = factory.token(Role.SUPERVISOR, agency=agency)
        items = client.get("/api/v1/audit/flags", headers=auth(token)).json()["items"]
        return [(f["action"], f["flags"]) for f in items]

    assert flagged("busan-haeundae") == [("denied", ["anklet_held_elsewhere"])]
    assert flagged("seoul-mapo") == []
    # The binding it could not take is still where it was.
    held = client.get(f"/api/v1/cases/{mapo.case_id}", headers=auth(mapo.officer)).json()
    assert serial in [d["serial"] for d in held["devices"]]
