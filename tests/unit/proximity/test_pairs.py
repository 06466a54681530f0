"""A batch's rows and pairs for the rules: a device with one fix in the batch takes a short
path (most devices, most batches). It must give the very rows and pairs, in the same order,
as the general path, whatever the bans, places, devices and the other side's fixes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.ports import LoggedFix
from jikimi.proximity.counterparts import Counterparts
from jikimi.proximity.pairs import ANKLET, make_pairs
from jikimi.proximity.rules import Rules
from jikimi.proximity.rules.watch import Ban, CaseGeo, Place

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KIND = load_pack("kr").get("stalking.provisional.2")
ANKLETS = ("em0", "em1", "em2")
PHONES = ("ph0", "ph1", "ph2")
# Few instants, so fixes meet at the same time and exactly at the 300 s freshness limit.
TIMES = (-700, -400, -300, -100, -1, 0, 30, 60, 120)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


bans = st.lists(
    st.builds(
        lambda start, length, revoked, radius, warn: Ban(
            OrderWindow(
                KIND, at(start), at(start + length), None if revoked is None else at(revoked)
            ),
            radius,
            warn,
        ),
        st.integers(-600, 60),
        st.integers(1, 900),
        st.none() | st.integers(-60, 120),
        st.sampled_from([100.0, 200.0]),
        st.sampled_from([0.0, 1000.0]),
    ),
    max_size=2,
)
places = st.lists(
    st.builds(
        lambda k, lat, lon: Place(f"addr{k}", f"place {k}", lat, lon),
        st.integers(0, 3),
        st.floats(37.4, 37.6),
        st.floats(126.9, 127.1),
    ),
    max_size=3,
    unique_by=lambda p: p.key,
)


@st.composite
def cases(draw: st.DrawFn, n: int) -> dict[str, CaseGeo]:
    out = {}
    for k in range(n):
        out[f"c{k}"] = CaseGeo(
            f"c{k}",
            "a",
            "v",
            "p",
            tuple(draw(bans)),
            (),
            tuple(draw(places)),
            tuple(draw(st.lists(st.sampled_from(PHONES), max_size=2, unique=True))),
            tuple(draw(st.lists(st.sampled_from(ANKLETS), max_size=2, unique=True))),
        )
    return out


def fixes(devices: tuple[str, ...], max_size: int) -> st.SearchStrategy[list[LoggedFix]]:
    return st.lists(
        st.builds(
            lambda d, s, lat: LoggedFix(0, d, at(s), lat, 127.0, 10.0),
            st.sampled_from(devices),
            st.sampled_from(TIMES),
            st.floats(37.4, 37.6),
        ),
        max_size=max_size,
    )


@settings(max_examples=300, deadline=None)
@given(
    geo=cases(3),
    links=st.dictionaries(
        st.sampled_from(ANKLETS + PHONES + ("unknown",)),
        st.lists(st.sampled_from(["c0", "c1", "c2", "gone"]), max_size=3, unique=True),
    ),
    batch=fixes(ANKLETS + PHONES + ("unknown",), 12),
    other=fixes(ANKLETS + PHONES, 12),
)
def test_a_device_s_only_fix_gives_the_pairs_the_general_path_gives(
    geo: dict[str, CaseGeo],
    links: dict[str, list[str]],
    batch: list[LoggedFix],
    other: list[LoggedFix],
) -> None:
    devices = {d: (ANKLET if d.startswith("em") else "victim_phone", cs) for d, cs in links.items()}
    batch = [
        LoggedFix(i + 1, f.device_id, f.recorded_at, f.lat, f.lon, 10.0)
        for i, f in enumerate(batch)
    ]
    t = [f.recorded_at.timestamp() for f in batch]
    rules = Rules()
    fast = make_pairs(batch, t, devices, geo, Counterparts(other + batch), rules)
    general = make_pairs(
        batch, t, devices, geo, Counterparts(other + batch), rules, one_fix_path=False
    )
    assert asdict(fast) == asdict(general)


def test_an_anklet_s_only_fix_meets_a_fresh_victim_fix_and_not_a_stale_one() -> None:
    """The short path on its own: one anklet fix, the victim's phone's fixes 100 s and
    400 s before it: the 100 s one is the victim's moving zone; 300 s is the limit, and
    counts."""
    home = Place("home", "home", 37.5, 127.0)
    ban = Ban(OrderWindow(KIND, at(-3600), at(3600)), 100.0, 1000.0)
    g = CaseGeo("c0", "a", "v", "p", (ban,), (), (home,), ("ph0",), ("em0",))
    anklet_fixes = [LoggedFix(9, "em0", at(0), 37.51, 127.0, 10.0)]
    phone_fixes = [
        LoggedFix(1, "ph0", at(-400), 37.52, 127.0, 10.0),
        LoggedFix(2, "ph0", at(-100), 37.53, 127.0, 10.0),
    ]
    devices = {"em0": (ANKLET, ["c0"])}
    pairs = make_pairs(
        anklet_fixes, [at(0).timestamp()], devices, {"c0": g}, Counterparts(phone_fixes), Rules()
    )
    assert pairs.track == ["c0:em0"]
    assert pairs.zone == ["home", "victim"]
    assert pairs.zone_lat == [37.5, 37.53]
    assert pairs.label == {"home": "home"}
    stale = make_pairs(
        anklet_fixes,
        [at(0).timestamp()],
        devices,
        {"c0": g},
        Counterparts(phone_fixes[:1]),
        Rules(),
    )
    assert stale.zone == ["home"]
    limit = [LoggedFix(3, "ph0", at(-300), 37.54, 127.0, 10.0)]
    edge = make_pairs(
        anklet_fixes, [at(0).timestamp()], devices, {"c0": g}, Counterparts(limit), Rules()
    )
    assert edge.zone_lat == [37.5, 37.54]
