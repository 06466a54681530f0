"""The patrol rules: which homes a shift owes visits to, the pack's figures, the request's
limits, the seeded windows, and the feasibility check every plan must pass (the solver's
plans are checked against it in test_solver.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jikimi.cases.orders import load_pack
from jikimi.patrols.rules import (
    Candidate,
    Home,
    PatrolRuleError,
    Plan,
    Point,
    Reason,
    Route,
    Shift,
    Stop,
    StraightLine,
    Unit,
    Unvisited,
    check_request,
    homes_to_visit,
    metres,
    missed,
    policy_from,
    violations,
    visit_windows,
)

POLICY = policy_from(load_pack().patrol)
START = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)  # 22:00 KST
SHIFT = Shift(START, START + timedelta(hours=8), 10, 30)
STATION = Point(37.5519, 126.9543)
HOME = Point(37.5563, 126.9236)


def candidate(case_id: str, tier: str | None, **facts: object) -> Candidate:
    """A case with an order in force and a home, unless `facts` say otherwise."""
    base = Candidate(case_id, tier, True, False, False, HOME)
    return replace(base, **facts)  # type: ignore[arg-type]


def test_the_pack_holds_the_figures_and_their_source() -> None:
    assert POLICY.visits == {"very_high": 2, "high": 1}
    assert POLICY.min_gap_minutes == 90
    assert POLICY.stop_minutes == (10, 5, 30)
    assert "Koper" in POLICY.source
    assert POLICY.stations["seoul-mapo"].name == "마포경찰서"


def test_only_patrolled_tiers_with_a_reason_are_owed_visits_highest_first() -> None:
    homes, no_place = homes_to_visit(
        [
            candidate("a", "high"),
            candidate("b", "very_high", order_in_force=False, follow_up_owed=True),
            candidate("c", "high", order_in_force=False, patrol_measure=True),
            candidate("d", "medium"),
            candidate("e", None),
            candidate("f", "very_high", order_in_force=False),  # nothing owes it a patrol
            candidate("g", "very_high", home=None),
            candidate("h", "high", missed_before=True),
        ],
        POLICY,
    )
    assert [(h.case_id, h.visits) for h in homes] == [("h", 1), ("b", 2), ("a", 1), ("c", 1)]
    assert no_place == [Unvisited("g", Reason.NO_HOME_POSITION)]


@pytest.mark.parametrize(
    ("shift", "units", "named"),
    [
        (replace(SHIFT, end=START), [Unit("1", STATION)], "after"),
        (replace(SHIFT, end=START + timedelta(hours=24, seconds=1)), [Unit("1", STATION)], "24"),
        (SHIFT, [], "unit"),
        (replace(SHIFT, stop_minutes=4), [Unit("1", STATION)], "stop_minutes"),
        (replace(SHIFT, stop_minutes=31), [Unit("1", STATION)], "stop_minutes"),
        (replace(SHIFT, speed_kmh=4.9), [Unit("1", STATION)], "speed_kmh"),
        (replace(SHIFT, speed_kmh=131), [Unit("1", STATION)], "speed_kmh"),
    ],
)
def test_a_bad_request_is_refused_naming_why(shift: Shift, units: list[Unit], named: str) -> None:
    with pytest.raises(PatrolRuleError, match=named):
        check_request(shift, units, POLICY)


def test_a_whole_day_with_one_unit_is_a_valid_request() -> None:
    check_request(replace(SHIFT, end=START + timedelta(hours=24)), [Unit("1", STATION)], POLICY)


def test_windows_move_with_the_seed_and_leave_room_for_the_second_visit() -> None:
    homes = [Home(f"c{i}", "very_high", HOME, 2) for i in range(20)]
    one, same, other = (visit_windows(homes, SHIFT, POLICY, seed) for seed in (1, 1, 2))
    assert one == same
    assert one != other
    last = SHIFT.seconds - SHIFT.stop_minutes * 60
    for h in homes:
        lo, hi = one[(h.case_id, 1)]
        assert 0 <= lo <= hi <= last - 90 * 60
        assert hi - lo <= POLICY.window_minutes * 60
        assert one[(h.case_id, 2)] == (lo + 90 * 60, last)


def test_a_shift_too_short_for_two_visits_offers_one() -> None:
    short = replace(SHIFT, end=START + timedelta(minutes=60))
    windows = visit_windows([Home("a", "very_high", HOME, 2)], short, POLICY, 1)
    assert set(windows) == {("a", 1)}


def test_straight_line_travel_rounds_up_at_the_speed() -> None:
    d = metres(STATION, HOME)
    assert 2_600 < d < 2_800  # Aeogae to Hapjeong, about 2.7 km
    assert StraightLine(30).seconds(STATION, HOME) == -(-d // (30 / 3.6))


def _stop(case_id: str, visit: int, minutes: int, place: Point = HOME) -> Stop:
    at = START + timedelta(minutes=minutes)
    return Stop(case_id, visit, place, at, at + timedelta(minutes=10))


def test_a_feasible_plan_breaks_no_rule() -> None:
    homes = [Home("a", "very_high", HOME, 2)]
    plan = Plan((Route(Unit("1", STATION), (_stop("a", 1, 30), _stop("a", 2, 130))),), ())
    assert violations(plan, homes, SHIFT, POLICY, StraightLine(30)) == []


@pytest.mark.parametrize(
    ("stops", "unvisited", "broken"),
    [
        ((_stop("a", 1, 1), _stop("a", 2, 130)), (), "faster than the speed"),
        ((_stop("a", 1, 30), _stop("a", 2, 100)), (), "apart"),
        ((_stop("a", 1, 30),), (), "1 of 2 visits, not listed"),
        ((_stop("a", 1, 30), _stop("a", 2, 130), _stop("a", 3, 250)), (), "3 visits"),
        ((_stop("a", 1, 30), _stop("a", 2, 475)), (), "outside the shift"),
        ((_stop("a", 1, 30), _stop("a", 2, 465)), (), "after the shift's end"),
        ((_stop("a", 1, 30), _stop("b", 1, 200)), (), "owed no visit"),
        ((_stop("a", 1, 30), _stop("a", 2, 130, STATION)), (), "away from the home"),
        (
            (_stop("a", 1, 30), _stop("a", 2, 130)),
            (Unvisited("a", Reason.NOT_FITTED),),
            "listed as unvisited",
        ),
    ],
)
def test_each_broken_rule_is_named(
    stops: tuple[Stop, ...], unvisited: tuple[Unvisited, ...], broken: str
) -> None:
    homes = [Home("a", "very_high", HOME, 2)]
    plan = Plan((Route(Unit("1", STATION), stops),), unvisited)
    assert any(broken in v for v in violations(plan, homes, SHIFT, POLICY, StraightLine(30)))


def test_a_home_short_of_its_planned_visits_is_missed() -> None:
    assert missed({"a": 2, "b": 1, "c": 1}, {"a": 1, "b": 1, "x": 3}) == ["a", "c"]
