"""The small caches: entries live their time and no longer; the judge's cache of cases
lets what it read in one go expire spread over time, not all at once; a new version of
the data forgets everything."""

from __future__ import annotations

import random

from jikimi.core.ttlcache import TtlCache, VersionedCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_its_time_and_no_longer() -> None:
    clock = Clock()
    cache: TtlCache[str, int] = TtlCache(10.0, clock=clock)
    cache.put("a", 1)
    cache.put_many({"b": 2, "c": 3})
    clock.now = 9.99
    assert cache.get("a") == 1
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "b": 2, "c": 3}
    clock.now = 10.0
    assert cache.get("a") is None
    assert cache.get_many(["b", "c"]) == {}


def test_cases_read_in_one_go_expire_spread_over_the_last_half_of_their_time() -> None:
    clock = Clock()
    cache: VersionedCache[int, int] = VersionedCache(60.0, clock=clock, rng=random.Random(7))
    keys = list(range(1000))
    cache.put_many({k: k for k in keys})
    clock.now = 29.99  # none before half their time
    assert len(cache.get_many(keys)) == 1000
    clock.now = 45.0  # about half of them by three quarters
    assert 350 <= len(cache.get_many(keys)) <= 650
    clock.now = 60.0  # all by their full time
    assert cache.get_many(keys) == {}


def test_a_new_version_forgets_everything() -> None:
    clock = Clock()
    cache: VersionedCache[str, int] = VersionedCache(60.0, clock=clock)
    cache.sync(1)
    cache.put_many({"case:a": 1})
    cache.sync(1)
    assert cache.get_many(["case:a"]) == {"case:a": 1}
    cache.sync(2)
    assert cache.get_many(["case:a"]) == {}
