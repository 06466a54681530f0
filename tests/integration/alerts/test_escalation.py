"""The escalation timer is durable: it survives a restart and catches up."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from tests.factories import Factory, auth


def test_open_alert_rises_a_level_per_period_and_survives_restart(settings: Settings) -> None:
    """Unacknowledged for 60 s: level 1; restart later: caught up; acknowledged: stops."""
    clock = FixedClock(datetime.now(UTC))
    c = build(settings, clock=clock)
    with TestClient(create_app(c, run_worker=False)) as client:
        f = Factory(client, c)
        w = f.world()
        dispatcher = f.token(Role.DISPATCHER)
        f.contact(w.device_token, w.perpetrator_number, at=clock.now())
        c.worker.run_once()
        clock.advance(59)
        c.worker.run_once()
        [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
        assert alert["escalation_level"] == 0
        clock.advance(2)
        c.worker.run_once()
        [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
        assert alert["escalation_level"] == 1
    c.close()

    # The process is gone for two more periods; a new one on the same database catches up.
    clock.advance(125)
    c2 = build(settings, clock=clock)
    with TestClient(create_app(c2, run_worker=False)) as client:
        c2.worker.run_once()
        [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
        assert alert["escalation_level"] == 3
        timeline = client.get(f"/api/v1/alerts/{alert['id']}/timeline", headers=auth(dispatcher))
        assert [e["action"] for e in timeline.json()] == ["opened", "escalated", "escalated"]
        client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=auth(dispatcher))
        clock.advance(600)
        c2.worker.run_once()
        [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
        assert (alert["status"], alert["escalation_level"]) == ("acknowledged", 3)
    c2.close()


def test_escalation_stops_at_the_top_level(settings: Settings) -> None:
    """A forgotten alert does not climb without end (JIKIMI_ESCALATE_MAX_LEVEL)."""
    clock = FixedClock(datetime.now(UTC))
    c = build(settings.model_copy(update={"escalate_max_level": 2}), clock=clock)
    with TestClient(create_app(c, run_worker=False)) as client:
        f = Factory(client, c)
        w = f.world()
        f.contact(w.device_token, None, at=clock.now())
        c.worker.run_once()
        clock.advance(3600)
        c.worker.run_once()
        [alert] = client.get("/api/v1/alerts", headers=auth(f.token(Role.DISPATCHER))).json()[
            "items"
        ]
        assert alert["escalation_level"] == 2
    c.close()
