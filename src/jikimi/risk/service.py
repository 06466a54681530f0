"""Risk assessments: score, override and history, each recorded in the access trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, queries
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.risk import records as risk_records
from jikimi.risk.rules import Tier


class RiskService:
    """A case's assessments on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def assess(
        self, p: Principal, case_id: str, answers: dict[str, Any], note: str | None
    ) -> dict[str, Any]:
        """Score the questionnaire and note with the case's history."""
        s, c = self.s, self.c
        row = risk_records.assess(s, p, c.scorer, case_id, answers, note, c.clock.now())
        subjects = queries.case_subjects(s, [row.case_id])
        self.a.change(s, "create", "risk_assessment", row.id, subjects)
        return risk_records.risk_json(row, full=True)

    def override(self, p: Principal, assessment_id: str, tier: Tier, reason: str) -> dict[str, Any]:
        """Raise (or confirm) the latest assessment's tier with a reason."""
        s = self.s
        row = risk_records.override(s, p, assessment_id, tier, reason, self.c.clock.now())
        subjects = queries.case_subjects(s, [row.case_id])
        self.a.change(s, "update", "risk_assessment", row.id, subjects)
        return risk_records.risk_json(row, full=True)

    def history(self, p: Principal, case_id: str) -> dict[str, Any]:
        """The case's assessments, newest first (a dispatcher sees no answers, no note)."""
        s = self.s
        rows = risk_records.history(s, p, case_id)
        full = risk_records.sees_answers(p)
        out = {"items": [risk_records.risk_json(r, full=full) for r in rows]}
        subjects = queries.case_subjects(s, [case_id])
        flags = break_glass.case_flags(s, p, case_id)
        self.a.read("risk_assessment", case_id, subjects, flags=flags)
        return out


async def risk_reader(s: ReadDb, c: ContainerDep, a: Audit) -> RiskService:
    """Assessments on a read-only session."""
    return RiskService(s, c, a)


async def risk_writer(s: WriteDb, c: ContainerDep, a: Audit) -> RiskService:
    """Assessments on a session that commits before the answer."""
    return RiskService(s, c, a)


RiskReading = Annotated[RiskService, Depends(risk_reader)]
RiskWork = Annotated[RiskService, Depends(risk_writer, scope="function")]
