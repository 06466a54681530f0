"""The live stream never skips a change that commits late (PostgreSQL sequences)."""

from __future__ import annotations

from jikimi.domain.access import Principal, Role
from jikimi.store.tail import TimelineTail

P = Principal(Role.DISPATCHER, token_id="t", agency="seoul-mapo")


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def rows(*seqs: int) -> list[tuple[int, str]]:
    """(seq, alert id) rows as the timeline query returns them."""
    return [(s, f"a{s}") for s in seqs]


def test_an_unbroken_run_is_taken_whole() -> None:
    tail = TimelineTail(P, cursor=10)
    assert [s for s, _ in tail._unbroken(rows(11, 12, 13))] == [11, 12, 13]
    assert not tail.waiting_on_gap


def test_a_hole_is_waited_for_and_the_late_change_is_delivered() -> None:
    clock = Clock()
    tail = TimelineTail(P, cursor=10, gap_wait=3.0, monotonic=clock)
    assert [s for s, _ in tail._unbroken(rows(11, 13, 14))] == [11]
    tail.cursor = 11
    assert tail.waiting_on_gap
    clock.t += 1
    assert tail._unbroken(rows(13, 14)) == []  # 12 is still committing
    clock.t += 1
    assert [s for s, _ in tail._unbroken(rows(12, 13, 14))] == [12, 13, 14]  # it arrived
    assert not tail.waiting_on_gap


def test_a_hole_that_never_fills_is_stepped_over_after_the_wait() -> None:
    clock = Clock()
    tail = TimelineTail(P, cursor=10, gap_wait=3.0, monotonic=clock)
    assert tail._unbroken(rows(12)) == []
    clock.t += 3.5
    assert [s for s, _ in tail._unbroken(rows(12, 13))] == [12, 13]
    assert not tail.waiting_on_gap


def test_a_second_hole_gets_its_own_wait() -> None:
    clock = Clock()
    tail = TimelineTail(P, cursor=10, gap_wait=3.0, monotonic=clock)
    assert tail._unbroken(rows(12)) == []
    clock.t += 3.5
    assert [s for s, _ in tail._unbroken(rows(12, 13, 15))] == [12, 13]
    tail.cursor = 13
    clock.t += 1
    assert tail._unbroken(rows(15)) == []  # 14 gets the full wait, not the old one's
