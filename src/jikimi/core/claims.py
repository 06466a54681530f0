"""What a worker's batches of one inbox took over one pass (every inbox command carries one)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Claims:
    """What a worker's batches of one inbox took over one pass. `passed_over`: rows left
    in the inbox because another transaction holds their victim (a judge elsewhere, or
    one that stalled); the pass claims past them, so the other victims' work is not held
    up, and they wait for the next pass. `claimed`: how much the last batch took (none:
    what is left is another worker's or passed over, so the pass moves on)."""

    passed_over: set[str] = field(default_factory=set)
    claimed: int = 0

    def begin_pass(self) -> None:
        """A new pass tries everything again."""
        self.passed_over.clear()
        self.claimed = 0
