"""Patrol plans: OR-Tools against a greedy nearest-neighbour baseline, and against the
exact optimum on small instances.

One night: 200 homes spread over western Seoul (30 % very_high, owed two visits 90
minutes apart; the rest high, one visit), 10 units from one station, an eight-hour shift,
stops of 10 minutes, 30 km/h over straight lines, seeded windows as the server uses.
Plan time, homes covered by tier and total distance for the solver (the server's
settings: JIKIMI_PATROL_SOLVE_S's default of 5 s) and for the baseline, which sends the
units in turn to the nearest home whose window and gap still fit, highest tier first, and
back by the end. Both plans pass the feasibility rules (`patrols.rules.violations`).

Small instances: 8, 9 and 10 high homes, one unit, a shift long enough for all (no
windows): the solver's distance against the shortest tour by brute force over every order.

    .venv/bin/python bench/patrol.py         # about a minute

Writes bench/results/patrol.json and patrol.png (the night's plan).
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jikimi.cases.orders import load_pack
from jikimi.core.settings import Settings
from jikimi.patrols.rules import (
    Home,
    PatrolPolicy,
    Plan,
    Point,
    Shift,
    StraightLine,
    Unit,
    Window,
    assemble,
    metres,
    policy_from,
    violations,
    visit_windows,
)
from jikimi.patrols.solver import solve
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POLICY = policy_from(load_pack().patrol)
STATION = POLICY.stations["seoul-mapo"].place
START = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)  # 22:00 KST


def night_homes(n: int, seed: int) -> list[Home]:
    """`n` homes within about 6 km of the station, 30 % very_high."""
    rng = random.Random(seed)
    homes = []
    for i in range(n):
        tier = "very_high" if rng.random() < 0.3 else "high"
        place = Point(
            STATION.lat + rng.uniform(-0.05, 0.05), STATION.lon + rng.uniform(-0.07, 0.05)
        )
        homes.append(Home(f"c{i:04d}", tier, place, POLICY.visits[tier]))
    return homes


def distance_m(plan: Plan) -> float:
    """The plan's total straight-line distance, every unit back at its start."""
    total = 0.0
    for route in plan.routes:
        path = [route.unit.start, *(s.place for s in route.stops), route.unit.start]
        total += sum(metres(a, b) for a, b in itertools.pairwise(path))
    return total


def covered(plan: Plan, homes: Sequence[Home]) -> dict[str, dict[str, int]]:
    """Per tier: homes owed, homes given every visit owed, visits made of those owed."""
    made: dict[str, int] = {}
    for route in plan.routes:
        for s in route.stops:
            made[s.case_id] = made.get(s.case_id, 0) + 1
    out: dict[str, dict[str, int]] = {}
    for h in homes:
        row = out.setdefault(h.tier, {"homes": 0, "covered": 0, "visits_owed": 0, "visits": 0})
        row["homes"] += 1
        row["covered"] += made.get(h.case_id, 0) >= h.visits
        row["visits_owed"] += h.visits
        row["visits"] += made.get(h.case_id, 0)
    return out


def greedy(
    homes: Sequence[Home],
    units: Sequence[Unit],
    shift: Shift,
    windows: dict[tuple[str, int], Window],
    policy: PatrolPolicy,
    travel: StraightLine,
) -> Plan:
    """Nearest neighbour in time: the unit free earliest goes to the visit it can reach
    soonest and still make (its window, the gap after the home's first visit, back by the
    end); very_high first between equals."""
    stop = shift.stop_minutes * 60
    gap = policy.min_gap_minutes * 60
    horizon = shift.seconds
    todo = {
        (h.case_id, v): h
        for h in homes
        for v in range(1, h.visits + 1)
        if (h.case_id, v) in windows
    }
    first_at: dict[str, int] = {}
    state = [(0, u.start) for u in units]  # (free at, where)
    arrivals: list[list[tuple[str, int, int]]] = [[] for _ in units]
    active = set(range(len(units)))
    while active and todo:
        k = min(active, key=lambda i: (state[i][0], i))
        free, here = state[k]
        best: tuple[int, int, str, int] | None = None  # (arrival, rank, case, visit)
        for (case_id, visit), home in todo.items():
            if visit > 1 and case_id not in first_at:
                continue
            lo, hi = windows[(case_id, visit)]
            at = max(free + travel.seconds(here, home.place), lo)
            if visit > 1:
                at = max(at, first_at[case_id] + gap)
            if at > hi or at + stop + travel.seconds(home.place, units[k].start) > horizon:
                continue
            rank = 0 if home.tier == "very_high" else 1
            key = (at, rank, case_id, visit)
            if best is None or key < best:
                best = key
        if best is None:
            active.discard(k)
            continue
        at, _, case_id, visit = best
        home = todo.pop((case_id, visit))
        if visit == 1:
            first_at[case_id] = at
        arrivals[k].append((case_id, visit, at))
        state[k] = (at + stop, home.place)
    return assemble(homes, units, shift, arrivals)


