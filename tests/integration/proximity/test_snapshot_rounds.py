"""The tracks' snapshot is written in parts between batches (engine.proximity_memory). A
judge that starts over at any moment (before the first part, between two parts of a
round, after the last) rebuilds from it and the log every track's recent fixes exactly as
the running judge holds them, and no episode the running judge does not hold but one an
exact snapshot would have given too (the replay is quiet: it opens no episode, so a
rebuilt track may lack one the running judge opened; the next fix inside opens it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.proximity import positions
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.proximity.repo import SqlPositions
from jikimi.proximity.rules import Key, TrackState
from tests.factories import Factory, GeoWorld, geo_world, ping
from tests.integration.proximity.test_proximity import FEED, near_home


class Judge:
    """One worker's judge: its track memory, and a bus whose handlers use it."""

    def __init__(self, c: Container, memory: TrackMemory) -> None:
        self.memory, self.bus = memory, c.bus_with(track_memory=memory)

    def judge_all(self, c: Container) -> None:
        """Judge the log to its end."""
        with c.read_sessions() as s:
            end = s.scalar(select(func.max(t.Position.seq))) or 0
        while (self.memory.position or 0) < end:
            self.bus.handle(JudgePositions())

    def save(self) -> None:
        """Write the next part of its snapshot."""
        self.bus.handle(SaveTrackStates())


def _rebuilt(c: Container) -> dict[Key, TrackState]:
    """What a judge starting now holds (nothing is left to judge: it only rebuilds)."""
    fresh = TrackMemory()
    c.bus_with(track_memory=fresh).handle(JudgePositions())
    return fresh.states


def _complete_at(c: Container) -> int:
    """Where the database's snapshot is complete as of (0: nowhere yet)."""
    with c.read_sessions() as s:
        row = s.get(t.EngineCursor, positions.STATES)
        return int(row.position) if row is not None else 0


def _check(
    c: Container,
    memory: TrackMemory,
    history: dict[int, dict[Key, TrackState]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live = memory.states
    got = _rebuilt(c)
    assert {k: s.flat for k, s in got.items()} == {k: s.flat for k, s in live.items()}
    # An exact snapshot: every state as the running judge held it where the database's
    # snapshot is complete.
    at = _complete_at(c)
    exact = {str(k): v.dumps() for k, v in history[at].items()}
    with monkeypatch.context() as m:
        m.setattr(SqlPositions, "snapshot", lambda self: (at, exact))
        ideal = _rebuilt(c)
    for k, state in got.items():
        allowed = set(live[k].episodes) | set(ideal.get(k, TrackState()).episodes)
        assert set(state.episodes) <= allowed


def _pings(
    rng: random.Random, g: GeoWorld, clock: list[datetime], start: datetime
) -> list[dict[str, object]]:
    """A few of his pings: mostly onward in time, some late; near and across the lines.
    A late one is older than any fix his track holds: whether a ping older than the
    newest but newer than others counts as late depends on which fixes share its batch,
    and a replay reads the log in batches of its own (docs/proximity.md)."""
    out = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.2:
            at = start - timedelta(seconds=rng.randint(1, 600))  # late
        else:
            clock[0] += timedelta(seconds=rng.randint(5, 20))
            at = clock[0]
        east = rng.choice([40.0, 90.0, 110.0, 130.0, 400.0, 1500.0]) + rng.gauss(0, 8)
        lat, lon = near_home(east, rng.gauss(0, 20))
        out.append(ping(g.serial, lat, lon, at, rng.choice([5.0, 15.0, 40.0])))
    return out


@pytest.mark.parametrize("part", [1, 2, 500])
def test_a_judge_starting_over_at_any_moment_rebuilds_the_running_judges_tracks(
    factory: Factory, container: Container, part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(20261123 + part)
    worlds = [geo_world(factory) for _ in range(4)]
    start = datetime.now(UTC) - timedelta(hours=1)
    clocks = {g.serial: [start] for g in worlds}
    memory = TrackMemory(part=part)
    judge = Judge(container, memory)
    for g in worlds:  # every track's first fix, judged and saved
        factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, *near_home(3000), start)]})
    judge.judge_all(container)
    judge.save()
    while memory.round_at is not None:
        judge.save()
    history = {memory.position or 0: dict(memory.states)}  # the running judge's, by position
    checked = rounds = 0
    for _ in range(40):
        for g in rng.sample(worlds, rng.randint(1, len(worlds))):
            body = {"pings": _pings(rng, g, clocks[g.serial], start)}
            factory.post_signed(FEED, g.feed, body)
        judge.judge_all(container)
        history[memory.position or 0] = dict(memory.states)
        _check(container, memory, history, monkeypatch)
        for _ in range(rng.randint(0, 3)):  # some parts of a round, or none
            began = memory.round_at if memory.round_at is not None else memory.position
            judge.save()
            if memory.round_at is None:  # the round's last part: complete as of its start
                assert _complete_at(container) == began
                rounds += 1
            _check(container, memory, history, monkeypatch)
            checked += 1
    assert memory.states  # the tracks were judged
    assert any(s.episodes for s in memory.states.values())  # episodes were open
    assert checked > 20
    assert rounds > 1  # rounds came to their end, some of several parts when part < 4


def test_judges_taking_turns_still_move_the_snapshots_place(
    factory: Factory, container: Container
) -> None:
    """Several workers on one database take turns on the log: each finds the cursor
    moved by the other and reloads before its batch. The first round after a reload is
    written whole, so the snapshot's place keeps up rather than staying where it was
    (and every reload replaying a longer stretch of the log)."""
    worlds = [geo_world(factory) for _ in range(3)]
    start = datetime.now(UTC) - timedelta(hours=1)
    judges = [Judge(container, TrackMemory(part=1)) for _ in range(2)]
    for step in range(6):
        at = start + timedelta(seconds=15 * step)
        for g in worlds:
            factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, *near_home(3000), at)]})
        judge = judges[step % 2]
        judge.judge_all(container)
        judge.save()
        assert _complete_at(container) == judge.memory.position
