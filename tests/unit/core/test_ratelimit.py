"""Per-token token buckets: a burst is allowed, a flood is told when to come back."""

from __future__ import annotations

from jikimi.core.ratelimit import RateLimiter, retry_after


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_burst_then_refusal_then_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("a")
    assert wait == 0.5  # one token comes back every half second
    assert retry_after(wait) == "1"
    clock.t += 0.5
    assert limiter.take("a") == 0.0


def test_tokens_do_not_share_a_bucket() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, clock=Clock())
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    assert limiter.take("b") == 0.0
