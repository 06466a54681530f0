"""Caches that threads share: cachetools' caches (token -> principal, token -> signing
key, what the proximity judge read of cases, anklet serials) behind one lock each."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

import cachetools

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedCache(Generic[K, V]):
    """A cachetools cache for several threads: cachetools' caches are not thread-safe, so
    every call holds this cache's lock. It also forgets everything when the version of
    the data it is shown moves (`sync`). Without a cache (`None`) it remembers nothing."""

    def __init__(self, cache: cachetools.Cache[K, V] | None) -> None:
        self._cache = cache
        self._lock = threading.Lock()
        self.version: Hashable = None

    def get(self, key: K) -> V | None:
        """The value, if present and fresh."""
        if self._cache is None:
            return None
        with self._lock:
            return self._cache.get(key)

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The fresh values of these keys (missing and stale ones left out)."""
        if self._cache is None:
            return {}
        out: dict[K, V] = {}
        with self._lock:
            for key in keys:
                try:
                    out[key] = self._cache[key]
                except KeyError:
                    continue
        return out

    def put(self, key: K, value: V) -> None:
        """Remember `value` for the cache's time."""
        if self._cache is None:
            return
        with self._lock:
            self._cache[key] = value

    def put_many(self, values: Mapping[K, V], *, read_at: Hashable = None) -> None:
        """`put` for several; with `read_at`, only if the data is still at that version
        (what was read before a newer version was seen is not kept)."""
        if self._cache is None:
            return
        with self._lock:
            if read_at is not None and read_at != self.version:
                return
            for key, value in values.items():
                self._cache[key] = value

    def discard(self, key: K) -> None:
        """Forget one entry (a console sign-in that was just ended)."""
        if self._cache is None:
            return
        with self._lock:
            self._cache.pop(key, None)

    def clear(self) -> None:
        """Forget everything (e.g. after a token is revoked in this process)."""
        if self._cache is None:
            return
        with self._lock:
            self._cache.clear()

    def sync(self, version: Hashable) -> None:
        """The data's current version: entries read at another version are dropped."""
        with self._lock:
            if version != self.version:
                if self._cache is not None:
                    self._cache.clear()
                self.version = version


def ttl_cache(
    ttl: float, size: int = 10_000, timer: Callable[[], float] = time.monotonic
) -> SharedCache[K, V]:
    """Entries live `ttl` seconds, at most `size` of them (the least recently used go
    first); with `ttl` 0 nothing is remembered (JIKIMI_AUTH_CACHE_S=0: every request is
    checked)."""
    return SharedCache(cachetools.TTLCache(size, ttl, timer) if ttl > 0 else None)


def spread_ttl_cache(
    ttl: float,
    size: int = 200_000,
    timer: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> SharedCache[K, V]:
    """Entries live between half of `ttl` and `ttl` seconds, drawn at random, so what was
    read in one go is not all read again in one go: the proximity judge reads every case
    of a city in its first batch, and with one expiry for all it would read them all
    again in one batch a minute later, every minute, in the middle of the feed's load."""
    draw = (rng or random.Random()).random

    def expires(_key: K, _value: V, now: float) -> float:
        return now + ttl * (1 - 0.5 * draw())

    return SharedCache(cachetools.TLRUCache(size, expires, timer))
