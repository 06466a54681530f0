"""Early warning: on course to reach a zone within eta_warn_s, from noisy fixes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.alerts.rules import AlertKind
from jikimi.proximity.rules import Rules, ZoneRole, eta_s, fit_velocity
from jikimi.proximity.rules.motion import closing_s

from .helpers import HOME, at, kinds, run

W = "proximity_warning"
# No warning ring: any warning here comes from the ETA rule.
BARE = [("home", *HOME, 100.0, 0.0, ZoneRole.ADDRESS)]
RING = [("home", *HOME, 100.0, 1000.0, ZoneRole.ADDRESS)]


def approach(
    start_m: float,
    speed: float,
    dt: float,
    n: int,
    *,
    bearing_deg: float = 180.0,
    offset_m: float = 0.0,
    sigma: float = 0.0,
    acc: float = 10.0,
    seed: int = 0,
) -> list[tuple[str, float, float, float, float]]:
    """Fixes of a track starting start_m north of home (offset_m east) heading bearing_deg
    at speed, every dt seconds, with Gaussian noise sigma per axis."""
    rng = np.random.default_rng(seed)
    b = math.radians(bearing_deg)
    out = []
    for i in range(n):
        east = offset_m + math.sin(b) * speed * dt * i + rng.normal(0, sigma) * (sigma > 0)
        north = start_m + math.cos(b) * speed * dt * i + rng.normal(0, sigma) * (sigma > 0)
        out.append(("anklet", i * dt, east, north, acc))
    return out


def test_a_car_heading_for_the_victims_home_is_warned_about_before_the_ring() -> None:
    path = approach(6000, 12.0, 10.0, 51)
    events, _ = run(path, zones=RING)
    assert kinds(events) == [W, "proximity_violation"]
    warning = events[0]
    assert warning.eta_s is not None
    true_eta = (warning.distance_m - 100) / 12.0
    assert warning.eta_s == pytest.approx(true_eta, rel=0.02)
    assert 250 < warning.eta_s <= 300
    assert warning.distance_m > 3000  # far beyond the 1,000 m ring


def test_a_noisy_car_is_warned_about_once() -> None:
    for seed in range(20):
        path = approach(8000, 12.0, 15.0, 45, sigma=20.0, acc=30.0, seed=seed)
        events, _ = run(path, zones=RING)
        assert kinds(events) == [W, "proximity_violation"], seed
        assert events[0].eta_s is not None
        assert events[0].distance_m > 1500


def test_a_walker_heading_for_the_victims_home_is_warned_about_within_reach() -> None:
    events, _ = run(approach(1500, 1.4, 10.0, 100), zones=BARE)
    assert kinds(events)[0] == W
    warning = events[0]
    assert warning.eta_s == pytest.approx((warning.distance_m - 100) / 1.4, rel=0.05)
    assert warning.distance_m <= 100 + 1.4 * 300 + 0.01


def test_standing_still_with_gps_jitter_never_warns() -> None:
    for seed in range(10):
        path = approach(400, 0.0, 10.0, 300, sigma=30.0, acc=45.0, seed=seed)
        events, _ = run(path, zones=BARE, per_batch=10)
        assert events == [], seed


def test_driving_away_never_warns() -> None:
    events, _ = run(approach(1200, 12.0, 10.0, 30, bearing_deg=0.0), zones=BARE)
    assert events == []


def test_passing_by_far_to_the_side_never_warns() -> None:
    path = approach(4000, 12.0, 10.0, 60, offset_m=3000.0)  # a road 3 km east
    events, _ = run(path, zones=BARE)
    assert events == []


def test_no_speed_from_fixes_too_far_apart() -> None:
    events, _ = run(approach(3000, 12.0, 120.0, 3), zones=BARE)  # 2 min gaps
    assert events == []


def test_no_speed_from_two_fixes() -> None:
    events, _ = run(approach(3000, 12.0, 10.0, 2), zones=BARE)
    assert events == []


def test_the_warning_episode_holds_while_on_course_and_ends_on_turning_away() -> None:
    coming = approach(4000, 12.0, 10.0, 12)
    events, states = run(coming, zones=BARE)
    assert kinds(events) == [W]
    last_north = coming[-1][3]
    leaving = [
        ("anklet", 120.0 + 10 * i, 0.0, last_north + 12.0 * 10 * i, 10.0) for i in range(1, 12)
    ]
    events, _ = run(leaving, zones=BARE, states=states)
    assert kinds(events) == [f"{W} ended"]


def test_eta_is_not_used_against_a_moving_victim() -> None:
    zones = [("victim", *HOME, 100.0, 0.0, ZoneRole.VICTIM)]
    events, _ = run(approach(3000, 12.0, 10.0, 20), zones=zones)
    assert events == []


def test_fit_velocity_recovers_a_straight_course() -> None:
    t = np.array([[0.0, 10.0, 20.0, 30.0]])
    pts = [at(5.0 * s, -8.0 * s) for s in t[0]]
    lat = np.array([[p[0] for p in pts]])
    lon = np.array([[p[1] for p in pts]])
    ve, vn, ok = fit_velocity(t, lat, lon, np.full((1, 4), 10.0), Rules())
    assert ok.tolist() == [True]
    assert ve[0] == pytest.approx(5.0, rel=1e-3)
    assert vn[0] == pytest.approx(-8.0, rel=1e-3)


def test_fit_velocity_ignores_missing_and_cut_off_fixes() -> None:
    t = np.array([[math.nan, -500.0, 0.0, 10.0, 20.0]])
    pts = [at(0.0, 0.0), at(9000.0, 0.0), *(at(0.0, 3.0 * s) for s in (0.0, 10.0, 20.0))]
    lat = np.array([[p[0] for p in pts]])
    lon = np.array([[p[1] for p in pts]])
    ve, vn, ok = fit_velocity(t, lat, lon, np.full((1, 5), 5.0), Rules())
    assert ok.tolist() == [True]
    assert ve[0] == pytest.approx(0.0, abs=1e-3)
    assert vn[0] == pytest.approx(3.0, rel=1e-3)


def test_eta_geometry() -> None:
    east = np.array([0.0, 0.0, 0.0, 500.0, 50.0])
    north = np.array([1100.0, -1100.0, 1100.0, 1000.0, 0.0])
    ve = np.array([0.0, 0.0, 10.0, 0.0, 0.0])
    vn = np.array([10.0, 10.0, 0.0, 10.0, 0.0])
    got = eta_s(east, north, ve, vn, np.full(5, 100.0), tolerance=0.15)
    assert got[0] == pytest.approx(100.0)  # straight at it: 1,000 m to the line
    assert math.isinf(got[1])  # moving away
    assert math.isinf(got[2])  # crossing its bearing at right angles
    assert math.isinf(got[3])  # passes 500 m to the side of a zone 1.1 km off
    assert got[4] == 0.0  # already inside


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 2 * math.pi), st.floats(0.0, 1.0)), min_size=3, max_size=30),
    st.floats(5.0, 50.0),
    st.sampled_from([5.0, 10.0, 30.0]),
)
def test_a_still_device_wandering_within_half_its_accuracy_never_warns(
    wander: list[tuple[float, float]], acc: float, dt: float
) -> None:
    pings = [
        ("anklet", i * dt, math.cos(a) * f * acc / 2, 300.0 + math.sin(a) * f * acc / 2, acc)
        for i, (a, f) in enumerate(wander)
    ]
    events, _ = run(pings, zones=BARE)
    assert [e for e in events if e.kind is AlertKind.PROXIMITY_WARNING] == []


def test_closing_in_holds_a_warning_whatever_the_side_error() -> None:
    east = np.array([500.0, 500.0, 0.0])
    north = np.array([1000.0, 1000.0, 1100.0])
    ve = np.array([0.0, 0.0, 10.0])
    vn = np.array([10.0, -10.0, 0.0])
    got = closing_s(east, north, ve, vn, np.full(3, 100.0))
    towards = 10.0 * 1000.0 / math.hypot(500.0, 1000.0)
    assert got[0] == pytest.approx((math.hypot(500.0, 1000.0) - 100.0) / towards)
    assert math.isinf(got[1])  # moving away
    assert math.isinf(got[2])  # neither closing nor leaving


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_fixes_that_jump_kilometres_against_their_accuracy_give_no_early_warning(
    seed: int,
) -> None:
    """A device reporting 15 m accuracy but landing 3–7 km out in random places, fixes
    bunched microseconds apart: no speed can be read from it, so no ETA warning."""
    rng = np.random.default_rng(seed)
    pings = [
        ("a", i + j * 1e-6, 0.0, float(rng.uniform(3000, 7000)), 15.0)
        for i in range(12)
        for j in range(5)
    ]
    events, _ = run(pings, per_batch=5, zones=BARE)
    assert kinds(events) == []
