"""The risk assessments of cases.

The officer's answers and consultation note, and the reason for an override, are
sensitive personal data: they are sealed like names and addresses. So are the factors:
their names are the answers that drove the score ("strangulation"). Probability, tier and
model version stay readable (the tier drives alert severity in plain SQL).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


class RiskAssessmentRow(Base):
    """One assessment: by an officer (`officer`) or by Jikimi after a violation (`rescore`)."""

    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_assessments_case_time", "case_id", "assessed_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    answers_sealed: Mapped[str] = mapped_column("answers", Text())  # JSON
    answers = SealedRequired("answers_sealed", str)
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    note = Sealed("note_sealed", str)
    probability: Mapped[float] = mapped_column(Float())
    tier: Mapped[str] = mapped_column(String(10))
    factors_sealed: Mapped[str] = mapped_column("factors", Text())  # JSON
    factors_json = SealedRequired("factors_sealed", str)
    model_version: Mapped[str] = mapped_column(String(100))
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assessed_by: Mapped[str | None] = mapped_column(String(200))  # None: Jikimi re-scored
    trigger: Mapped[str] = mapped_column(String(10))  # officer | rescore
    override_tier: Mapped[str | None] = mapped_column(String(10))
    override_reason_sealed: Mapped[str | None] = mapped_column("override_reason", Text())
    override_reason = Sealed("override_reason_sealed", str)
    override_by: Mapped[str | None] = mapped_column(String(200))
    override_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def factors(self) -> list[dict[str, Any]]:
        """The factors, `[{"name", "contribution"}]`, strongest first."""
        value: list[dict[str, Any]] = json.loads(self.factors_json)
        return value
