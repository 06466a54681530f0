"""Commands of the risk feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RescoreCases:
    """Re-assess up to `limit` cases whose history changed, with their last answers and
    note (by the process's risk scorer)."""

    limit: int = 50
