"""The OR-Tools adapter against the rules: on random homes around Seoul, every plan it
proposes is feasible (inside the shift, never faster than the speed, units back by the
end, visits by tier with the gap), and the same request gives the same plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikimi.cases.orders import load_pack
from jikimi.patrols.rules import (
    Home,
    Point,
    Reason,
    Shift,
    StraightLine,
    Unit,
    policy_from,
    violations,
    visit_windows,
)
from jikimi.patrols.solver import solve

POLICY = policy_from(load_pack().patrol)
START = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
SEARCH = {"time_limit_s": 2.0, "solution_limit": 30}  # small instances: a short search

seoul = st.builds(
    Point, st.floats(37.45, 37.65, allow_nan=False), st.floats(126.85, 127.15, allow_nan=False)
)
tiers = st.sampled_from(["very_high", "high"])


@st.composite
def requests(draw: st.DrawFn) -> tuple[list[Home], list[Unit], Shift, int]:
    """A few homes, one or two units, a shift of one to ten hours, a seed."""
    n = draw(st.integers(1, 7))
    homes = []
    for i in range(n):
        tier = draw(tiers)
        homes.append(Home(f"c{i}", tier, draw(seoul), POLICY.visits[tier], draw(st.booleans())))
    units = [Unit(f"u{i}", draw(seoul)) for i in range(draw(st.integers(1, 2)))]
    minutes = draw(st.integers(60, 600))
    shift = Shift(
        START,
        START + timedelta(minutes=minutes),
        draw(st.integers(5, 30)),
        draw(st.sampled_from([20.0, 30.0, 50.0])),
    )
    return homes, units, shift, draw(st.integers(0, 1000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_plan_the_solver_proposes_is_feasible(
    request: tuple[list[Home], list[Unit], Shift, int],
) -> None:
    homes, units, shift, seed = request
    travel = StraightLine(shift.speed_kmh)
    windows = visit_windows(homes, shift, POLICY, seed)
    plan = solve(homes, units, shift, windows, POLICY, travel, **SEARCH)
    assert violations(plan, homes, shift, POLICY, travel) == []
    for route in plan.routes:
        for stop in route.stops:
            lo, hi = windows[(stop.case_id, stop.visit)]
            offset = (stop.arrive_at - shift.start).total_seconds()
            assert lo <= offset <= hi


def test_the_same_request_gives_the_same_plan_and_another_seed_other_times() -> None:
    homes = [
        Home("a", "very_high", Point(37.5563, 126.9236), 2),
        Home("b", "high", Point(37.5509, 126.9410), 1),
        Home("c", "high", Point(37.5612, 126.9080), 1),
    ]
    units = [Unit("순찰1", Point(37.5519, 126.9543))]
    shift = Shift(START, START + timedelta(hours=8), 10, 30)
    travel = StraightLine(30)

    def arrivals(seed: int) -> list[tuple[str, datetime]]:
        windows = visit_windows(homes, shift, POLICY, seed)
        plan = solve(homes, units, shift, windows, POLICY, travel, **SEARCH)
        return [(s.case_id, s.arrive_at) for s in plan.routes[0].stops]

    assert arrivals(1) == arrivals(1)
    assert sorted(arrivals(1)) != sorted(arrivals(2))


def test_when_not_all_fit_the_higher_tier_is_covered_first() -> None:
    far = Point(37.64, 127.14)
    homes = [Home("high", "high", far, 1), Home("very", "very_high", Point(37.45, 126.86), 2)]
    units = [Unit("1", Point(37.55, 127.0))]
    shift = Shift(START, START + timedelta(minutes=200), 10, 30)
    travel = StraightLine(30)
    windows = visit_windows(homes, shift, POLICY, 0)
    plan = solve(homes, units, shift, windows, POLICY, travel, **SEARCH)
    assert [s.case_id for s in plan.routes[0].stops] == ["very", "very"]
    assert [(u.case_id, u.reason) for u in plan.unvisited] == [("high", Reason.NOT_FITTED)]
    assert violations(plan, homes, shift, POLICY, travel) == []
