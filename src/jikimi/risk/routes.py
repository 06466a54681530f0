"""Risk assessments: score, override, history, and the model card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.http.deps import CaseStaff, ContainerDep, Officer, RiskReaders
from jikimi.risk.model_card import public_card
from jikimi.risk.rules import Tier
from jikimi.risk.schemas import (
    RiskAssessmentCreate,
    RiskAssessmentPage,
    RiskAssessmentRead,
    RiskOverrideCreate,
)
from jikimi.risk.service import RiskReading, RiskWork

router = APIRouter(prefix="/api/v1", tags=["risk"])
RISK_PLOTS = "/risk-model/plots"  # where the app serves the model card's plots


@router.post(
    "/cases/{case_id}/risk-assessments", status_code=201, response_model=RiskAssessmentRead
)
def create_assessment(
    case_id: str, body: RiskAssessmentCreate, p: Officer, work: RiskWork
) -> dict[str, Any]:
    """Score the questionnaire and note with the case's history: the probability of
    serious re-offending within 90 days, its tier and the factors that drove it."""
    return work.assess(p, case_id, body.answers.model_dump(exclude_none=True), body.note)


@router.post("/risk-assessments/{assessment_id}/override", response_model=RiskAssessmentRead)
def override_assessment(
    assessment_id: str, body: RiskOverrideCreate, p: Officer, work: RiskWork
) -> dict[str, Any]:
    """Raise (or confirm) the latest assessment's tier with a reason; a tier below the
    computed one is a 422, an assessment that is no longer the latest a 409."""
    return work.override(p, assessment_id, Tier(body.tier), body.reason)


@router.get("/cases/{case_id}/risk-assessments", response_model=RiskAssessmentPage)
def list_assessments(case_id: str, p: CaseStaff, work: RiskReading) -> dict[str, Any]:
    """The case's assessments, newest first (a dispatcher sees no answers and no note)."""
    return work.history(p, case_id)


@router.get("/risk/model")
def model_card(p: RiskReaders, c: ContainerDep) -> dict[str, Any]:
    """The scoring model's card: what it is, how it was validated, its plots (no
    personal data)."""
    urls = [f"{RISK_PLOTS}/{name}" for name in c.risk_plots]
    return {**public_card(c.scorer.card()), "version": c.scorer.version, "plot_urls": urls}
