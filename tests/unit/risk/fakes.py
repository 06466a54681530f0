"""A fake of the risk port: assessments, histories and re-score marks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from jikimi.ports import Override, StoredAssessment
from jikimi.risk.rules import Assessment, History

if TYPE_CHECKING:
    from tests.unit.fakes import State


class FakeRisk:
    """Assessments and re-score marks over `State`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def mark_rescore_due(self, case_id: str, at: datetime) -> None:
        """Mark the case."""
        self.state.rescore_due[case_id] = at

    def rescore_due(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Marked cases but `skip`, oldest mark first."""
        due = [c for c in self.state.rescore_due if c not in skip]
        return sorted(due, key=self.state.rescore_due.__getitem__)[:limit]

    def claim_rescores(self, case_ids: Collection[str]) -> list[str]:
        """Those still marked."""
        return [c for c in case_ids if c in self.state.rescore_due]

    def clear_rescore_due(self, case_id: str) -> None:
        """Unmark."""
        self.state.rescore_due.pop(case_id, None)

    def latest(self, case_id: str) -> StoredAssessment | None:
        """The latest assessment."""
        done = self.state.assessments.get(case_id)
        return done[-1] if done else None

    def history(self, case_id: str, now: datetime) -> History:
        """The history the test set."""
        return self.state.histories.get(case_id, History())

    def add(
        self,
        case_id: str,
        assessment: Assessment,
        source: StoredAssessment,
        at: datetime,
        override: Override | None,
    ) -> str:
        """Append a re-score."""
        done = self.state.assessments.setdefault(case_id, [])
        row = StoredAssessment(
            f"ra-{len(done) + 1}", case_id, assessment.tier, source.answers, source.note, override
        )
        done.append(row)
        return row.id
