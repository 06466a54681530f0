"""The judge keeps tracks' states in memory and writes them behind; what it reads of cases
it keeps until the data changes. Neither may cost an alert or raise one twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container, build
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction
from jikimi.ports import LoggedFix
from jikimi.proximity import positions
from jikimi.proximity.messages import SaveTrackStates
from jikimi.proximity.repo import SqlPositions
from tests.factories import Factory, GeoWorld, geo_world
from tests.factories import geo_alerts as alerts
from tests.integration.proximity.test_proximity import actions, kinds, near_home, send


def _places(c: Container) -> dict[str, int]:
    with c.read_sessions() as s:
        rows = s.execute(select(t.EngineCursor.name, t.EngineCursor.position))
        return {name: int(pos) for name, pos in rows}


@pytest.mark.usefixtures("sqlite_writes")
def test_a_restart_between_snapshots_raises_nothing_twice_and_keeps_the_episode(
    client: TestClient, factory: Factory, container: Container, settings: Settings
) -> None:
    container.track_memory.checkpoint_s = 3600  # no snapshot but the first, however slow
    g = geo_world(factory)
    start = datetime.now(UTC) - timedelta(minutes=10)
    send(factory, g, [near_home(3000)], start)
    container.worker.run_once()  # a fresh judge writes its snapshot with its first batch
    send(factory, g, [near_home(40)], start + timedelta(seconds=15))
    container.worker.run_once()  # the violation; its state only in memory
    placed = _places(container)
    assert placed[positions.STATES] < placed[positions.CURSOR]
    container.close()

    again = build(settings)  # the memory is gone: snapshot + the log replayed quietly
    try:
        send(factory, g, [near_home(45)], start + timedelta(seconds=30))
        again.worker.run_once()
        (alert,) = [a for a in alerts(client, factory, g) if a["kind"] == "proximity_violation"]
        # Not a second alert: the replay raised nothing, and the fix still inside grew
        # the one that is open (the replay opens no episode, so this fix opened it).
        assert alert["count"] == 2
        # The episode is tracked again: two clearly-outside fixes end it.
        send(factory, g, [near_home(800), near_home(900)], start + timedelta(seconds=45))
        again.worker.run_once()
    finally:
        again.close()
    assert actions(client, g, alert["id"]) == ["opened", "grew", "episode_ended"]


def test_a_revoked_ban_stops_alerting_at_once_though_the_judge_knew_the_case(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    now = datetime.now(UTC)
    send(factory, g, [near_home(3000)], now - timedelta(minutes=2))
    container.worker.run_once()  # the judge has read the case and its ban
    version = _places(container)[positions.WATCH]
    factory.post(
        f"/api/v1/orders/{g.world.order_id}/revoke", g.world.officer, {"reason": "court"}, 200
    )
    assert _places(container)[positions.WATCH] > version  # the trigger saw the change
    send(factory, g, [near_home(30)], datetime.now(UTC))
    container.worker.run_once()
    assert [a for a in alerts(client, factory, g) if a["kind"] == "proximity_violation"] == []


def test_a_new_ban_alerts_at_once_though_the_judge_knew_the_case_without_it(
    client: TestClient, factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    factory.post(f"/api/v1/orders/{g.world.order_id}/revoke", g.world.officer, {"reason": "x"}, 200)
    first = datetime.now(UTC)  # after the revocation
    send(factory, g, [near_home(30)], first)
    container.worker.run_once()  # no ban in force: nothing; the case is in the cache
    assert [a for a in alerts(client, factory, g) if a["kind"] == "proximity_violation"] == []
    start = first - timedelta(seconds=20)
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=30)).isoformat()}
    factory.post(
        f"/api/v1/cases/{g.world.case_id}/orders",
        g.world.officer,
        {"kind": "stalking.provisional.2", **window},
    )
    send(factory, g, [near_home(35)], first + timedelta(seconds=5))
    container.worker.run_once()
    assert [a["kind"] for a in alerts(client, factory, g)].count("proximity_violation") == 1


def _victim_fix(factory: Factory, g: GeoWorld, at: datetime, where: tuple[float, float]) -> None:
    """The victim's phone reports one fix."""
    fix = {"lat": where[0], "lon": where[1], "accuracy_m": 8, "recorded_at": at.isoformat()}
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})


