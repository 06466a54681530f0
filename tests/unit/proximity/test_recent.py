"""The judge's memory of an anklet's newest fixes answers the victim's phone's question (the
anklet's newest fix at most 300 s old at or before the phone fix's time) exactly as the
whole log would, or declines and lets the log answer: never a wrong answer, whatever order
the pings came in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.ports import LoggedFix
from jikimi.proximity.recent import RecentFixes

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MAX_AGE = 300.0


def fix(seq: int, at_s: float, device: str = "em1") -> LoggedFix:
    return LoggedFix(seq, device, T0 + timedelta(seconds=at_s), 37.5, 127.0, 10.0)


def newest_fresh(fixes: list[LoggedFix], device: str, at: datetime) -> LoggedFix | None:
    """The answer straight from the log: the device's newest fix at or before `at`, fresh."""
    fresh = [
        f
        for f in fixes
        if f.device_id == device and at - timedelta(seconds=MAX_AGE) <= f.recorded_at <= at
    ]
    return max(fresh, key=lambda f: f.recorded_at, default=None)


def test_anklet_fixes_in_order_answer_a_victim_fix_from_memory() -> None:
    recent = RecentFixes(per_device=4)
    recent.reset(T0)  # the log held fixes up to T0 when the memory was loaded
    recent.add([fix(i, 10 + i) for i in range(10)])
    known = recent.answers("em1", T0 + timedelta(seconds=19.5), MAX_AGE, [fix(11, 20)])
    assert known is not None
    # The anklet's newest at the victim fix's time, and the batch's later one; nothing older
    # is needed.
    assert sorted(f.seq for f in known) == [9, 11]


def test_memory_declines_what_it_dropped_or_never_saw() -> None:
    recent = RecentFixes(per_device=4)
    assert recent.answers("em1", T0, MAX_AGE, []) is None  # not loaded
    recent.reset(T0)
    recent.add([fix(i, 10 + i) for i in range(10)])
    # A victim fix at 14 s: the anklet's newest then (14 s) was dropped to keep four
    # (16-19 s held).
    assert recent.answers("em1", T0 + timedelta(seconds=14), MAX_AGE, []) is None
    # A victim fix just after the load: an anklet fix before the load may be the newest.
    assert recent.answers("em1", T0 + timedelta(seconds=5), MAX_AGE, []) is None
    # Long after everything held went stale, the memory knows there is none fresh.
    later = T0 + timedelta(seconds=19 + MAX_AGE + 1)
    assert recent.answers("em1", later, MAX_AGE, []) == []
    assert recent.answers("em2", later, MAX_AGE, []) == []  # never reported since the load
    recent.forget()
    assert recent.answers("em1", later, MAX_AGE, []) is None


def test_an_empty_log_at_load_leaves_nothing_unknown() -> None:
    recent = RecentFixes()
    recent.reset(None)
    assert recent.answers("em1", T0, MAX_AGE, []) == []


times = st.floats(min_value=0, max_value=900, allow_nan=False).map(lambda x: round(x, 1))


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(st.tuples(st.sampled_from(["a", "b"]), times), max_size=20),
    batches=st.lists(
        st.lists(st.tuples(st.sampled_from(["a", "b"]), times), max_size=8), max_size=8
    ),
    ask=st.lists(st.tuples(st.sampled_from(["a", "b"]), times, times), min_size=1, max_size=5),
    per_device=st.integers(min_value=1, max_value=6),
)
def test_memory_answers_as_the_log_does_or_declines(
    before: list[tuple[str, float]],
    batches: list[list[tuple[str, float]]],
    ask: list[tuple[str, float, float]],
    per_device: int,
) -> None:
    seq = 0
    log: list[LoggedFix] = []
    seen: set[tuple[str, float]] = set()

    def logged(items: list[tuple[str, float]]) -> list[LoggedFix]:
        nonlocal seq
        out = []
        for device, at in items:
            if (device, at) in seen:  # the log refuses a repeat of (device, recorded_at)
                continue
            seen.add((device, at))
            seq += 1
            out.append(fix(seq, at, device))
        log.extend(out)
        return out

    logged(before)  # in the log before the judge's memory was loaded
    recent = RecentFixes(per_device=per_device)
    recent.reset(max((f.recorded_at for f in log), default=None))
    *judged, current = [*batches, []] if batches else [[]]
    for items in judged:
        recent.add(logged(items))
    batch = logged(current)  # the batch being judged, not yet added
    for device, first_s, later_s in ask:
        first = T0 + timedelta(seconds=first_s)
        own = [f for f in batch if f.device_id == device]
        known = recent.answers(device, first, MAX_AGE, own)
        if known is None:
            continue  # the log answers
        for at in (first, first + timedelta(seconds=later_s)):
            assert newest_fresh(known, device, at) == newest_fresh(log, device, at)
