"""The live streams' shared reading of the alert timeline, and the evidence an alert carries
in the queue and the stream (the latest pieces) against GET /alerts/{id} (all of them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from jikimi.alerts.live import LiveFeed, catch_up_from, visible_to
from jikimi.bootstrap import Container
from jikimi.core.access import Principal, Role
from jikimi.core.tx import reading_without_transaction
from jikimi.http.deps import principal_of
from tests.factories import Factory, World, auth


def _calls(factory: Factory, w: World, n: int, start: datetime) -> None:
    for i in range(n):
        factory.contact(w.device_token, w.perpetrator_number, at=start + timedelta(minutes=i))


def _principal(agency: str, role: Role = Role.DISPATCHER, account: str | None = None) -> Principal:
    return Principal(role, token_id="t", agency=agency, account_id=account)


def test_queue_carries_the_latest_evidence_and_the_alert_carries_all(
    client: TestClient, factory: Factory, container: Container
) -> None:
    container.settings.alert_evidence_shown = 3
    w = factory.world()
    start = datetime.now(UTC) - timedelta(hours=1)
    _calls(factory, w, 5, start)
    dispatcher = factory.token(Role.DISPATCHER)
    [alert] = client.get("/api/v1/alerts", headers=auth(dispatcher)).json()["items"]
    assert (alert["count"], alert["evidence_total"]) == (5, 5)
    newest = [start + timedelta(minutes=i) for i in (2, 3, 4)]
    assert [datetime.fromisoformat(e["occurred_at"]) for e in alert["evidence"]] == newest
    whole = client.get(f"/api/v1/alerts/{alert['id']}", headers=auth(dispatcher)).json()
    assert (len(whole["evidence"]), whole["evidence_total"]) == (5, 5)
    assert whole["evidence"][-3:] == alert["evidence"]


def test_one_reading_serves_every_stream_and_each_sees_only_its_own(
    factory: Factory, container: Container
) -> None:
    # The feed's own wake-up count, not the process's hub: the timeline watcher's thread
    # may wake the hub at any moment, and a wake-up is exactly what makes a feed read.
    woken = [0]
    # (Its clock stands still: a slow machine must not make the second stream's call look
    # idle long enough to read again.)
    live = LiveFeed(container.read_sessions, lambda: woken[0], monotonic=lambda: 0.0)
    live.catch_up()  # where the feed starts: nothing before this is sent
    start = live.mark().reading
    w = factory.world()
    factory.contact(w.device_token, w.perpetrator_number)
    woken[0] += 1  # the change is notified once, whichever streams it wakes
    before = live.readings
    live.catch_up()
    live.catch_up()  # a second stream woken by the same change: nothing new to read
    assert live.readings == before + 1
    changes, _ = live.after(start) or ([], None)
    assert [c.case_id for c in changes] == [w.case_id]
    assert changes[0].alert["count"] == 1
    mapo, busan = _principal("seoul-mapo"), _principal("busan-haeundae")
    assert visible_to(None, mapo, changes) == changes
    assert visible_to(None, busan, changes) == []
    stranger = factory.token(Role.OFFICER)  # same agency, not assigned to the case
    with reading_without_transaction(container.read_sessions) as s:
        assigned = visible_to(s, _officer(container, w.officer), changes)
        unassigned = visible_to(s, _officer(container, stranger), changes)
    assert (assigned, unassigned) == (changes, [])


def _officer(container: Container, token: str) -> Principal:
    p = principal_of(container, token)
    assert p is not None
    assert p.role is Role.OFFICER
    return p


def test_the_latest_state_of_each_alert_once_and_a_stream_too_far_behind_reads_itself(
    factory: Factory, container: Container
) -> None:
    live = LiveFeed(container.read_sessions, container.hub.generation, keep=3)
    live.catch_up()
    start = live.mark()
    worlds = [factory.world() for _ in range(3)]
    for w in worlds:
        factory.contact(w.device_token, w.perpetrator_number)
        container.hub.alerts_changed()
        live.catch_up()  # one reading per change, as streams woken by each would
    factory.contact(worlds[2].device_token, worlds[2].perpetrator_number)
    container.hub.alerts_changed()
    live.catch_up()
    # Four readings; the feed holds the last three: the second case's alert opening, the
    # third's opening and its growing to 2. A stream that has seen the first reading gets
    # each alert once, at its latest, in order.
    found = live.after(start.reading + 1)
    assert found is not None
    changes, end = found
    assert [(c.case_id, c.alert["count"]) for c in changes] == [
        (worlds[1].case_id, 1),
        (worlds[2].case_id, 2),
    ]
    assert end == live.mark()
    assert live.after(start.reading) is None  # the first is gone: that stream reads itself
    assert live.after(end.reading) == ([], end)
    # Reading for itself from where it stood, it gets the three alerts at their latest.
    dispatcher = _principal("seoul-mapo")
    alerts, reached = catch_up_from(container.read_sessions, dispatcher, start.position, None)
    assert [(a["case_id"], a["count"]) for a in alerts] == [
        (worlds[0].case_id, 1),
        (worlds[1].case_id, 1),
        (worlds[2].case_id, 2),
    ]
    assert catch_up_from(container.read_sessions, dispatcher, reached, None)[0] == []
    busan = _principal("busan-haeundae")
    assert catch_up_from(container.read_sessions, busan, start.position, None)[0] == []


def test_corroborated_evidence_is_shown_with_both_sources(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The feed opens each piece of evidence once, but a piece whose sources changed (the
    operator reported the same call) is shown as it is now."""
    live = container.live
    live.catch_up()
    start = live.mark().reading
    w = factory.world()
    at = datetime.now(UTC) - timedelta(minutes=5)
    factory.contact(w.device_token, w.perpetrator_number, at=at)
    container.hub.alerts_changed()
    live.catch_up()
    [first], after_first = live.after(start) or ([], None)
    assert after_first is not None
    assert first.alert["evidence"][0]["sources"] == ["phone"]
    feed = factory.feed()
    body = {
        "events": [
            {
                "id": "op-1",
                "kind": "call",
                "number": w.perpetrator_number,
                "victim_number": w.victim_number,
                "occurred_at": (at + timedelta(seconds=20)).isoformat(),
            }
        ]
    }
    factory.post_signed("/api/v1/feed/contacts", feed, body)
    container.hub.alerts_changed()
    live.catch_up()
    found = live.after(after_first.reading)
    assert found is not None
    latest = found[0][-1]
    assert sorted(latest.alert["evidence"][0]["sources"]) == ["carrier", "phone"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_that_commits_late_is_read_when_it_commits_and_a_rollback_delays_nothing(
    factory: Factory, container: Container
) -> None:
    """PostgreSQL hands out seqs at insert: a judging transaction that waits on a lock
    commits its change after later ones, and a rolled-back one leaves a hole for good."""
    live = LiveFeed(container.read_sessions, container.hub.generation)
    first, second = factory.world(), factory.world()
    factory.contact(first.device_token, first.perpetrator_number)
    with container.engine.connect() as conn:
        alert_id = conn.execute(text("SELECT id FROM alerts")).scalar_one()
    live.catch_up()
    start = live.mark()
    change = text(
        "INSERT INTO alert_changes (alert_id, at, action, detail) "
        "VALUES (:a, now(), 'escalated', '{}') RETURNING seq"
    )
    with container.engine.connect() as slow, container.engine.connect() as doomed:
        slow_tx, doomed_tx = slow.begin(), doomed.begin()
        held = slow.execute(change, {"a": alert_id}).scalar_one()
        doomed.execute(change, {"a": alert_id})
        factory.contact(second.device_token, second.perpetrator_number)  # commits after both
        container.hub.alerts_changed()
        live.catch_up()
        found = live.after(start.reading)
        assert found is not None
        changes, after_second = found
        assert [c.case_id for c in changes] == [second.case_id]  # at once, past both holes
        assert changes[0].seq > held
        doomed_tx.rollback()
        slow_tx.commit()
    container.hub.alerts_changed()
    live.catch_up()
    found = live.after(after_second.reading)
    assert found is not None
    assert [c.case_id for c in found[0]] == [first.case_id]  # the late one, when it committed
    # A console that reconnects from the position it had after the second alert gets the
    # late change too, and nothing more after that.
    dispatcher = _principal("seoul-mapo")
    late, reached = catch_up_from(container.read_sessions, dispatcher, after_second.position, None)
    assert [a["case_id"] for a in late] == [first.case_id]
    assert catch_up_from(container.read_sessions, dispatcher, reached, None)[0] == []
