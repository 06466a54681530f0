"""Distances against the WGS84 geodesic, zone membership with accuracy, fresh fixes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given
from hypothesis import strategies as st

from jikimi.proximity.rules import Level, classify, distance_m, levels, nearest_fresh_fix

from .helpers import HOME

lats = st.floats(33.0, 38.7)  # South Korea, Jeju to the DMZ
lons = st.floats(124.5, 131.0)
small = st.floats(-0.3, 0.3)  # about +-30 km
metres = st.floats(0.0, 20_000.0)
accuracy = st.floats(0.0, 500.0)


def geodesic(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ground truth: geographiclib's WGS84 geodesic."""
    return float(Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"])


def test_matches_the_geodesic_within_a_few_centimetres_at_city_scale() -> None:
    rng = np.random.default_rng(7)
    lat1 = rng.uniform(33.0, 38.7, 2000)
    lon1 = rng.uniform(124.5, 131.0, 2000)
    lat2 = lat1 + rng.uniform(-0.25, 0.25, 2000)
    lon2 = lon1 + rng.uniform(-0.3, 0.3, 2000)
    truth = np.array([geodesic(*p) for p in zip(lat1, lon1, lat2, lon2, strict=True)])
    ours = distance_m(lat1, lon1, lat2, lon2)
    error = np.abs(ours - truth)
    assert truth.max() < 50_000
    assert error.max() < 0.15
    near = truth < 5_000
    assert near.sum() > 10
    assert error[near].max() < 0.005


@pytest.mark.parametrize(
    ("lat2", "lon2", "metres"),
    [
        (37.5665, 126.9780, 0.0),
        (37.5674, 126.9780, 99.98),  # 0.0009 deg north is about 100 m
        (37.5665, 126.9791, 97.18),
    ],
)
def test_known_short_distances(lat2: float, lon2: float, metres: float) -> None:
    assert float(distance_m(*HOME, lat2, lon2)) == pytest.approx(
        geodesic(*HOME, lat2, lon2), abs=0.001
    )
    assert float(distance_m(*HOME, lat2, lon2)) == pytest.approx(metres, abs=0.1)


def test_broadcasts_one_zone_against_many_pings() -> None:
    lat = np.array([37.5665, 37.5674, 37.60])
    lon = np.array([126.9780, 126.9780, 127.0])
    d = distance_m(lat, lon, *HOME)
    assert d.shape == (3,)
    assert d[0] == 0.0


def test_the_antimeridian_is_crossed_the_short_way() -> None:
    assert float(distance_m(0.0, 179.9995, 0.0, -179.9995)) == pytest.approx(111.3, abs=0.1)


@given(lats, lons, small, small)
def test_distance_is_symmetric_and_matches_the_geodesic(
    lat: float, lon: float, dlat: float, dlon: float
) -> None:
    there = distance_m(lat, lon, lat + dlat, lon + dlon)
    back = distance_m(lat + dlat, lon + dlon, lat, lon)
    assert float(there) == pytest.approx(float(back), abs=1e-6)
    assert float(there) == pytest.approx(geodesic(lat, lon, lat + dlat, lon + dlon), abs=0.15)


@given(lats, lons, small, small, small, small)
def test_triangle_inequality(
    lat: float, lon: float, a: float, b: float, c: float, d: float
) -> None:
    ab = float(distance_m(lat, lon, lat + a, lon + b))
    bc = float(distance_m(lat + a, lon + b, lat + c, lon + d))
    ac = float(distance_m(lat, lon, lat + c, lon + d))
    assert ac <= ab + bc + 0.5  # the projection's own error, well under a metre


@pytest.mark.parametrize(
    ("dist", "acc", "level"),
    [
        (0.0, 0.0, Level.INSIDE),
        (100.0, 0.0, Level.INSIDE),  # the line itself is inside
        (100.0, 50.0, Level.INSIDE),
        (100.01, 0.0, Level.WARNING),
        (130.0, 30.0, Level.POSSIBLY_INSIDE),  # the error circle just touches
        (130.0, 29.9, Level.WARNING),
        (1000.0, 0.0, Level.WARNING),
        (1000.01, 0.0, Level.OUTSIDE),
        (1050.0, 950.0, Level.POSSIBLY_INSIDE),
        (5000.0, 10.0, Level.OUTSIDE),
    ],
)
def test_classify_boundaries(dist: float, acc: float, level: Level) -> None:
    assert classify(dist, acc, 100.0, 1000.0) == level


def test_classify_without_a_warning_ring() -> None:
    levels = classify(np.array([50.0, 120.0, 150.0]), np.array([0.0, 30.0, 10.0]), 100.0, 0.0)
    assert levels.tolist() == [Level.INSIDE, Level.POSSIBLY_INSIDE, Level.OUTSIDE]
    assert levels.dtype == np.int8


@pytest.mark.parametrize("bad", [-50.0, math.nan, -math.inf])
def test_a_bad_accuracy_never_makes_a_fix_look_safer(bad: float) -> None:
    for dist in (90.0, 100.0, 110.0, 600.0, 2000.0):
        assert classify(dist, bad, 100.0, 1000.0) >= classify(dist, 0.0, 100.0, 1000.0)


def test_a_fix_that_cannot_be_placed_is_not_judged_here() -> None:
    assert classify(math.nan, 10.0, 100.0, 1000.0) == Level.OUTSIDE


@given(metres, metres, accuracy, st.floats(10.0, 500.0), st.floats(0.0, 3000.0))
def test_classify_is_monotonic_in_distance(
    d1: float, d2: float, acc: float, radius: float, warn: float
) -> None:
    near, far = sorted((d1, d2))
    assert classify(near, acc, radius, warn) >= classify(far, acc, radius, warn)


@given(metres, accuracy, accuracy, st.floats(10.0, 500.0), st.floats(0.0, 3000.0))
def test_classify_is_monotonic_in_accuracy(
    d: float, a1: float, a2: float, radius: float, warn: float
) -> None:
    sharp, blurred = sorted((a1, a2))
    assert classify(d, blurred, radius, warn) >= classify(d, sharp, radius, warn)


def _near_a_boundary(d: np.ndarray, acc: np.ndarray, r: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Pairs whose distance is within rounding of a line `classify` draws."""
    acc = np.where(acc > 0, acc, 0.0)
    return np.minimum.reduce([abs(d - r), abs(d - acc - r), abs(d - w)]) < 1e-6


def test_levels_decides_a_city_of_pairs_as_classify_does() -> None:
    # Most pings far from the zone, many near it and near its lines: the latitude bound
    # must skip only pairs that are outside.
    rng = np.random.default_rng(11)
    n = 200_000
    z_lat, z_lon = rng.uniform(33.0, 38.7, n), rng.uniform(124.5, 131.0, n)
    far = rng.uniform(0, 1, n) < 0.6
    reach = rng.choice([60.0, 150.0, 1_200.0, 5_000.0], n)
    bearing = rng.uniform(0, 2 * np.pi, n)
    lat = np.where(far, rng.uniform(33.0, 38.7, n), z_lat + reach * np.sin(bearing) / 111_000)
    lon = np.where(far, rng.uniform(124.5, 131.0, n), z_lon + reach * np.cos(bearing) / 88_000)
    acc = rng.choice([-1.0, math.nan, 0.0, 5.0, 30.0, 300.0], n)
    radius = rng.choice([50.0, 100.0, 200.0], n)
    warn = rng.choice([0.0, -1.0, 500.0, 1_000.0], n)
    d = distance_m(lat, lon, z_lat, z_lon)
    want = classify(d, acc, radius, warn)
    got = levels(lat, lon, z_lat, z_lon, acc, radius, warn)
    assert got.dtype == np.int8
    assert {int(v) for v in np.unique(want)} == {0, 1, 2, 3}
    differ = got != want
    assert not (differ & ~_near_a_boundary(d, acc, radius, warn)).any()
    assert differ.sum() <= 2


@given(lats, lons, small, small, accuracy, st.floats(10.0, 500.0), st.floats(-1.0, 3000.0))
def test_levels_agrees_with_classify_of_the_distance(
    lat: float, lon: float, dlat: float, dlon: float, acc: float, radius: float, warn: float
) -> None:
    args = (np.array([lat]), np.array([lon]), np.array([lat + dlat]), np.array([lon + dlon]))
    d = distance_m(*args)
    a, r, w = np.array([acc]), np.array([radius]), np.array([warn])
    if not _near_a_boundary(d, a, r, w).any():
        assert levels(*args, a, r, w).tolist() == classify(d, a, r, w).tolist()


@pytest.mark.parametrize("lat", [0.0, 33.2, 37.5, 38.6, 60.0])
@pytest.mark.parametrize("north", [1, -1])
def test_levels_keeps_a_fix_due_north_or_south_just_inside_the_ring(lat: float, north: int) -> None:
    # Due north or south the latitude difference is the whole distance: the bound is tight.
    for frac in (0.99, 0.999, 0.99999):
        dlat = 0.0
        for _ in range(3):  # solve distance_m(lat, 0, lat + dlat, 0) = frac * 1000 m
            dlat += (frac * 1_000.0 - float(distance_m(lat, 0.0, lat + dlat, 0.0))) / 110_000
        got = levels([lat + north * dlat], [0.0], [lat], [0.0], [0.0], [100.0], [1_000.0])
        assert got.tolist() == [Level.WARNING], frac


def test_levels_with_an_unknown_ring_still_sees_the_radius() -> None:
    inside = (37.5665, 126.9780, 37.5670, 126.9780)  # about 56 m apart
    got = levels(*([v] for v in inside), [5.0], [100.0], [math.nan])
    assert got.tolist() == [Level.INSIDE]


def test_levels_across_the_antimeridian() -> None:
    got = levels([0.0], [179.9995], [0.0], [-179.9995], [0.0], [200.0], [1_000.0])
    assert got.tolist() == [Level.INSIDE]  # about 111 m the short way


def test_levels_of_no_pairs_and_of_no_near_pairs() -> None:
    assert levels([], [], [], [], [], [], []).tolist() == []
    assert levels([33.0], [127.0], [38.0], [127.0], [10.0], [100.0], [1_000.0]).tolist() == [0]


def test_nearest_fresh_fix_picks_the_victims_closest_fix_in_time() -> None:
    victim_t = np.array([0.0, 100.0, 400.0, 1000.0])
    ping_t = np.array([-10.0, 90.0, 260.0, 690.0, 1400.0, 1300.0])
    assert nearest_fresh_fix(victim_t, ping_t, 300.0).tolist() == [0, 1, 2, 2, -1, 3]
    assert nearest_fresh_fix(victim_t, ping_t, 300.0, after_ok=False).tolist() == [
        -1,
        0,
        1,
        2,
        -1,
        3,
    ]
    assert nearest_fresh_fix(np.array([]), ping_t, 300.0).tolist() == [-1] * 6


def test_a_stale_victim_fix_is_no_position() -> None:
    assert nearest_fresh_fix(np.array([0.0]), np.array([300.0, 300.5]), 300.0).tolist() == [0, -1]
