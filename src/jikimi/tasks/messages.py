"""Commands of the tasks feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanTasks:
    """Write what is owed and not yet written: reviews before orders and safety measures
    end, follow-ups after orders end or decisions, re-counted cadences, overdue tasks
    escalated (at most `limit` of each kind of work per pass)."""

    limit: int = 500
