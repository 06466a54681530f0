"""Break-glass: a typed reason, a read and nothing more, and nothing left when it ends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth, geo_world, new_mobile

REASON = "야간 긴급 신고, 담당자 부재로 피해자 주소 확인"
EVIDENCE_REASON = {"reason": "서울서부지법 2026고단123 제출"}


def break_glass(client: TestClient, case_id: str, token: str, reason: str = REASON) -> Any:
    """POST the break-glass request."""
    return client.post(
        f"/api/v1/cases/{case_id}/break-glass", headers=auth(token), json={"reason": reason}
    )


def end_every_break_glass(container: Container) -> None:
    """Its minutes are up (the clock moved on)."""
    with transaction(container.sessions) as s:
        s.execute(update(t.BreakGlass).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))


def flags(container: Container) -> list[tuple[str, str, list[str]]]:
    """(action, resource, flags) of every flagged record, oldest first."""
    with reading(container.read_sessions) as s:
        rows = s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n))
        return [(r.action, r.resource, list(r.flags)) for r in rows if r.flags]


def test_a_blank_or_padded_reason_is_refused_and_opens_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 6: twelve spaces were a reason. Trimmed (and inner runs of space counted
    once) a reason needs ten characters; anything less is a 422 that grants nothing."""
    w = factory.world()
    colleague = factory.token(Role.OFFICER, name="당직 경위")
    for reason in (" " * 12, "\t\n \u3000" * 4, "급함" + " " * 10, "a" + " " * 12 + "b"):
        r = break_glass(client, w.case_id, colleague, reason)
        assert r.status_code == 422, reason
        assert r.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(colleague)).status_code == 404
    with reading(container.read_sessions) as s:
        assert s.scalar(select(func.count()).select_from(t.BreakGlass)) == 0


