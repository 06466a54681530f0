"""Commands of the risk feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.risk.ports import RiskScorer


@dataclass(frozen=True)
class RescoreCases:
    """Re-assess cases whose history changed, with their last answers and note."""

    scorer: RiskScorer
    limit: int = 50
