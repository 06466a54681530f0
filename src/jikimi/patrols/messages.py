"""Commands of the patrols feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordMissedPatrols:
    """Record the homes each plan missed once its shift and grace are over, and owe each
    case's officer a `patrol_missed` task (at most `limit` plans per pass)."""

    limit: int = 100