def test_each_side_meets_the_others_fresh_position_from_the_judges_memory(
    client: TestClient,
    factory: Factory,
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the judge has seen the fixes go by, the victim's fix is judged against the
    perpetrator's fresh position, and the perpetrator's against the victim's, from its
    memory: neither the anklets' pings (all of them, keyed by time) nor the victims' phones'
    fixes are read from the log for it."""
    g = geo_world(factory)
    now = datetime.now(UTC)
    send(factory, g, [near_home(-9000, 5000)], now - timedelta(minutes=4))
    container.worker.run_once()  # the judge's memory is loaded with this batch
    market = near_home(-6000, 2000)
    send(factory, g, [market], now - timedelta(minutes=3))
    container.worker.run_once()  # the anklet's fix at the market, held in the memory

    reads: list[bool] = []
    between = SqlPositions.between

    def counted(self: SqlPositions, *args: object, phones: bool) -> object:
        reads.append(phones)
        return between(self, *args, phones=phones)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlPositions, "between", counted)
    beside = (market[0], market[1] + 40 / 88_000)
    _victim_fix(factory, g, now - timedelta(minutes=2), beside)
    container.worker.run_once()
    assert kinds(client, factory, g)["encounter"]["severity"] == "critical"
    # The anklet moves off, then comes within 50 m of the victim (whose fix is 60 s older).
    send(factory, g, [near_home(-9000, 5000)], now - timedelta(seconds=90))
    container.worker.run_once()
    send(factory, g, [(beside[0] + 50 / 111_320, beside[1])], now - timedelta(minutes=1))
    container.worker.run_once()
    ev = kinds(client, factory, g)["proximity_violation"]["evidence"][0]
    assert ev["zone"] == "victim"
    assert reads == []  # none of it read from the log


def test_a_victim_fix_right_after_a_restart_still_meets_the_perpetrators_fresh_position(
    client: TestClient, factory: Factory, container: Container, settings: Settings
) -> None:
    """A judge that has just started holds none of the anklet's fixes logged before it: it
    reads them from the log, and the encounter is raised all the same."""
    g = geo_world(factory)
    now = datetime.now(UTC)
    send(factory, g, [near_home(-9000, 5000)], now - timedelta(minutes=4))
    container.worker.run_once()
    market = near_home(-6000, 2000)
    send(factory, g, [market], now - timedelta(minutes=3))
    container.worker.run_once()
    container.close()
    again = build(settings)
    try:
        beside = (market[0], market[1] + 40 / 88_000)
        _victim_fix(factory, g, now - timedelta(minutes=1), beside)
        again.worker.run_once()
    finally:
        again.close()
    assert kinds(client, factory, g)["encounter"]["severity"] == "critical"


def test_the_snapshot_is_not_written_once_another_judge_has_moved_on(
    factory: Factory, container: Container
) -> None:
    """States as of a log position are written only while judging stands there: a judge
    that finds the cursor moved by another forgets its memory rather than write states
    older than the cursor over the other's."""
    container.track_memory.checkpoint_s = 3600
    g = geo_world(factory)
    send(factory, g, [near_home(3000)], datetime.now(UTC) - timedelta(minutes=2))
    container.worker.run_once()  # judged; a fresh judge's first snapshot written
    send(factory, g, [near_home(2900)], datetime.now(UTC) - timedelta(minutes=1))
    container.worker.run_once()
    before = _places(container)
    assert before[positions.STATES] < before[positions.CURSOR]
    with transaction(container.sessions) as s:  # another judge moved on meanwhile
        positions.move_cursor(s, before[positions.CURSOR] + 1)
    container.bus.handle(SaveTrackStates())
    assert _places(container)[positions.STATES] == before[positions.STATES]
    assert container.track_memory.position is None  # to be loaded again


# On PostgreSQL the judge reads the cursor FOR UPDATE: once the cursor's row exists no
# other judge can move it while a batch is judged, so the race below is SQLite's.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_batch_another_judge_judged_meanwhile_raises_nothing_here(
    client: TestClient,
    factory: Factory,
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two judges on one SQLite file (`jikimi worker` twice) may read the same batch; the
    one that comes second to the write lock finds the cursor moved and writes nothing."""
    g = geo_world(factory)
    send(factory, g, [near_home(40)], datetime.now(UTC) - timedelta(minutes=1))
    read = SqlPositions.after

    def read_then_taken(self: SqlPositions, position: int, limit: int) -> list[LoggedFix]:
        fixes = read(self, position, limit)
        if fixes:  # the other judge judges them meanwhile (its cursor's move is enough)
            with transaction(container.sessions) as s:
                positions.move_cursor(s, fixes[-1].seq)
        return fixes

    monkeypatch.setattr(SqlPositions, "after", read_then_taken)
    container.worker.run_once()
    assert "proximity_violation" not in kinds(client, factory, g)
    # This judge's memory is not the log's now: left where it read the batch from, or
    # forgotten by the snapshot that found the cursor moved (rebuilt at the next pass).
    held = container.track_memory.position
    assert held is None or held < _places(container)[positions.CURSOR]
