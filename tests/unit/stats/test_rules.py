"""The caseload's rules: the pack's weights, officers' loads, agencies against the
national average, and the greedy moves (property-tested: never across agencies, each one
strictly reduces its agency's spread and never widens its range)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.cases.orders import load_pack
from jikimi.stats.rules import (
    Move,
    Officer,
    OpenCase,
    agency_loads,
    movable,
    national_average,
    officer_loads,
    officers_needed,
    spread,
    suggest_moves,
    weights_from,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
W = weights_from(load_pack("kr").caseload)


def test_the_packs_weights() -> None:
    """Tier carries most of the load; each task due this week adds a point."""
    assert W.tier_points == {"very_high": 4, "high": 3, "medium": 2, "low": 1}
    assert W.of(None, 0) == W.of("medium", 0) == 2
    assert W.of("very_high", 3) == 7
    assert W.task_window == timedelta(days=7)
    assert W.pinned_within == timedelta(hours=24)


@pytest.mark.parametrize(
    "broken",
    [
        {"tier_points": {"low": 1}},
        {"tier_points": {"very_high": 4, "high": 3, "medium": 2, "low": 0}},
        {"unassessed_points": True},
        {"task_points": -1},
        {"task_window_days": 0},
        {"max_suggestions_per_agency": "10"},
    ],
)
def test_a_broken_caseload_section_is_refused(broken: dict[str, object]) -> None:
    """A pack with missing or nonsensical weights fails at start-up, naming the key."""
    with pytest.raises(ValueError, match="caseload"):
        weights_from({**load_pack("kr").caseload, **broken})


def test_the_national_assemblys_figures() -> None:
    """Seoul 135 per officer, Gangwon 46.5: 228 cases over 3 officers is 76 nationally;
    Seoul needs one more officer to get there, Gangwon none."""
    officers = [Officer("s1", "seoul"), Officer("g1", "gangwon"), Officer("g2", "gangwon")]
    cases = [OpenCase(f"s{i}", "seoul", ("s1",), None) for i in range(135)]
    cases += [OpenCase(f"g{i}", "gangwon", ("g1" if i < 80 else "g2",), None) for i in range(93)]
    rows = {a.agency: a for a in agency_loads(officers, cases)}
    assert rows["seoul"].cases_per_officer == 135.0
    assert rows["gangwon"].cases_per_officer == 46.5
    assert (rows["seoul"].officers_needed, rows["gangwon"].officers_needed) == (1, 0)
    assert national_average({"seoul": 1, "gangwon": 2}, {"seoul": 135, "gangwon": 93}) == 76.0


@pytest.mark.parametrize(
    ("cases", "officers", "average", "needed"),
    [
        (135, 1, 89.5, 1),  # 135 / 2 = 67.5 <= 89.5
        (270, 2, 90.0, 1),  # exactly 3 officers reach 90
        (46, 1, 89.5, 0),
        (0, 0, 89.5, 0),
        (5, 0, 89.5, 1),  # an agency with cases and no officer
        (5, 0, None, None),
    ],
)
def test_officers_needed(cases: int, officers: int, average: float | None, needed: int) -> None:
    """The fewest officers at or under the average, less those the agency has."""
    assert officers_needed(cases, officers, average) == needed


def test_an_agency_with_no_officer_has_no_cases_per_officer() -> None:
    """Its cases still count nationally (3 cases, 1 officer: 3 each); it needs one."""
    rows = agency_loads([Officer("a", "x")], [OpenCase("c1", "y", (), "high")] * 3)
    assert [(r.agency, r.cases_per_officer, r.officers_needed) for r in rows] == [
        ("x", 0.0, 0),
        ("y", None, 1),
    ]


def test_loads_count_tier_and_tasks_and_skip_other_agencies_officers() -> None:
    """A case with two officers weighs on both; a case assigned to an officer of another
    agency (or a suspended one, absent from the officers) weighs on no one."""
    officers = [Officer("a", "x"), Officer("b", "x")]
    cases = [
        OpenCase("c1", "x", ("a", "b"), "very_high", tasks_due_7d=2, tasks_overdue=1),
        OpenCase("c2", "x", ("a",), "low"),
        OpenCase("c3", "x", ("gone",), "high"),
        OpenCase("c4", "y", ("a",), "high"),
    ]
    loads = {x.officer_id: x for x in officer_loads(officers, cases, W)}
    assert (loads["a"].open_cases, loads["a"].weighted_load) == (2, 4 + 3 + 1)
    assert (loads["b"].weighted_load, loads["b"].tasks_overdue, loads["b"].tasks_due_7d) == (
        7,
        1,
        2,
    )


@pytest.mark.parametrize(
    ("case", "free"),
    [
        (OpenCase("c", "x", ("a",), "high"), True),
        (OpenCase("c", "x", ("a",), "high", open_alerts=1), False),
        (OpenCase("c", "x", ("a",), "high", tasks_overdue=1), False),
        (OpenCase("c", "x", ("a", "b"), "high"), False),
        (OpenCase("c", "x", (), "high"), False),
        (OpenCase("c", "x", ("a",), "high", next_task_due_at=NOW + timedelta(hours=23)), False),
        (OpenCase("c", "x", ("a",), "high", next_task_due_at=NOW + timedelta(hours=24)), True),
    ],
)
def test_which_cases_may_move(case: OpenCase, free: bool) -> None:
    """Never one with an open alert, one overdue or due within 24 hours, or shared."""
    assert movable(case, W, NOW) is free


def test_a_move_says_why_in_words() -> None:
    """The reason names both loads before and after, the case's weight and its tier."""
    officers = [Officer("a", "x"), Officer("b", "x")]
    cases = [OpenCase(f"c{i}", "x", ("a",), "high", tasks_due_7d=1) for i in range(3)]
    (first, *_) = suggest_moves(officers, cases, W, NOW)
    assert (first.from_load, first.to_load, first.points) == (12, 0, 4)
    assert "carries 12 load points and the least loaded 0" in first.reason
    assert "brings them to 8 and 4" in first.reason
    assert "risk tier high, 1 task(s) due within 7 days" in first.reason
    assert "no task due within 24 hours" in first.reason


