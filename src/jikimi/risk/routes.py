"""Risk assessments: score, override, history, and the model card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.cases import break_glass
from jikimi.cases import views as queries
from jikimi.http.audit import Audit
from jikimi.http.deps import CaseStaff, ContainerDep, Officer, ReadDb, RiskReaders, WriteDb
from jikimi.risk import records as risk_records
from jikimi.risk.rules import Tier
from jikimi.risk.schemas import (
    RiskAssessmentCreate,
    RiskAssessmentPage,
    RiskAssessmentRead,
    RiskOverrideCreate,
)

router = APIRouter(prefix="/api/v1", tags=["risk"])
RISK_PLOTS = "/risk-model/plots"  # where the app serves the model card's plots


@router.post(
    "/cases/{case_id}/risk-assessments", status_code=201, response_model=RiskAssessmentRead
)
def create_assessment(
    case_id: str, body: RiskAssessmentCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Score the questionnaire and note with the case's history: the probability of
    serious re-offending within 90 days, its tier and the factors that drove it."""
    answers = body.answers.model_dump(exclude_none=True)
    row = risk_records.assess(s, p, c.scorer, case_id, answers, body.note, c.clock.now())
    a.change(s, "create", "risk_assessment", row.id, queries.case_subjects(s, [row.case_id]))
    return risk_records.risk_json(row, full=True)


@router.post("/risk-assessments/{assessment_id}/override", response_model=RiskAssessmentRead)
def override_assessment(
    assessment_id: str, body: RiskOverrideCreate, p: Officer, s: WriteDb, c: ContainerDep, a: Audit
) -> dict[str, Any]:
    """Raise (or confirm) the latest assessment's tier with a reason; a tier below the
    computed one is a 422, an assessment that is no longer the latest a 409."""
    row = risk_records.override(s, p, assessment_id, Tier(body.tier), body.reason, c.clock.now())
    a.change(s, "update", "risk_assessment", row.id, queries.case_subjects(s, [row.case_id]))
    return risk_records.risk_json(row, full=True)


@router.get("/cases/{case_id}/risk-assessments", response_model=RiskAssessmentPage)
def list_assessments(case_id: str, p: CaseStaff, s: ReadDb, a: Audit) -> dict[str, Any]:
    """The case's assessments, newest first (a dispatcher sees no answers and no note)."""
    rows = risk_records.history(s, p, case_id)
    full = risk_records.sees_answers(p)
    out = {"items": [risk_records.risk_json(r, full=full) for r in rows]}
    subjects = queries.case_subjects(s, [case_id])
    a.read("risk_assessment", case_id, subjects, flags=break_glass.case_flags(s, p, case_id))
    return out


@router.get("/risk/model")
def model_card(p: RiskReaders, c: ContainerDep) -> dict[str, Any]:
    """The scoring model's card: what it is, how it was validated, its plots (no
    personal data)."""
    urls = [f"{RISK_PLOTS}/{name}" for name in c.risk_plots]
    return {**c.scorer.card(), "version": c.scorer.version, "plot_urls": urls}
