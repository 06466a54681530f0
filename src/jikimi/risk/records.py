"""Risk assessments as the officer records, overrides and reads them (under need-to-know)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.cases import records
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Conflict, Invalid, NotFound
from jikimi.core.times import iso
from jikimi.ports import RiskScorer
from jikimi.risk.dispatch import coarse_factors
from jikimi.risk.repo import case_history, latest_row, new_row
from jikimi.risk.rules import QUESTIONNAIRE_KEYS, Answers, Tier, may_override
from jikimi.risk.tables import RiskAssessmentRow

R = RiskAssessmentRow


def sees_answers(p: Principal) -> bool:
    """Officers and supervisors read the questionnaire, the note and an override's
    reason; a dispatcher needs only the tier and what drove it (need-to-know)."""
    return p.role in (Role.OFFICER, Role.SUPERVISOR)


def assess(
    s: Session,
    p: Principal,
    scorer: RiskScorer,
    case_id: str,
    answers: Answers,
    note: str | None,
    now: datetime,
) -> RiskAssessmentRow:
    """Score the officer's questionnaire and note with the case's history, and keep it."""
    case = records.get_case(s, p, case_id, write=True)
    plain: dict[str, bool | int | None] = {k: v for k, v in answers.items() if v is not None}
    result = scorer.score(plain, note, case_history(s, case.id, now))
    row = new_row(case.id, result, plain, note, now, p.label, "officer")
    s.add(row)
    s.flush()
    return row


def get_assessment(
    s: Session, p: Principal, assessment_id: str, *, write: bool = False
) -> RiskAssessmentRow:
    """An assessment of a case the caller may see (with `write`: may change)."""
    row = s.get(R, assessment_id)
    if row is None:
        raise NotFound("risk assessment")
    try:
        records.get_case(s, p, row.case_id, write=write)
    except NotFound:
        raise NotFound("risk assessment") from None
    return row


def override(
    s: Session, p: Principal, assessment_id: str, tier: Tier, reason: str, now: datetime
) -> RiskAssessmentRow:
    """Raise (or confirm) the latest assessment's tier, with the reason."""
    row = get_assessment(s, p, assessment_id, write=True)
    computed = Tier(row.tier)
    if not may_override(computed, tier):
        raise Invalid(
            f"an override may only raise the tier: the computed tier is {computed.value}, "
            f"and {tier.value} is below it"
        )
    latest = latest_row(s, row.case_id)
    if latest is None or latest.id != row.id:
        raise Conflict("a newer assessment of this case exists; override that one")
    row.override_tier, row.override_reason = tier.value, reason
    row.override_by, row.override_at = p.label, now
    s.flush()
    return row


def history(s: Session, p: Principal, case_id: str) -> list[RiskAssessmentRow]:
    """Every assessment of the case, newest first."""
    case = records.get_case(s, p, case_id)
    q = select(R).where(R.case_id == case.id).order_by(R.assessed_at.desc(), R.id.desc())
    return list(s.scalars(q))


def latest_json(s: Session, p: Principal, case_id: str) -> dict[str, Any] | None:
    """The case's latest assessment as `GET /cases/{id}` carries it (`risk`)."""
    row = latest_row(s, case_id)
    return None if row is None else risk_json(row, full=sees_answers(p))


def unknown_answers(answers: dict[str, Any]) -> int:
    """How many of the questionnaire's items were left unknown (a count names no answer,
    so a dispatcher sees it too)."""
    return sum(1 for key in QUESTIONNAIRE_KEYS if answers.get(key) is None)


def risk_json(row: RiskAssessmentRow, *, full: bool) -> dict[str, Any]:
    """An assessment as API.md shows it; `full` adds the answers, the note and the
    override's reason. Without it (a dispatcher) the factors are coarse groups that name
    neither an answer nor a cue of the note (`risk/dispatch.py`)."""
    over = None
    if row.override_tier is not None:
        over = {
            "tier": row.override_tier,
            "reason": row.override_reason if full else None,
            "by": row.override_by,
            "at": iso(row.override_at),
        }
    answers = json.loads(row.answers)
    return {
        "id": row.id,
        "case_id": row.case_id,
        "probability": row.probability,
        "tier": row.tier,
        "effective_tier": row.override_tier or row.tier,
        "factors": row.factors if full else coarse_factors(row.factors),
        "model_version": row.model_version,
        "assessed_at": iso(row.assessed_at),
        "assessed_by": row.assessed_by,
        "trigger": row.trigger,
        "override": over,
        "answers": answers if full else None,
        "unknown_answers": unknown_answers(answers),
        "answers_total": len(QUESTIONNAIRE_KEYS),
        "note": row.note if full else None,
    }
