"""Commands of the risk feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from jikimi.core.claims import Claims
from jikimi.risk.ports import RiskScorer


@dataclass(frozen=True)
class RescoreCases:
    """Re-assess cases whose history changed, with their last answers and note."""

    scorer: RiskScorer
    limit: int = 50
    claims: Claims = field(default_factory=Claims)
