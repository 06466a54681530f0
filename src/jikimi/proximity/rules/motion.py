"""Speed, heading and time to arrival from a track's recent fixes, for many tracks at once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jikimi.proximity.rules.geometry import offsets_m, sanitise_accuracy
from jikimi.proximity.rules.model import Rules

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# A reported accuracy is a 68 % radius (Android, iOS); per axis that is 1.515 sigma.
_SIGMA_PER_ACCURACY = 1.0 / 1.515
_MIN_SIGMA_M = 3.0  # no phone or anklet is better than this, whatever it says


def fit_velocity(
    t: FloatArray, lat: FloatArray, lon: FloatArray, acc: FloatArray, rules: Rules
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Velocity east and north (m/s) of each row's newest fix (last column), and whether it
    can be trusted.

    Rows are tracks, columns their fixes oldest first (NaN t: no fix). The fit is least
    squares over the fixes within speed_window_s whose chain has no gap longer than
    max_fix_gap_s; it is trusted with at least min_speed_fixes fixes, a speed between
    min_speed_mps and max_speed_mps, and a speed speed_z standard errors above zero (the
    standard error from the reported accuracies), so jitter of a still device is no motion.
    """
    now = t[:, -1:]
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(t) & (now - t <= rules.speed_window_s)
        gap_break = ~(np.diff(t, axis=1) <= rules.max_fix_gap_s)
    # A fix is cut off when any gap after it (up to the newest) is too long.
    cut = np.flip(np.logical_or.accumulate(np.flip(gap_break, axis=1), axis=1), axis=1)
    valid[:, :-1] &= ~cut
    w = valid.astype(np.float64)
    n = w.sum(axis=1)
    east, north = offsets_m(lat[:, -1:], lon[:, -1:], lat, lon)
    dt = np.where(valid, t - now, 0.0)
    east = np.where(valid, east, 0.0)
    north = np.where(valid, north, 0.0)
    safe_n = np.maximum(n, 1.0)
    dt_c = np.where(valid, dt - (dt.sum(axis=1) / safe_n)[:, None], 0.0)
    stt = (dt_c * dt_c).sum(axis=1)
    safe_stt = np.where(stt > 0.0, stt, 1.0)
    ve = (dt_c * east).sum(axis=1) / safe_stt
    vn = (dt_c * north).sum(axis=1) / safe_stt
    speed = np.hypot(ve, vn)
    sigma = np.maximum(
        (np.where(valid, sanitise_accuracy(acc), 0.0).sum(axis=1) / safe_n) * _SIGMA_PER_ACCURACY,
        _MIN_SIGMA_M,
    )
    # Fixes that scatter about the line far more than their accuracy says (a device that
    # jumps kilometres between fixes) give a line that means nothing: the standard error
    # takes the scatter the fit leaves when it is the larger.
    east_c = east - np.where(valid, (east.sum(axis=1) / safe_n)[:, None], 0.0)
    north_c = north - np.where(valid, (north.sum(axis=1) / safe_n)[:, None], 0.0)
    resid = np.where(
        valid, (east_c - ve[:, None] * dt_c) ** 2 + (north_c - vn[:, None] * dt_c) ** 2, 0.0
    )
    scatter = np.sqrt(resid.sum(axis=1) / np.maximum(2.0 * (n - 2.0), 1.0))
    se = np.maximum(sigma, scatter) / np.sqrt(safe_stt)
    ok = (
        (n >= rules.min_speed_fixes)
        & (stt > 0.0)
        & (speed >= rules.min_speed_mps)
        & (speed <= rules.max_speed_mps)
        & (speed >= rules.speed_z * se)
    )
    return ve, vn, ok


def eta_s(
    east_m: FloatArray,
    north_m: FloatArray,
    ve: FloatArray,
    vn: FloatArray,
    radius_m: FloatArray,
    tolerance: float,
) -> FloatArray:
    """Seconds until a track at the origin moving at (ve, vn) comes within radius_m of a
    zone at (east_m, north_m); inf when it is not on course.

    On course: moving towards the zone and the straight line passes within
    radius + tolerance * distance of it (heading noise and a road's bends). The time is to
    the point where the line enters the circle, or to the closest point when it passes
    within the tolerance only.
    """
    speed2 = ve * ve + vn * vn
    speed = np.sqrt(speed2)
    safe_speed = np.where(speed > 0.0, speed, 1.0)
    along = (east_m * ve + north_m * vn) / safe_speed
    dist2 = east_m * east_m + north_m * north_m
    cross2 = np.maximum(dist2 - along * along, 0.0)
    allowance = radius_m + tolerance * np.sqrt(dist2)
    inside_run = np.sqrt(np.maximum(radius_m * radius_m - cross2, 0.0))
    eta = np.maximum(along - inside_run, 0.0) / safe_speed
    on_course = (speed > 0.0) & (along > 0.0) & (cross2 <= allowance * allowance)
    return np.where(on_course | (dist2 <= radius_m * radius_m), eta, np.inf)


def closing_s(
    east_m: FloatArray, north_m: FloatArray, ve: FloatArray, vn: FloatArray, radius_m: FloatArray
) -> FloatArray:
    """Seconds to close the distance to the radius at the speed towards the zone, whatever
    the heading's side error; inf when not closing in. Holds an early warning on a road
    that bends, so one approach stays one warning."""
    dist = np.hypot(east_m, north_m)
    towards = (east_m * ve + north_m * vn) / np.where(dist > 0.0, dist, 1.0)
    return np.where(
        towards > 0.0,
        np.maximum(dist - radius_m, 0.0) / np.where(towards > 0.0, towards, 1.0),
        np.inf,
    )