def test_break_glass_is_read_only(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 6: the colleague who broke the glass revoked the order and the victim's
    phone and enrolled a new phone. Every write on the case, its orders, devices, risk
    assessments and people is a 403 "break-glass is read-only", changes nothing, and is
    flagged for review."""
    w = factory.world()
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    [device] = case["devices"]
    [alert] = case["open_alerts"]
    assessment = factory.post(
        f"/api/v1/cases/{w.case_id}/risk-assessments", w.officer, {"answers": {}}
    )
    colleague = factory.token(Role.OFFICER, name="당직 경위")
    assert break_glass(client, w.case_id, colleague).status_code == 201
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(colleague)).status_code == 200

    later = (datetime.now(UTC) + timedelta(days=40)).isoformat()
    writes: list[tuple[str, dict[str, Any] | None]] = [
        (f"/api/v1/orders/{w.order_id}/revoke", {"reason": "피해자 요청으로 취소"}),
        (f"/api/v1/orders/{w.order_id}/extensions", {"ends_at": later}),
        (
            f"/api/v1/cases/{w.case_id}/orders",
            {
                "kind": "stalking.emergency.2",
                "starts_at": datetime.now(UTC).isoformat(),
                "ends_at": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            },
        ),
        (f"/api/v1/devices/{device['id']}/revoke", None),
        (f"/api/v1/cases/{w.case_id}/devices", {"kind": "victim_phone"}),
        (f"/api/v1/cases/{w.case_id}/devices", {"kind": "anklet", "serial": "EM-BG-1"}),
        (f"/api/v1/cases/{w.case_id}/risk-assessments", {"answers": {"victim_fear": 1}}),
        (
            f"/api/v1/risk-assessments/{assessment['id']}/override",
            {"tier": "very_high", "reason": "당직자 판단으로 상향 조정"},
        ),
        (f"/api/v1/people/{w.victim_id}/phones", {"number": new_mobile()}),
        (
            f"/api/v1/people/{w.victim_id}/phones/end",
            {"number": w.victim_number, "valid_to": later},
        ),
        (f"/api/v1/people/{w.perpetrator_id}/phones", {"number": new_mobile()}),
        (f"/api/v1/alerts/{alert['id']}/acknowledge", None),
        (f"/api/v1/alerts/{alert['id']}/resolve", {"outcome": "false_alarm"}),
    ]
    for path, body in writes:
        r = client.post(path, json=body, headers=auth(colleague))
        assert r.status_code == 403, f"{path}: {r.status_code} {r.text}"
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["detail"] == "break-glass is read-only"

    after = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    assert [o["status"] for o in after["orders"]] == ["active"]
    assert after["orders"][0]["ends_at"] == case["orders"][0]["ends_at"]
    assert [d["id"] for d in after["devices"]] == [device["id"]]
    assert after["victim"]["phones"] == [w.victim_number]
    assert after["perpetrator"]["phones"] == [w.perpetrator_number]
    assert [a["status"] for a in after["open_alerts"]] == ["open"]
    history = client.get(f"/api/v1/cases/{w.case_id}/risk-assessments", headers=auth(w.officer))
    assert [(a["id"], a["override"]) for a in history.json()["items"]] == [(assessment["id"], None)]
    factory.contact(
        w.device_token, "010-4444-1212"
    )  # the victim's phone still reports: not revoked
    refused = [f for f in flags(container) if "break_glass_write" in f[2]]
    assert len(refused) == len(writes)
    assert all(action == "denied" for action, _, _ in refused)


def test_what_break_glass_showed_ends_with_it_and_begets_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 7: during a one-minute break-glass the colleague opened a case of the
    colleague's own on the victim with a placeholder perpetrator, and kept the victim's
    record, track and texts after it ended. The colleague can open no case, add no number
    and make no order on a person seen only through break-glass, and when it ends every
    path is a 404 again."""
    container.settings.break_glass_minutes = 1
    g = geo_world(factory)
    w = g.world
    now = datetime.now(UTC)
    for minutes in (23 * 60, 30):
        fix = {
            "lat": 37.55,
            "lon": 126.92,
            "accuracy_m": 8,
            "recorded_at": (now - timedelta(minutes=minutes)).isoformat(),
        }
        factory.post_signed("/api/v1/device/locations", w.device_token, {"pings": [fix]})
    sos = {"lat": 37.551, "lon": 126.921, "accuracy_m": 10, "occurred_at": now.isoformat()}
    factory.post_signed("/api/v1/device/sos", w.device_token, sos)
    container.worker.run_once()
    colleague = factory.token(Role.OFFICER, name="당직 경위")
    assert break_glass(client, w.case_id, colleague).status_code == 201
    paths = [
        f"/api/v1/cases/{w.case_id}",
        f"/api/v1/people/{w.victim_id}",
        f"/api/v1/people/{w.perpetrator_id}",
        f"/api/v1/cases/{w.case_id}/positions?minutes=1440",
        f"/api/v1/cases/{w.case_id}/risk-assessments",
    ]
    for path in paths:
        assert client.get(path, headers=auth(colleague)).status_code == 200, path
    [alert] = client.get("/api/v1/alerts", headers=auth(colleague)).json()["items"]
    assert client.get(f"/api/v1/alerts/{alert['id']}", headers=auth(colleague)).status_code == 200
    # Exporting the evidence for a prosecutor is case work, not an emergency read.
    export = client.get(
        f"/api/v1/cases/{w.case_id}/evidence", params=EVIDENCE_REASON, headers=auth(colleague)
    )
    assert export.status_code == 403

    placeholder = factory.person(colleague, "성명 불상", phones=[])
    own_case = {
        "victim_id": w.victim_id,
        "perpetrator_id": placeholder["id"],
        "relationship": "stranger",
        "offense": "stalking",
    }
    r = client.post("/api/v1/cases", json=own_case, headers=auth(colleague))
    assert (r.status_code, r.json()["detail"]) == (403, "break-glass is read-only")
    swapped = {**own_case, "victim_id": placeholder["id"], "perpetrator_id": w.victim_id}
    assert client.post("/api/v1/cases", json=swapped, headers=auth(colleague)).status_code == 403

    end_every_break_glass(container)
    for path in [*paths, f"/api/v1/alerts/{alert['id']}"]:
        assert client.get(path, headers=auth(colleague)).status_code == 404, path
    assert client.get("/api/v1/alerts", headers=auth(colleague)).json()["items"] == []
    export = client.get(
        f"/api/v1/cases/{w.case_id}/evidence", params=EVIDENCE_REASON, headers=auth(colleague)
    )
    assert export.status_code == 404
    assert client.post("/api/v1/cases", json=own_case, headers=auth(colleague)).status_code == 404

    # The number the colleague would have given the placeholder: the victim's next text
    # from it reaches no case of the colleague's (there is none), and the officer of the
    # victim's own case still sees that case.
    number = new_mobile()
    factory.post(f"/api/v1/people/{placeholder['id']}/phones", colleague, {"number": number}, 200)
    text = {
        "id": str(uuid.uuid4()),
        "kind": "sms",
        "number": number,
        "occurred_at": datetime.now(UTC).isoformat(),
        "text": "엄마 나 오늘 늦어",
    }
    factory.post_signed("/api/v1/device/contacts", w.device_token, {"events": [text]})
    container.worker.run_once()
    assert client.get("/api/v1/alerts", headers=auth(colleague)).json()["items"] == []
    with reading(container.read_sessions) as s:
        assert s.scalar(select(func.count()).select_from(t.Case)) == 1
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).status_code == 200
    flagged = flags(container)
    assert ("break_glass", "case", ["break_glass"]) in flagged
    assert any(resource == "person" and "break_glass_write" in f for _, resource, f in flagged), (
        flagged
    )