def test_no_move_when_none_narrows_the_gap() -> None:
    """A single heavy case cannot be split: moving it would only swap the two loads."""
    officers = [Officer("a", "x"), Officer("b", "x")]
    assert suggest_moves(officers, [OpenCase("c", "x", ("a",), "very_high")], W, NOW) == []


AGENCIES = st.sampled_from(["seoul", "busan", "gangwon"])
TIERS = st.sampled_from([None, "low", "medium", "high", "very_high"])


@st.composite
def caseloads(draw: st.DrawFn) -> tuple[list[Officer], list[OpenCase]]:
    """Officers of a few agencies and open cases among them, some pinned, some shared."""
    officers = [
        Officer(f"o{i}", draw(AGENCIES)) for i in range(draw(st.integers(min_value=1, max_value=8)))
    ]
    cases = []
    for i in range(draw(st.integers(min_value=0, max_value=60))):
        agency = draw(AGENCIES)
        mine = [o.officer_id for o in officers if o.agency == agency] or ["nobody"]
        held = tuple(draw(st.lists(st.sampled_from(mine), min_size=0, max_size=2, unique=True)))
        hours = draw(st.none() | st.integers(min_value=-48, max_value=24 * 14))
        cases.append(
            OpenCase(
                f"c{i:03d}",
                agency,
                held,
                draw(TIERS),
                open_alerts=draw(st.integers(min_value=0, max_value=1)),
                tasks_overdue=int(hours is not None and hours < 0),
                tasks_due_7d=draw(st.integers(min_value=0, max_value=3)),
                next_task_due_at=None if hours is None else NOW + timedelta(hours=hours),
            )
        )
    return officers, cases


def _replay(officers: list[Officer], cases: list[OpenCase], moves: list[Move]) -> None:
    """Apply the moves one by one, checking each against the loads it was made from."""
    load = {x.officer_id: x.weighted_load for x in officer_loads(officers, cases, W)}
    agency_of = {o.officer_id: o.agency for o in officers}
    by_id = {c.case_id: c for c in cases}
    for m in moves:
        case = by_id[m.case_id]
        assert agency_of[m.from_officer_id] == agency_of[m.to_officer_id] == case.agency
        assert case.officer_ids == (m.from_officer_id,)
        assert movable(case, W, NOW)
        same = [v for o, v in load.items() if agency_of[o] == case.agency]
        before, low, high = spread(same), min(same), max(same)
        assert (m.from_load, m.to_load) == (load[m.from_officer_id], load[m.to_officer_id])
        assert (load[m.from_officer_id], load[m.to_officer_id]) == (high, low)
        load[m.from_officer_id] -= m.points
        load[m.to_officer_id] += m.points
        after = [v for o, v in load.items() if agency_of[o] == case.agency]
        assert spread(after) < before
        assert low <= min(after)
        assert max(after) <= high
        assert abs(load[m.from_officer_id] - load[m.to_officer_id]) < high - low


@settings(max_examples=300, deadline=None)
@given(caseloads())
def test_moves_stay_in_one_agency_and_each_reduces_the_spread(
    drawn: tuple[list[Officer], list[OpenCase]],
) -> None:
    """Whatever the caseloads: every move is between two officers of the case's agency,
    from its most to its least loaded, of a case that may move, at most once per case
    and ten per agency; each narrows the pair's gap and lowers the agency's spread."""
    officers, cases = drawn
    moves = suggest_moves(officers, cases, W, NOW)
    _replay(officers, cases, moves)
    assert len({m.case_id for m in moves}) == len(moves)
    for agency in {m.agency for m in moves}:
        assert sum(m.agency == agency for m in moves) <= W.max_suggestions
    assert suggest_moves(officers, cases, W, NOW) == moves  # the same input, the same moves
