"""Which approach bans, with which radii, a fix is judged by: those in force at its time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.proximity.rules.watch import Ban, CaseGeo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KIND = load_pack("kr").get("stalking.provisional.2")


def case(*bans: Ban) -> CaseGeo:
    return CaseGeo("c", "a", "v", "p", bans, (), (), (), ())


def ban(
    start_h: float, end_h: float, radius: float, warn: float, revoked_h: float | None = None
) -> Ban:
    revoked = T0 + timedelta(hours=revoked_h) if revoked_h is not None else None
    window = OrderWindow(KIND, T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h), revoked)
    return Ban(window, radius, warn)


def test_the_widest_radii_of_the_bans_in_force_and_none_outside_them() -> None:
    g = case(ban(0, 10, 100, 1000), ban(5, 20, 200, 800))
    assert g.radii_at(T0 - timedelta(hours=1)) is None
    assert g.radii_at(T0 + timedelta(hours=1)) == (100, 1000)
    assert g.radii_at(T0 + timedelta(hours=6)) == (200, 1000)
    assert g.radii_at(T0 + timedelta(hours=15)) == (200, 800)
    assert g.radii_at(T0 + timedelta(hours=25)) is None


def test_a_ban_that_begins_ends_or_is_revoked_inside_a_batch_is_noticed() -> None:
    g = case(ban(5, 20, 100, 1000, revoked_h=12))
    at = lambda h: T0 + timedelta(hours=h)  # noqa: E731
    assert not g.bans_change_between(at(6), at(11))
    assert g.bans_change_between(at(4), at(6))  # begins
    assert g.bans_change_between(at(11), at(13))  # revoked
    assert not g.bans_change_between(at(13), at(19))  # already revoked: nothing changes
    assert g.radii_at(at(13)) is None


hours = st.integers(min_value=0, max_value=30)


@settings(max_examples=300, deadline=None)
@given(
    windows=st.lists(
        st.tuples(hours, hours, st.sampled_from([50, 100, 200]), st.one_of(st.none(), hours)),
        max_size=4,
    ),
    asks=st.lists(st.tuples(hours, hours), min_size=1, max_size=8),
)
def test_radii_and_changes_are_those_of_the_bans_in_force_at_each_instant(
    windows: list[tuple[int, int, int, int | None]], asks: list[tuple[int, int]]
) -> None:
    """Worked out once per span between edges, the answers are still those of each ban
    judged at the instant asked, edges included (a ban counts from its start)."""
    bans = [ban(s, s + d + 1, r, r * 10, revoked) for s, d, r, revoked in windows]
    g = case(*bans)
    for a, b in asks:
        for h in (a, b, a + 0.5):
            at = T0 + timedelta(hours=h)
            live = [x for x in bans if x.window.in_force_at(at)]
            want = (max(x.radius_m for x in live), max(x.warn_m for x in live)) if live else None
            assert g.radii_at(at) == want
            # The judge asks in epoch seconds; a microsecond either side of an edge too.
            for tick in (-1, 0, 1):
                moved = at + timedelta(microseconds=tick)
                assert g.radii_at_ts(moved.timestamp()) == g.radii_at(moved)
        start, end = T0 + timedelta(hours=min(a, b)), T0 + timedelta(hours=max(a, b))
        edges = [
            e
            for x in bans
            for e in (x.window.starts_at, x.window.ends_at, x.window.revoked_at)
            if e is not None
        ]
        assert g.bans_change_between(start, end) == any(start < e <= end for e in edges)
