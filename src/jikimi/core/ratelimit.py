"""Per-token rate limits (token buckets), answering 429 with Retry-After.

The buckets live in the process: behind a load balancer with N processes a token may make
up to N times the rate. That bounds abuse by a stolen or runaway token well enough; an
exact global limit would need a shared store.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Bucket:
    """Tokens refill at `rate` per second up to `burst`."""

    tokens: float
    stamp: float


class RateLimiter:
    """One bucket per key (a token id)."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one request's token: 0.0 if allowed, else seconds until one is free."""
        now = self.clock()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = Bucket(float(self.burst), now)
                if len(self._buckets) > 100_000:  # forget idle tokens' buckets
                    self._buckets = {k: v for k, v in self._buckets.items() if now - v.stamp < 3600}
            b.tokens = min(self.burst, b.tokens + (now - b.stamp) * self.rate)
            b.stamp = now
            if b.tokens >= 1:
                b.tokens -= 1
                return 0.0
            return (1 - b.tokens) / self.rate


def retry_after(wait: float) -> str:
    """The Retry-After header value (whole seconds, at least 1)."""
    return str(max(1, math.ceil(wait)))
