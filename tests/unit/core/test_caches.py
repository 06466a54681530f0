"""The shared caches: entries live their time and no longer; the judge's cache of cases
lets what it read in one go expire spread over time, not all at once; a new version of
the data forgets everything, and what was read before it is not kept."""

from __future__ import annotations

import random

from jikimi.core.caches import SharedCache, spread_ttl_cache, ttl_cache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_its_time_and_no_longer() -> None:
    clock = Clock()
    cache: SharedCache[str, int] = ttl_cache(10.0, timer=clock)
    cache.put("a", 1)
    cache.put_many({"b": 2, "c": 3})
    clock.now = 9.99
    assert cache.get("a") == 1
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "b": 2, "c": 3}
    clock.now = 10.0
    assert cache.get("a") is None
    assert cache.get_many(["b", "c"]) == {}


def test_a_full_cache_lets_the_least_recently_used_go() -> None:
    clock = Clock()
    cache: SharedCache[str, int] = ttl_cache(10.0, size=2, timer=clock)
    cache.put_many({"a": 1, "b": 2})
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_no_time_to_live_remembers_nothing() -> None:
    """JIKIMI_AUTH_CACHE_S=0: every request checks its token again."""
    cache: SharedCache[str, int] = ttl_cache(0)
    cache.put("a", 1)
    cache.put_many({"b": 2})
    assert cache.get("a") is None
    assert cache.get_many(["a", "b"]) == {}


def test_one_entry_can_be_forgotten() -> None:
    cache: SharedCache[str, int] = ttl_cache(10.0, timer=Clock())
    cache.put_many({"a": 1, "b": 2})
    cache.discard("a")
    cache.discard("never there")
    assert cache.get_many(["a", "b"]) == {"b": 2}


def test_cases_read_in_one_go_expire_spread_over_the_last_half_of_their_time() -> None:
    clock = Clock()
    cache: SharedCache[int, int] = spread_ttl_cache(60.0, timer=clock, rng=random.Random(7))
    keys = list(range(1000))
    cache.put_many({k: k for k in keys})
    clock.now = 29.99  # none before half their time
    assert len(cache.get_many(keys)) == 1000
    clock.now = 45.0  # about half of them by three quarters
    assert 350 <= len(cache.get_many(keys)) <= 650
    clock.now = 60.0  # all by their full time
    assert cache.get_many(keys) == {}


def test_a_new_version_forgets_everything() -> None:
    cache: SharedCache[str, int] = spread_ttl_cache(60.0, timer=Clock())
    cache.sync(1)
    cache.put_many({"case:a": 1})
    cache.sync(1)
    assert cache.get_many(["case:a"]) == {"case:a": 1}
    cache.sync(2)
    assert cache.get_many(["case:a"]) == {}


def test_what_was_read_before_a_newer_version_was_seen_is_not_kept() -> None:
    """One request read the old stamp and looked its serials up; meanwhile another saw a
    new binding's stamp: the first one's answers are not remembered."""
    cache: SharedCache[str, int] = ttl_cache(10.0, timer=Clock())
    cache.sync("old")
    cache.sync("new")
    cache.put_many({"EM-1": 1}, read_at="old")
    assert cache.get_many(["EM-1"]) == {}
    cache.put_many({"EM-1": 2}, read_at="new")
    assert cache.get_many(["EM-1"]) == {"EM-1": 2}
