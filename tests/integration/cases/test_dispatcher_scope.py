"""A dispatcher's need-to-know: coarse risk words, and a case's details only while the
system can see a reason (an alert of the case, or a 112 look-up by the calling number)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from jikimi.risk.dispatch import COARSE_FACTORS
from jikimi.risk.features import FEATURES
from tests.factories import HOME, Factory, auth, geo_world

LEAKED = ("note_suicide_threat", "note_sexual_violence", "strangulation", "threat_to_kill")


def fix_at(at: datetime, lat: float = 37.55) -> dict[str, Any]:
    """One fix from the victim's phone."""
    return {"lat": lat, "lon": 126.92, "accuracy_m": 8, "recorded_at": at.isoformat()}


def test_a_dispatcher_reads_risk_in_coarse_words_only(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 10: note_suicide_threat, note_sexual_violence, strangulation and
    threat_to_kill reached the dispatcher's view. A dispatcher's factors are coarse words
    that name neither the note's cues nor an answer."""
    g = geo_world(factory)
    w = g.world
    answers = {"threat_to_kill": True, "strangulation": True, "prior_violence": True}
    note = "가해자가 죽이겠다고 했고 목을 졸랐다. 자살하겠다고 협박했다. 성폭행도 있었다."
    mine = factory.post(
        f"/api/v1/cases/{w.case_id}/risk-assessments",
        w.officer,
        {"answers": answers, "note": note},
    )
    assert {f["name"] for f in mine["factors"]} & set(LEAKED), "the repro needs these factors"
    sos = {
        "lat": 37.55,
        "lon": 126.92,
        "accuracy_m": 10,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    factory.post_signed("/api/v1/device/sos", w.device_token, sos)
    container.worker.run_once()
    dispatcher = factory.token(Role.DISPATCHER)
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(dispatcher))
    history = client.get(f"/api/v1/cases/{w.case_id}/risk-assessments", headers=auth(dispatcher))
    assert (case.status_code, history.status_code) == (200, 200)
    for view in (case.json()["risk"], *history.json()["items"]):
        names = [f["name"] for f in view["factors"]]
        assert names, "a dispatcher still learns what drives the risk"
        assert set(names) <= set(COARSE_FACTORS), names
        assert not set(names) & set(FEATURES)
        assert (view["answers"], view["note"]) == (None, None)
    for body in (case.text, history.text):
        assert "note_" not in body
        for word in (*LEAKED, "목 조름", "자살", "성폭행"):
            assert word not in body
    assert case.json()["risk"]["effective_tier"] == mine["effective_tier"]


def test_a_dispatcher_sees_a_case_only_while_an_alert_gives_a_reason(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Finding 11: a dispatcher read every case of the agency, home address and 24-hour
    track, with nothing happening on it. Without an alert of the case (open, or resolved
    within 24 hours) the case, its positions and its risk are 404; with one, the track
    covers the last hour only."""
    g = geo_world(factory)
    w = g.world
    now = datetime.now(UTC)
    factory.post_signed(
        "/api/v1/device/locations",
        w.device_token,
        {"pings": [fix_at(now - timedelta(hours=5)), fix_at(now - timedelta(minutes=20))]},
    )
    dispatcher = factory.token(Role.DISPATCHER)
    paths = [
        f"/api/v1/cases/{w.case_id}",
        f"/api/v1/cases/{w.case_id}/positions?minutes=1440",
        f"/api/v1/cases/{w.case_id}/risk-assessments",
    ]
    for path in paths:
        assert client.get(path, headers=auth(dispatcher)).status_code == 404, path

    sos = {"lat": 37.551, "lon": 126.921, "accuracy_m": 10, "occurred_at": now.isoformat()}
    factory.post_signed("/api/v1/device/sos", w.device_token, sos)
    container.worker.run_once()
    for path in paths:
        assert client.get(path, headers=auth(dispatcher)).status_code == 200, path
    case = client.get(paths[0], headers=auth(dispatcher)).json()
    assert [(a["lat"], a["lon"]) for a in case["victim"]["addresses"]] == [HOME]
    track = client.get(paths[1], headers=auth(dispatcher)).json()["victim"]["track"]
    assert len(track) == 2  # 20 minutes ago and the SOS; not the fix of five hours ago
    officer_track = client.get(paths[1], headers=auth(w.officer)).json()["victim"]["track"]
    assert len(officer_track) == 3
    outsider = factory.token(Role.DISPATCHER, agency="busan-haeundae")
    for path in paths:
        assert client.get(path, headers=auth(outsider)).status_code == 404, path

    [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
    resolved = client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        json={"outcome": "dispatched"},
        headers=auth(dispatcher),
    )
    assert resolved.status_code == 200
    for path in paths:  # resolved within the last 24 hours: the unit may still need it
        assert client.get(path, headers=auth(dispatcher)).status_code == 200, path
    with transaction(container.sessions) as s:
        s.execute(
            update(t.AlertRow).values(
                resolved_at=datetime.now(UTC) - timedelta(hours=24, minutes=1)
            )
        )
    for path in paths:
        assert client.get(path, headers=auth(dispatcher)).status_code == 404, path
    assert client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"] == []
    assert client.get(f"/api/v1/alerts/{alert['id']}", headers=auth(dispatcher)).status_code == 404
    assert client.get(paths[0], headers=auth(w.officer)).status_code == 200