def night(time_limit_s: float) -> tuple[dict[str, Any], Plan, list[Home]]:
    """The 200-home, 10-unit night: solver and baseline."""
    homes = night_homes(200, seed=7)
    units = [Unit(f"순찰{i + 1}", STATION) for i in range(10)]
    shift = Shift(START, START + timedelta(hours=8), 10, 30)
    travel = StraightLine(30)
    windows = visit_windows(homes, shift, POLICY, seed=1)
    out: dict[str, Any] = {}
    plans = {}
    for name, make in (
        ("ortools", lambda: solve(homes, units, shift, windows, POLICY, travel, time_limit_s)),
        ("greedy", lambda: greedy(homes, units, shift, windows, POLICY, travel)),
    ):
        began = time.perf_counter()
        plan = make()
        seconds = time.perf_counter() - began
        assert violations(plan, homes, shift, POLICY, travel) == [], name
        plans[name] = plan
        out[name] = {
            "plan_s": round(seconds, 3),
            "by_tier": covered(plan, homes),
            "distance_km": round(distance_m(plan) / 1000, 1),
            "stops": sum(len(r.stops) for r in plan.routes),
        }
        print(name, json.dumps(out[name], ensure_ascii=False))
    return out, plans["ortools"], homes


def small(time_limit_s: float) -> list[dict[str, Any]]:
    """One unit, 8-10 high homes, no windows: the solver's tour against the shortest."""
    rows = []
    travel = StraightLine(30)
    shift = Shift(START, START + timedelta(hours=12), 10, 30)
    for n in (8, 9, 10):
        for seed in range(3):
            homes = [Home(h.case_id, "high", h.place, 1) for h in night_homes(n, seed=100 + seed)]
            unit = Unit("1", STATION)
            windows = {(h.case_id, 1): (0, shift.seconds - 600) for h in homes}
            began = time.perf_counter()
            plan = solve(homes, [unit], shift, windows, POLICY, travel, time_limit_s)
            seconds = time.perf_counter() - began
            assert not plan.unvisited
            best = min(
                sum(metres(a, b) for a, b in itertools.pairwise([STATION, *order, STATION]))
                for order in itertools.permutations([h.place for h in homes])
            )
            got = distance_m(plan)
            rows.append(
                {
                    "homes": n,
                    "seed": seed,
                    "ortools_km": round(got / 1000, 3),
                    "optimum_km": round(best / 1000, 3),
                    "gap_pct": round(100 * (got - best) / best, 2),
                    "plan_s": round(seconds, 3),
                }
            )
            print(rows[-1])
    return rows


def draw(plan: Plan, path: Path) -> None:
    """The night's plan: each unit's route, the station, the homes left out."""
    fig, ax = plt.subplots(figsize=(9, 8))
    colours = plt.get_cmap("tab10")
    for i, route in enumerate(plan.routes):
        pts = [route.unit.start, *(s.place for s in route.stops), route.unit.start]
        ax.plot(
            [p.lon for p in pts],
            [p.lat for p in pts],
            "-o",
            ms=3,
            lw=1.2,
            color=colours(i),
            label=f"unit {i + 1}: {len(route.stops)} stops",
        )
    ax.plot(STATION.lon, STATION.lat, "k*", ms=16, label="station")
    ax.set_title(f"One night: 200 homes, 10 units, 8 h ({len(plan.unvisited)} left out)")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1 / 0.79)  # cos(37.55°): metres look square
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Run both parts and write the results."""
    limit = Settings().patrol_solve_s
    result, plan, _ = night(limit)
    rows = small(limit)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "revision": git_revision(),
        "machine": machine("ortools"),
        "at": datetime.now(UTC).isoformat(),
        "time_limit_s": limit,
        "night": {
            "homes": 200,
            "units": 10,
            "hours": 8,
            "stop_minutes": 10,
            "speed_kmh": 30,
            **result,
        },
        "small": rows,
    }
    (RESULTS / "patrol.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    draw(plan, RESULTS / "patrol.png")


if __name__ == "__main__":
    main()
