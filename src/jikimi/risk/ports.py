"""Risk: the scorer, and the assessments and re-score marks the store keeps."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from jikimi.risk.rules import Answers, Assessment, History, Tier


class RiskScorer(Protocol):
    """Scores a questionnaire, a note and the case's history (`jikimi.risk.scorer.Scorer`,
    or the checklist fallback in `jikimi.risk.rules`)."""

    version: str

    def score(self, answers: Answers, note: str | None, history: History) -> Assessment:
        """The probability, tier, top factors and model version."""
        ...

    def card(self) -> dict[str, Any]:
        """The model card (no personal data)."""
        ...


@dataclass(frozen=True)
class Override:
    """An officer's raised tier and why."""

    tier: Tier
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StoredAssessment:
    """The latest assessment of a case: what a re-score starts from."""

    id: str
    case_id: str
    tier: Tier
    answers: dict[str, bool | int | None]
    note: str | None
    override: Override | None


class RiskRepository(Protocol):
    """Risk assessments and the durable "re-score due" marks."""

    def mark_rescore_due(self, case_id: str, at: datetime) -> None:
        """The case's history changed: re-score it (commits with the alert)."""
        ...

    def rescore_due(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Cases waiting for a re-score, oldest mark first (not claimed); none of `skip`."""
        ...

    def claim_rescores(self, case_ids: Collection[str]) -> list[str]:
        """Of these cases, those still waiting for a re-score (another worker may have
        done it meanwhile), claimed for this transaction, in the order given."""
        ...

    def clear_rescore_due(self, case_id: str) -> None:
        """The re-score is written."""
        ...

    def latest(self, case_id: str) -> StoredAssessment | None:
        """The case's latest assessment."""
        ...

    def history(self, case_id: str, now: datetime) -> History:
        """What Jikimi knows of the case now: reports, violations, extensions."""
        ...

    def add(
        self,
        case_id: str,
        assessment: Assessment,
        source: StoredAssessment,
        at: datetime,
        override: Override | None,
    ) -> str:
        """Store a re-score (trigger `rescore`) with `source`'s answers and note."""
        ...
