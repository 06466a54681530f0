"""The OR-Tools adapter: a shift's patrol plan as vehicle routing with time windows.

Nodes are the units' start points (each unit starts and ends at its own) and one node per
visit: a home owed two visits is two nodes at the same place, the second's arrival at least
the gap after the first's (a constraint on the time dimension's cumul variables). Every
visit node may be dropped at its home's penalty (`rules.penalty`), so when the units
cannot cover every home the lower tiers are left out first. Travel times come from a
`rules.TravelTimes`; the search is deterministic: the same homes, units and seed give the
same plan unless the time limit cuts the search short.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from jikimi.patrols.rules import (
    Home,
    PatrolPolicy,
    Plan,
    Point,
    Shift,
    TravelTimes,
    Unit,
    Window,
    assemble,
    penalty,
)

# Solutions the guided local search may visit: the search ends there (deterministically)
# unless the time limit comes first, which it does on an agency's night of 200 homes.
SOLUTION_LIMIT = 1000


@dataclass(frozen=True)
class _Node:
    place: Point
    case_id: str | None = None  # None: a unit's start point
    visit: int = 0


def solve(
    homes: Sequence[Home],
    units: Sequence[Unit],
    shift: Shift,
    windows: Mapping[tuple[str, int], Window],
    policy: PatrolPolicy,
    travel: TravelTimes,
    time_limit_s: float,
    solution_limit: int = SOLUTION_LIMIT,
) -> Plan:
    """The plan OR-Tools finds within `time_limit_s`; homes it could not fit are listed
    as unvisited."""
    nodes = [_Node(u.start) for u in units]
    nodes += [
        _Node(h.place, h.case_id, v)
        for h in homes
        for v in range(1, h.visits + 1)
        if (h.case_id, v) in windows
    ]
    if len(nodes) == len(units):
        return assemble(homes, units, shift, [[] for _ in units])
    n_units = len(units)
    depots = list(range(n_units))
    manager = pywrapcp.RoutingIndexManager(len(nodes), n_units, depots, depots)
    routing = pywrapcp.RoutingModel(manager)
    drive = [[travel.seconds(a.place, b.place) for b in nodes] for a in nodes]
    stop_s = shift.stop_minutes * 60

    elapsed = [
        [(stop_s if a >= n_units else 0) + seconds for seconds in row]
        for a, row in enumerate(drive)
    ]
    # Matrices stay in C++ (no Python callback per arc): several times the solutions a
    # second, and the reason the server solves in a process apart (`solve_apart`).
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(drive))
    time_cost = routing.RegisterTransitMatrix(elapsed)
    horizon = shift.seconds
    routing.AddDimension(time_cost, horizon, horizon, False, "t")
    time = routing.GetDimensionOrDie("t")
    for v in range(n_units):
        time.CumulVar(routing.Start(v)).SetRange(0, horizon)
        time.CumulVar(routing.End(v)).SetRange(0, horizon)
    by_case = {h.case_id: h for h in homes}
    first: dict[str, int] = {}
    for n in range(n_units, len(nodes)):
        node = nodes[n]
        assert node.case_id is not None
        index = manager.NodeToIndex(n)
        lo, hi = windows[(node.case_id, node.visit)]
        time.CumulVar(index).SetRange(lo, hi)
        routing.AddDisjunction([index], penalty(by_case[node.case_id], policy))
        if node.visit == 1:
            first[node.case_id] = index
    gap = policy.min_gap_minutes * 60
    solver = routing.solver()
    for n in range(n_units, len(nodes)):
        node = nodes[n]
        if node.visit > 1 and node.case_id is not None:
            earlier, index = first[node.case_id], manager.NodeToIndex(n)
            # A later visit only with the first, and the gap after it, arrival to arrival.
            solver.Add(routing.ActiveVar(index) <= routing.ActiveVar(earlier))
            solver.Add(time.CumulVar(index) >= time.CumulVar(earlier) + gap)
    for v in range(n_units):
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.solution_limit = solution_limit
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return assemble(homes, units, shift, [[] for _ in units])
    arrivals: list[list[tuple[str, int, int]]] = []
    for v in range(n_units):
        visits: list[tuple[str, int, int]] = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            node = nodes[manager.IndexToNode(index)]
            assert node.case_id is not None
            visits.append((node.case_id, node.visit, solution.Min(time.CumulVar(index))))
            index = solution.Value(routing.NextVar(index))
        arrivals.append(visits)
    return assemble(homes, units, shift, arrivals)


def solve_apart(
    homes: Sequence[Home],
    units: Sequence[Unit],
    shift: Shift,
    windows: Mapping[tuple[str, int], Window],
    policy: PatrolPolicy,
    travel: TravelTimes,
    time_limit_s: float,
) -> Plan:
    """`solve` in a process of its own: OR-Tools holds the interpreter's lock for the
    whole search, which in the server's process would stall every other request."""
    if not windows:  # nothing to route: no search, no process
        return solve(homes, units, shift, windows, policy, travel, time_limit_s)
    spawn = multiprocessing.get_context("spawn")  # a fork would copy the server's threads
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        job = pool.submit(solve, homes, units, shift, windows, policy, travel, time_limit_s)
        return job.result()
