"""Re-judging fixes already judged (a judge rebuilding its memory from the log): quiet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.proximity.rules import EpisodeLevel, evaluate
from tests.unit.proximity.helpers import batch, run


def test_a_quiet_replay_opens_no_episode_and_raises_nothing() -> None:
    events, states = evaluate(batch([("a", 0, 40, 0, 5), ("a", 10, 30, 0, 5)]), {}, quiet=True)
    assert events == []
    assert states["a"].episodes == {}
    assert [f[0] for f in states["a"].fixes] == [0, 10]  # the history still advances


def test_a_quiet_replay_ends_an_episode_that_is_over() -> None:
    _, states = run([("a", 0, 40, 0, 5)])
    assert states["a"].episodes["home"].level is EpisodeLevel.VIOLATION
    _, after = evaluate(batch([("a", 10, 1600, 0, 5), ("a", 20, 1700, 0, 5)]), states, quiet=True)
    assert after["a"].episodes == {}


def test_a_quiet_replay_keeps_an_open_episode_while_the_track_stays_near() -> None:
    _, states = run([("a", 0, 40, 0, 5)])
    _, after = evaluate(batch([("a", 10, 120, 0, 5), ("a", 20, 30, 0, 5)]), states, quiet=True)
    assert after["a"].episodes["home"].level is EpisodeLevel.VIOLATION


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 3000), min_size=1, max_size=12))
def test_replayed_histories_are_the_live_ones(east: list[float]) -> None:
    """Whatever the track did, a quiet replay leaves the same fixes as judging it live."""
    pings = [("a", 10.0 * i, e, 0.0, 5.0) for i, e in enumerate(east)]
    _, live = run(pings)
    _, quiet = evaluate(batch(pings), {}, quiet=True)
    assert quiet["a"].fixes == live["a"].fixes
