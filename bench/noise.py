"""Alerts from noisy GPS: simulated approaches and passes run through the pure rules.

Walking (about 1.4 m/s) and driving (10-15 m/s on a road-like path of straight legs that
bend up to 35 degrees off the direct line) towards a zone of radius 100 m and warning ring
1,000 m: approaches that go in and stay 2-10 minutes then leave, passes at 150-900 m, and
far passes at 1.5-3 km. Fixes every 10, 20 or 30 s with Gaussian noise of sigma metres per
axis; each fix reports accuracy 1.5 sigma (a 68 % radius) times a little jitter. Ground
truth is the noise-free path: a true episode is an approach whose sampled true positions
come within the radius.

    .venv/bin/python bench/noise.py          # ~1 min; --help lists the knobs

Writes bench/results/noise.json and noise.png.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jikimi.alerts.rules import AlertKind
from jikimi.proximity.rules import PairBatch, Rules, TrackState, ZoneEvent, evaluate
from jikimi.proximity.rules.geometry import WGS84_A, WGS84_E2
from runinfo import git_revision

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOME = (37.5665, 126.9780)
RADIUS, WARN = 100.0, 1000.0
Arr = npt.NDArray[np.float64]


@dataclass
class Run:
    """One simulated track: its fixes and what truly happened."""

    kind: str  # approach | pass | far
    t: Arr
    east: Arr  # observed, metres from the zone
    north: Arr
    acc: Arr
    true_dist: Arr  # at each fix
    cross_t: float  # first time the true path is within the radius (1 s resolution), or nan


def road(
    rng: np.random.Generator, start: Arr, goal: Arr, leg: tuple[float, float], bend: float
) -> Arr:
    """Waypoints from start to goal in straight legs, each bent up to `bend` degrees off
    the direct line (the last 400 m straight)."""
    pts = [start]
    here = start.copy()
    while np.hypot(*(goal - here)) > 400:
        direct = math.atan2(goal[1] - here[1], goal[0] - here[0])
        heading = direct + math.radians(rng.uniform(-bend, bend))
        step = min(rng.uniform(*leg), np.hypot(*(goal - here)) - 300)
        here = here + step * np.array([math.cos(heading), math.sin(heading)])
        pts.append(here)
    pts.append(goal)
    return np.array(pts)


def timed_path(points: Arr, speed: float, t0: float) -> tuple[Arr, Arr]:
    """Knot times for waypoints travelled at speed from t0."""
    seg = np.hypot(*np.diff(points, axis=0).T)
    return t0 + np.concatenate([[0.0], np.cumsum(seg)]) / speed, points


def simulate(rng: np.random.Generator, mode: str, kind: str, sigma: float) -> Run:
    """One run: knots in time, sampled every fix interval, with noise."""
    speed = rng.normal(1.4, 0.15) if mode == "walk" else rng.uniform(10, 15)
    far = 2500.0 if mode == "walk" else 7000.0
    leg, bend = ((80.0, 200.0), 25.0) if mode == "walk" else ((300.0, 800.0), 35.0)
    a = rng.uniform(0, 2 * math.pi)
    start = far * np.array([math.cos(a), math.sin(a)])
    knots_t: list[Arr] = []
    knots_p: list[Arr] = []
    if kind == "approach":
        target = rng.uniform(-40, 40, 2)
        t1, p1 = timed_path(road(rng, start, target, leg, bend), speed, 0.0)
        dwell_n = int(rng.uniform(120, 600) // 60) + 1
        p2 = target + rng.uniform(-20, 20, (dwell_n, 2))
        t2 = t1[-1] + 60.0 * np.arange(1, dwell_n + 1)
        b = rng.uniform(0, 2 * math.pi)
        away = far * np.array([math.cos(b), math.sin(b)])
        t3, p3 = timed_path(road(rng, p2[-1], away, leg, bend), speed, t2[-1])
        knots_t, knots_p = [t1, t2, t3[1:]], [p1, p2, p3[1:]]
    else:
        closest = rng.uniform(150, 900) if kind == "pass" else rng.uniform(1500, 3000)
        side = np.array([-math.sin(a), math.cos(a)]) * closest
        line = np.array([start + side, -start + side])
        t1, p1 = timed_path(line, speed, 0.0)
        knots_t, knots_p = [t1], [p1]
    kt = np.concatenate(knots_t)
    kp = np.concatenate(knots_p)
    fine = np.arange(0.0, kt[-1], 1.0)
    fine_d = np.hypot(np.interp(fine, kt, kp[:, 0]), np.interp(fine, kt, kp[:, 1]))
    inside = np.flatnonzero(fine_d <= RADIUS)
    interval = float(rng.choice([10.0, 20.0, 30.0]))
    t = np.arange(rng.uniform(0, interval), kt[-1], interval)
    e, n = np.interp(t, kt, kp[:, 0]), np.interp(t, kt, kp[:, 1])
    return Run(
        kind=kind,
        t=t,
        east=e + rng.normal(0, sigma, t.size),
        north=n + rng.normal(0, sigma, t.size),
        acc=1.515 * sigma * rng.lognormal(0, 0.2, t.size),
        true_dist=np.hypot(e, n),
        cross_t=float(fine[inside[0]]) if inside.size else math.nan,
    )


def to_latlon(east: Arr, north: Arr) -> tuple[Arr, Arr]:
    """Metres from HOME to degrees (local radii)."""
    s = math.sin(math.radians(HOME[0]))
    w = 1 - WGS84_E2 * s * s
    m = WGS84_A * (1 - WGS84_E2) / w**1.5
    nn = WGS84_A / math.sqrt(w)
    return (
        HOME[0] + np.degrees(north / m),
        HOME[1] + np.degrees(east / (nn * math.cos(math.radians(HOME[0])))),
    )


def judge(runs: list[Run], rules: Rules, batch_pings: int) -> list[list[ZoneEvent]]:
    """All runs as tracks of one stream, in time order and micro-batches; events per run."""
    track = np.concatenate([np.full(r.t.size, i) for i, r in enumerate(runs)])
    t = np.concatenate([r.t for r in runs])
    lat, lon = to_latlon(
        np.concatenate([r.east for r in runs]), np.concatenate([r.north for r in runs])
    )
    acc = np.concatenate([r.acc for r in runs])
    order = np.argsort(t, kind="stable")
    states: dict[int | str, TrackState] = {}
    per_run: list[list[ZoneEvent]] = [[] for _ in runs]
    for s in range(0, order.size, batch_pings):
        idx = order[s : s + batch_pings]
        n = idx.size
        batch = PairBatch(
            track=track[idx].tolist(),
            lat=lat[idx],
            lon=lon[idx],
            accuracy_m=acc[idx],
            t=t[idx],
            ping=np.arange(n),
            zone=["home"] * n,
            zone_lat=np.full(n, HOME[0]),
            zone_lon=np.full(n, HOME[1]),
            radius_m=np.full(n, RADIUS),
            warn_m=np.full(n, WARN),
            role=np.zeros(n, dtype=np.int8),
        )
        events, new = evaluate(batch, states, rules)
        states.update(new)
        for e in events:
            per_run[int(e.track)].append(e)
    return per_run


def summarise(runs: list[Run], events: list[list[ZoneEvent]]) -> dict[str, Any]:
    """Alerts per true episode, missed episodes, lead times, false alerts on passes."""
    V, W = AlertKind.PROXIMITY_VIOLATION, AlertKind.PROXIMITY_WARNING
    starts = [[e for e in ev if not e.ended] for ev in events]
    true_ep = [
        i for i, r in enumerate(runs) if r.kind == "approach" and (r.true_dist <= RADIUS).any()
    ]
    v_alerts = sum(sum(e.kind is V for e in starts[i]) for i in true_ep)
    w_alerts = sum(sum(e.kind is W for e in starts[i]) for i in true_ep)
    missed = sum(1 for i in true_ep if not any(e.kind is V for e in starts[i]))
    leads = [runs[i].cross_t - min(e.t for e in starts[i]) for i in true_ep if starts[i]]
    eta_first = sum(1 for i in true_ep if starts[i] and starts[i][0].eta_s is not None)
    passes = [i for i, r in enumerate(runs) if r.kind == "pass"]
    fars = [i for i, r in enumerate(runs) if r.kind == "far"]
    return {
        "true_episodes": len(true_ep),
        "violation_alerts_per_true_episode": v_alerts / max(len(true_ep), 1),
        "warning_alerts_per_true_episode": w_alerts / max(len(true_ep), 1),
        "missed_episodes": missed,
        "median_lead_s": float(np.median(leads)) if leads else None,
        "p10_lead_s": float(np.quantile(leads, 0.1)) if leads else None,
        "first_alert_by_eta": eta_first,
        "passes_150_900m": len(passes),
        "violations_on_passes": sum(sum(e.kind is V for e in starts[i]) for i in passes),
        "warnings_per_pass": sum(sum(e.kind is W for e in starts[i]) for i in passes)
        / max(len(passes), 1),
        "far_passes_1500_3000m": len(fars),
        "false_warnings_on_far_passes": sum(len(starts[i]) for i in fars),
    }


def chart(record: dict[str, Any], path: Path) -> None:
    """Median lead time before the 100 m line, per mode and noise, with and without ETA."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = record["results"]
    sigmas = sorted({r["sigma_m"] for r in rows})
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=False)
    for ax, mode in zip(axes, ("walk", "drive"), strict=True):
        x = np.arange(len(sigmas))
        for k, (eta, color) in enumerate(((False, "#999"), (True, "#1f6f3f"))):
            vals = [
                next(
                    r["median_lead_s"]
                    for r in rows
                    if r["mode"] == mode and r["sigma_m"] == s and r["eta"] == eta
                )
                for s in sigmas
            ]
            bars = ax.bar(
                x + (k - 0.5) * 0.38,
                vals,
                0.38,
                color=color,
                label="with ETA rule" if eta else "rings only",
            )
            ax.bar_label(bars, labels=[f"{v:.0f}" for v in vals], padding=2, fontsize=8)
        ax.set_xticks(x, [f"σ {s:.0f} m" for s in sigmas])
        ax.set_title(f"{'walking ~1.4 m/s' if mode == 'walk' else 'driving 10-15 m/s'}")
        ax.set_ylabel("median warning lead before the 100 m line (s)")
        ax.legend()
    fig.suptitle(
        "bench/noise.py: warning lead time (first alert of an approach to the true crossing)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Simulate, judge, summarise; write JSON and the chart."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--runs", type=int, default=100, help="approaches per mode and noise (passes: half)"
    )
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--batch", type=int, default=200, help="pings per micro-batch")
    args = ap.parse_args()
    results = []
    for mode in ("walk", "drive"):
        for sigma in (5.0, 10.0, 20.0, 30.0):
            rng = np.random.default_rng([args.seed, int(sigma), mode == "drive"])
            kinds = (
                ["approach"] * args.runs + ["pass"] * (args.runs // 2) + ["far"] * (args.runs // 2)
            )
            runs = [simulate(rng, mode, k, sigma) for k in kinds]
            for eta in (False, True):
                rules = Rules() if eta else Rules(eta_warn_s=0.0)
                row = {"mode": mode, "sigma_m": sigma, "eta": eta} | summarise(
                    runs, judge(runs, rules, args.batch)
                )
                results.append(row)
                print(json.dumps(row), flush=True)
    rec = {
        "command": "python bench/noise.py " + " ".join(sys.argv[1:]),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "rules": {k: v for k, v in Rules().__dict__.items()},
        "zone": {"radius_m": RADIUS, "warn_m": WARN},
        "targets": {"violation_alerts_per_true_episode": 1.05, "missed_episodes": 0},
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "noise.json").write_text(json.dumps(rec, indent=2) + "\n")
    chart(rec, RESULTS / "noise.png")


if __name__ == "__main__":
    main()
