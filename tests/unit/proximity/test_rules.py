"""Episodes: one event when a track comes in, one when it is clearly gone; late pings; state."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.alerts.rules import AlertKind
from jikimi.proximity.rules import (
    Episode,
    EpisodeLevel,
    PairBatch,
    Rules,
    TrackState,
    ZoneRole,
    evaluate,
)

from .helpers import HOME, batch, kinds, run

V = "proximity_violation"
W = "proximity_warning"
STILL = Rules(eta_warn_s=0.0)  # these tests are about rings, not courses


def line(
    *norths: float, acc: float = 10.0, dt: float = 30.0, key: str = "anklet", t0: float = 0.0
) -> list[tuple[str, float, float, float, float]]:
    """Fixes due north of home at these distances, dt apart from t0."""
    return [(key, t0 + i * dt, 0.0, n, acc) for i, n in enumerate(norths)]


def test_walking_in_and_out_is_one_warning_and_one_violation_with_their_ends() -> None:
    events, states = run(line(3000, 900, 500, 60, 40, 60, 300, 400, 2000, 2500), rules=STILL)
    assert kinds(events) == [W, V, f"{V} ended", f"{W} ended"]
    assert [e.ping for e in events] == [0, 0, 0, 0]  # each batch has one ping
    assert [e.t for e in events] == [30.0, 90.0, 210.0, 270.0]
    assert states["anklet"].episodes == {}


def test_the_violation_event_carries_distance_accuracy_and_position() -> None:
    (warning, violation), _ = run(line(500, 60), rules=STILL)
    assert violation.kind is AlertKind.PROXIMITY_VIOLATION
    assert violation.zone == "home"
    assert violation.track == "anklet"
    assert violation.distance_m == pytest.approx(60.0, abs=0.01)
    assert violation.accuracy_m == 10.0
    assert not violation.possibly_inside
    assert violation.lat > HOME[0]
    assert violation.lon == pytest.approx(HOME[1])
    assert violation.eta_s is None
    assert warning.distance_m == pytest.approx(500.0, abs=0.01)


def test_a_fix_whose_error_circle_reaches_in_is_possibly_inside() -> None:
    events, _ = run(line(2000, 140, acc=50.0), rules=STILL)
    assert kinds(events) == [V]  # straight to a violation: no warning first
    assert events[0].possibly_inside


def test_jitter_across_the_line_is_one_event() -> None:
    jitter = [90, 115, 95, 130, 80, 120, 105, 99, 125, 90]
    events, states = run(line(*jitter), rules=STILL)
    assert kinds(events) == [V]
    assert states["anklet"].episodes["home"].level is EpisodeLevel.VIOLATION


def test_an_episode_ends_only_after_two_clearly_outside_fixes_in_a_row() -> None:
    # Clearly outside a 100 m zone: distance - accuracy > 100 + max(50, 50) = 150 m.
    # 170 - 10 = 160 counts; 159 - 10 = 149 does not, and starts the count again.
    events, _ = run(line(50, 170, 50, 170, 159, 170, 170), rules=STILL)
    assert kinds(events) == [V, f"{V} ended"]
    assert events[1].t == 6 * 30.0


def test_a_fix_blurred_across_the_margin_does_not_count_as_gone() -> None:
    events, _ = run(line(50, 170, 170, acc=30.0), rules=STILL)  # 170 - 30 = 140 < 150
    assert kinds(events) == [V]


@pytest.mark.parametrize("bad", [math.nan, -5.0])
def test_an_unknown_accuracy_never_proves_the_track_gone(bad: float) -> None:
    events, _ = run(line(50, 400, 400, 400, acc=bad), rules=STILL)
    assert kinds(events) == [V]


def test_leaving_the_zone_but_staying_near_ends_the_violation_not_the_warning() -> None:
    events, states = run(line(500, 50, 300, 300, 300), rules=STILL)
    assert kinds(events) == [W, V, f"{V} ended"]
    assert states["anklet"].episodes["home"] == Episode(EpisodeLevel.WARNING, 0, True)
    again, _ = run(line(50, t0=1000.0), states=states, rules=STILL)
    assert kinds(again) == [V]  # a second entry is a new violation


def test_warning_episode_ends_beyond_the_warning_ring_plus_margin() -> None:
    # warn 1000 m: clearly outside beyond 1000 + 500 m plus accuracy.
    events, _ = run(line(900, 1400, 1400, 1600, 1600), rules=STILL)
    assert kinds(events) == [W, f"{W} ended"]
    assert events[1].t == 4 * 30.0


def test_a_whole_approach_in_one_batch_gives_the_same_events() -> None:
    path = line(3000, 900, 500, 60, 40, 60, 300, 400, 2000, 2500)
    one_by_one, s1 = run(path, rules=STILL)
    together, s2 = run(path, per_batch=len(path), rules=STILL)
    assert kinds(together) == kinds(one_by_one)
    assert [e.ping for e in together] == [1, 3, 7, 9]
    assert s1 == s2


def test_pings_out_of_order_within_a_batch_are_taken_in_time_order() -> None:
    path = line(900, 60, 50)
    shuffled = [path[2], path[0], path[1]]
    events, states = run(shuffled, per_batch=3, rules=STILL)
    assert kinds(events) == [W, V]
    assert states["anklet"].latest is not None
    assert states["anklet"].latest[0] == 60.0


def test_far_away_pings_change_only_the_fixes() -> None:
    events, states = run(line(20_000, 19_000), rules=STILL)
    assert events == []
    assert len(states["anklet"].fixes) == 2
    assert states["anklet"].episodes == {}


def test_tracks_are_judged_each_on_their_own() -> None:
    pings = [*line(60, key="a"), *line(5000, key="b"), *line(500, key="c")]
    events, states = run(pings, per_batch=3, rules=STILL)
    assert sorted((e.track, e.kind.value) for e in events) == [("a", V), ("c", W)]
    assert set(states) == {"a", "b", "c"}


def test_each_zone_has_its_own_episode() -> None:
    zones = [
        ("home", *HOME, 100.0, 1000.0, ZoneRole.ADDRESS),
        ("work", 37.5745, 126.9780, 100.0, 1000.0, ZoneRole.ADDRESS),  # ~890 m north
    ]
    events, _ = run(line(60), zones=zones, rules=STILL)
    assert sorted((e.zone, e.kind.value) for e in events) == [("home", V), ("work", W)]


def test_the_victims_position_near_the_perpetrators_is_an_encounter() -> None:
    zones = [("perpetrator", *HOME, 100.0, 0.0, ZoneRole.PERPETRATOR)]
    events, _ = run(line(2000, 500, 80, 90, key="phone"), zones=zones, rules=STILL)
    assert kinds(events) == ["encounter"]  # no warning ring for encounters
    assert events[0].role is ZoneRole.PERPETRATOR


def test_the_perpetrators_position_near_the_victims_is_a_violation() -> None:
    zones = [("victim", *HOME, 100.0, 1000.0, ZoneRole.VICTIM)]
    events, _ = run(line(500, 80), zones=zones, rules=STILL)
    assert kinds(events) == [W, V]


# Late pings


def test_a_late_ping_inside_still_alerts_but_moves_nothing() -> None:
    _, states = run(line(2000, 2500), rules=STILL)  # newest fix at t = 30
    before = states["anklet"]
    events, new = evaluate(batch([("anklet", 10.0, 0.0, 40.0, 10.0)]), states, STILL)
    assert kinds(events) == [f"{V} late"]
    assert new == {}  # nothing to persist: position and episodes as they were
    assert states["anklet"] is before


def test_a_duplicate_of_the_newest_fix_is_late() -> None:
    _, states = run(line(2000, 50), rules=STILL)
    events, new = evaluate(batch([("anklet", 30.0, 0.0, 50.0, 10.0)]), states, STILL)
    assert kinds(events) == [f"{V} late"]
    assert new == {}


def test_a_late_ping_does_not_end_an_open_episode() -> None:
    _, states = run(line(50), rules=STILL)
    late = [("anklet", -100.0, 0.0, 5000.0, 5.0), ("anklet", -90.0, 0.0, 5000.0, 5.0)]
    events, new = evaluate(batch(late), states, STILL)
    assert events == []
    assert new == {}
    assert states["anklet"].episodes["home"].level is EpisodeLevel.VIOLATION


def test_a_backlog_of_late_pings_inside_gives_one_event_per_kind() -> None:
    _, states = run([("anklet", 10_000.0, 0.0, 5000.0, 5.0)], rules=STILL)
    backlog = [("anklet", float(t), 0.0, 50.0, 5.0) for t in range(0, 600, 10)]
    backlog += [("anklet", 700.0, 0.0, 500.0, 5.0)]
    events, new = evaluate(batch(backlog), states, STILL)
    assert kinds(events) == [f"{V} late", f"{W} late"]
    assert events[0].t == 0.0
    assert new == {}


def test_a_late_ping_never_moves_the_latest_position_backwards() -> None:
    path = line(3000, 2500, 2000)
    _, states = run([path[2], path[0], path[1]])
    assert states["anklet"].latest is not None
    assert states["anklet"].latest[0] == 60.0
    assert len(states["anklet"].fixes) == 1


# State


def test_state_survives_a_round_trip_exactly() -> None:
    state = TrackState.of(
        ((0.0, 37.5, 127.0, 12.0), (1_795_000_000.123456, 37.50011234567891, 127.0, math.nan)),
        {
            "home": Episode(EpisodeLevel.VIOLATION, 1, True),
            7: Episode(EpisodeLevel.WARNING),
        },
    )
    text = state.dumps()
    json.loads(text)  # strict JSON: no NaN written as a number
    assert "NaN" not in text
    back = TrackState.loads(text)
    assert back.episodes == state.episodes
    assert list(back.episodes) == ["home", 7]  # int keys stay ints
    assert back.fixes[0] == state.fixes[0]
    assert back.fixes[1][:3] == state.fixes[1][:3]  # to the last bit
    assert math.isnan(back.fixes[1][3])
    assert TrackState.loads(TrackState().dumps()) == TrackState()


def test_a_state_saved_by_the_first_version_is_still_read() -> None:
    """Snapshots written before the packed format (fixes as JSON numbers, null for an
    unknown accuracy) load as the same state."""
    text = (
        '{"v":1,"fixes":[[0.0,37.5,127.0,12.0],[30.0,37.5001,127.0,null]],'
        '"episodes":[["home",2,1,true],[7,1,0,false]]}'
    )
    back = TrackState.loads(text)
    assert back.fixes[0] == (0.0, 37.5, 127.0, 12.0)
    assert back.fixes[1][:3] == (30.0, 37.5001, 127.0)
    assert math.isnan(back.fixes[1][3])
    assert back.episodes == {
        "home": Episode(EpisodeLevel(2), 1, True),
        7: Episode(EpisodeLevel(1), 0, False),
    }


@pytest.mark.parametrize(
    "text",
    [
        '{"v":99,"fixes":[],"episodes":[]}',
        '{"v":2,"flat":"AAAAAAAA8D8=","episodes":[]}',  # one double: not a whole fix
        "[]",
        '{"v":true,"fixes":[],"episodes":[]}',
        '{"v":2,"episodes":[]}',
        '{"v":2,"flat":5,"episodes":[]}',
        '{"v":2,"flat":"","episodes":[5]}',
        '{"v":2,"flat":"","episodes":[["home",2,0,"no"]]}',
        '{"v":2,"flat":"","episodes":[[1.5,2,0,true]]}',
        '{"v":1,"fixes":[[1,2]],"episodes":[]}',
        "not json",
    ],
)
def test_a_state_of_an_unknown_version_or_broken_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="track state"):
        TrackState.loads(text)


def test_hysteresis_survives_a_restart() -> None:
    _, states = run(line(50, 170), rules=STILL)  # one clearly-outside fix so far
    restored = {k: TrackState.loads(s.dumps()) for k, s in states.items()}
    events, _ = run([("anklet", 60.0, 0.0, 170.0, 10.0)], states=restored, rules=STILL)
    assert kinds(events) == [f"{V} ended"]


def test_a_batch_with_mismatched_arrays_is_refused() -> None:
    with pytest.raises(ValueError, match="per ping"):
        PairBatch(
            track=["a"],
            lat=np.zeros(2),
            lon=np.zeros(1),
            accuracy_m=np.zeros(1),
            t=np.zeros(1),
            ping=np.zeros(0, dtype=np.intp),
            zone=[],
            zone_lat=np.zeros(0),
            zone_lon=np.zeros(0),
            radius_m=np.zeros(0),
            warn_m=np.zeros(0),
            role=np.zeros(0, dtype=np.int8),
        )
    with pytest.raises(ValueError, match="no ping"):
        PairBatch(
            track=["a"],
            lat=np.zeros(1),
            lon=np.zeros(1),
            accuracy_m=np.zeros(1),
            t=np.zeros(1),
            ping=np.array([1]),
            zone=["z"],
            zone_lat=np.zeros(1),
            zone_lon=np.zeros(1),
            radius_m=np.zeros(1),
            warn_m=np.zeros(1),
            role=np.zeros(1, dtype=np.int8),
        )


def test_an_empty_batch_is_nothing() -> None:
    assert evaluate(batch([]), {}) == ([], {})


# Properties


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-60.0, 60.0), min_size=1, max_size=40),
    st.floats(5.0, 30.0),
    st.integers(1, 5),
)
def test_no_event_storm_for_any_jitter_around_the_line(
    noise: list[float], acc: float, per_batch: int
) -> None:
    events, _ = run(line(*(100.0 + n for n in noise), acc=acc), per_batch=per_batch)
    starts = [e for e in events if not e.ended and e.kind is AlertKind.PROXIMITY_VIOLATION]
    # Within +-60 m of a 100 m line the track is never clearly out (160 - 5 > 125 could be, once
    # in a while): at most one start per pair of clearly-outside fixes that ended one.
    ends = [e for e in events if e.ended and e.kind is AlertKind.PROXIMITY_VIOLATION]
    assert len(starts) <= 1 + len(ends)
    assert len(ends) <= len(noise) // 3


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 5000.0), min_size=1, max_size=30), st.integers(1, 7))
def test_batching_does_not_change_the_events(norths: list[float], per_batch: int) -> None:
    path = line(*norths)
    one, s1 = run(path, rules=STILL)
    many, s2 = run(path, per_batch=per_batch, rules=STILL)
    assert kinds(one) == kinds(many)
    assert s1 == s2


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 3000.0), min_size=1, max_size=30))
def test_starts_and_ends_alternate(norths: list[float]) -> None:
    events, _ = run(line(*norths))
    for kind in (AlertKind.PROXIMITY_VIOLATION, AlertKind.PROXIMITY_WARNING):
        flags = [e.ended for e in events if e.kind is kind]
        assert flags == [i % 2 == 1 for i in range(len(flags))]
