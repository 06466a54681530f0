"""Risk assessments: the questionnaire, the override, what comes back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from jikimi.http.schemas import Out, Strict

TierName = Literal["low", "medium", "high", "very_high"]
YesNo = StrictBool | None


class Answers(Strict):
    """The questionnaire (danger-assessment items). Every answer is optional: missing or
    null is "unknown"."""

    threat_to_kill: YesNo = None
    weapon_threat: YesNo = None
    gun_access: YesNo = None
    strangulation: YesNo = None
    separation: YesNo = None
    escalation: YesNo = None
    stalking_behaviours: Annotated[StrictInt, Field(ge=0, le=10)] | None = Field(
        None, description="distinct stalking behaviours, 0–10"
    )
    jealousy_control: YesNo = None
    substance_abuse: YesNo = None
    unemployed: YesNo = None
    prior_violence: YesNo = None
    children_in_home: YesNo = None
    stepchild: YesNo = None
    victim_fear: Annotated[StrictInt, Field(ge=0, le=5)] | None = Field(
        None, description="the victim's own fear, 0–5"
    )


class RiskAssessmentCreate(Strict):
    """An officer's assessment: the questionnaire and the consultation note."""

    answers: Answers = Field(default_factory=Answers)
    note: StrictStr | None = Field(None, max_length=10_000)


class RiskOverrideCreate(Strict):
    """A raised tier and why (never lower than the computed one)."""

    tier: TierName
    reason: StrictStr = Field(min_length=10, max_length=1000)


class FactorRead(Out):
    """One factor and how much it moved the result."""

    name: str
    contribution: float


class OverrideRead(Out):
    """An officer's override; `reason` only for officers and supervisors."""

    tier: TierName
    reason: str | None
    by: str | None
    at: str | None


class RiskAssessmentRead(Out):
    """One assessment. `answers` and `note` are null for a dispatcher."""

    id: str
    case_id: str
    probability: float
    tier: TierName
    effective_tier: TierName
    factors: list[FactorRead]
    model_version: str
    assessed_at: str
    assessed_by: str | None
    trigger: Literal["officer", "rescore"]
    override: OverrideRead | None
    answers: dict[str, bool | int] | None
    note: str | None
    unknown_answers: int = Field(description="questionnaire items left unknown")
    answers_total: int = Field(description="questionnaire items asked (14)")


class RiskAssessmentPage(Out):
    """A case's assessments, newest first."""

    items: list[RiskAssessmentRead]
