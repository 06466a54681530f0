"""A small time-limited cache (token -> principal, token -> signing key)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Entries live `ttl` seconds; the cache never holds more than `size` of them.

    `spread`: entries put together live between `ttl * (1 - spread)` and `ttl` seconds,
    drawn at random, so what was read in one go is not all read again in one go.
    """

    def __init__(
        self,
        ttl: float,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        spread: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        self.ttl, self.size, self.clock, self.spread = ttl, size, clock, spread
        self._rng = rng or random.Random()
        self._data: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value, if present and fresh."""
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            if self.clock() >= hit[0]:
                del self._data[key]
                return None
            return hit[1]

    def get_many(self, keys: list[K]) -> dict[K, V]:
        """The fresh values of these keys (missing and stale ones left out)."""
        now = self.clock()
        out: dict[K, V] = {}
        with self._lock:
            for key in keys:
                hit = self._data.get(key)
                if hit is not None and now < hit[0]:
                    out[key] = hit[1]
        return out

    def put_many(self, values: dict[K, V]) -> None:
        """`put` for several."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._data) + len(values) > self.size:
                self._data.clear()
            until = self.clock() + self.ttl
            if not self.spread:
                for key, value in values.items():
                    self._data[key] = (until, value)
                return
            early = self.ttl * self.spread
            for key, value in values.items():
                self._data[key] = (until - early * self._rng.random(), value)

    def put(self, key: K, value: V) -> None:
        """Remember `value` for `ttl` seconds."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (self.clock() + self.ttl, value)

    def discard(self, key: K) -> None:
        """Forget one entry (a session that was just ended)."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget everything (e.g. after a token is revoked in this process)."""
        with self._lock:
            self._data.clear()


class VersionedCache(TtlCache[K, V]):
    """A TtlCache that also forgets everything when a version number it is shown moves
    (what the proximity watch read of cases, against `watch.version`).

    Its entries expire spread over the last half of `ttl`: the judge reads every case of
    a city in its first batch, and with one expiry time for all it read them all again in
    one batch a minute later, every minute (280 ms of CPU in the middle of 10,000 pings
    a second, bench/README.md, ingest)."""

    def __init__(
        self,
        ttl: float,
        size: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(ttl, size, clock, spread=0.5, rng=rng)
        self.version: int | None = None

    def sync(self, version: int) -> None:
        """The data's current version: entries read at another version are dropped."""
        with self._lock:
            if version != self.version:
                self._data.clear()
                self.version = version