def test_reads_under_break_glass_are_flagged_and_a_supervisor_may_break_it_too(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """What the holder read is on the trail, each read flagged `break_glass` for the
    review; a supervisor (who reads the agency's cases anyway) may record a break-glass
    with a reason; another agency's staff get 404."""
    w = factory.world()
    colleague = factory.token(Role.OFFICER)
    assert break_glass(client, w.case_id, colleague).status_code == 201
    client.get(f"/api/v1/cases/{w.case_id}", headers=auth(colleague))
    client.get(f"/api/v1/people/{w.victim_id}", headers=auth(colleague))
    reads = [f for f in flags(container) if f[0] == "read"]
    assert reads == [("read", "case", ["break_glass"]), ("read", "person", ["break_glass"])]
    client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer))
    assert [f for f in flags(container) if f[0] == "read"] == reads  # the victim's officer: no flag
    supervisor = factory.token(Role.SUPERVISOR)
    assert break_glass(client, w.case_id, supervisor).status_code == 201
    for role in (Role.OFFICER, Role.SUPERVISOR):
        outsider = factory.token(role, agency="busan-haeundae")
        assert break_glass(client, w.case_id, outsider).status_code == 404


def test_a_number_another_person_holds_is_recorded_but_flagged(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The same path without a break-glass: an officer records a person of the officer's own
    with the victim's number (operators' reports are filed by the number). It may be the
    same victim recorded twice, so it is not refused, but it is flagged `shared_number` for
    the review, when the person is recorded and when a number is added."""
    w = factory.world()
    stranger = factory.token(Role.OFFICER, name="타 부서 경사")
    factory.person(stranger, "김지은", phones=[w.victim_number])
    other = factory.person(stranger, "박모", phones=[])
    factory.post(f"/api/v1/people/{other['id']}/phones", stranger, {"number": w.victim_number}, 200)
    factory.person(stranger, "이모", phones=[new_mobile()])  # a number nobody holds: no flag
    assert [f for f in flags(container) if "shared_number" in f[2]] == [
        ("create", "person", ["shared_number"]),
        ("update", "person", ["shared_number"]),
    ]
