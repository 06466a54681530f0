"""The engine's risk repository: latest assessments, case history, re-score marks."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from jikimi.alerts.tables import AlertEvidence, AlertRow
from jikimi.cases.tables import Case, Order, OrderExtension
from jikimi.core.tables import table_of
from jikimi.ports import Override, StoredAssessment
from jikimi.risk.rules import Assessment, History, Tier
from jikimi.risk.tables import RiskAssessmentRow

R = RiskAssessmentRow
_C = table_of(Case).c
_LATEST_TIER = (
    select(func.coalesce(R.override_tier, R.tier))
    .where(R.case_id == bindparam("case_id"))
    .order_by(R.assessed_at.desc(), R.id.desc())
    .limit(1)
)
_MARK = (
    update(table_of(Case))
    .where(_C.id == bindparam("case_id"))
    .values(risk_rescore_due_at=bindparam("at"))
)
CONTACT_KINDS = ("contact_violation", "hidden_number_contact")
PROXIMITY_KINDS = ("proximity_violation", "encounter")
VIOLATION_KINDS = (*CONTACT_KINDS, *PROXIMITY_KINDS, "device_tamper")


def effective_tier(s: Session, case_id: str) -> Tier | None:
    """The latest assessment's tier with its override applied; None if never assessed."""
    value = s.scalar(_LATEST_TIER, {"case_id": case_id})
    return Tier(value) if value else None


def latest_row(s: Session, case_id: str) -> RiskAssessmentRow | None:
    """The case's latest assessment."""
    q = select(R).where(R.case_id == case_id).order_by(R.assessed_at.desc(), R.id.desc())
    return s.scalars(q.limit(1)).first()


def override_of(row: RiskAssessmentRow) -> Override | None:
    """The row's override, if any."""
    if row.override_tier is None or row.override_at is None:
        return None
    return Override(
        Tier(row.override_tier), row.override_reason or "", row.override_by or "", row.override_at
    )


def case_history(s: Session, case_id: str, now: datetime) -> History:
    """Counts from the case's alerts and their evidence, and its orders' extensions."""
    reports = s.scalar(select(func.count(AlertRow.id)).where(AlertRow.case_id == case_id))
    per_kind = dict(
        s.execute(
            select(AlertRow.kind, func.count(AlertEvidence.id))
            .join(AlertEvidence, AlertEvidence.alert_id == AlertRow.id)
            .where(AlertRow.case_id == case_id)
            .group_by(AlertRow.kind)
        ).all()
    )
    last = s.scalar(
        select(func.max(AlertEvidence.occurred_at))
        .join(AlertRow, AlertEvidence.alert_id == AlertRow.id)
        .where(AlertRow.case_id == case_id, AlertRow.kind.in_(VIOLATION_KINDS))
    )
    if last is not None and last.tzinfo is None:  # SQLite's max() bypasses the column type
        last = datetime.fromisoformat(str(last)).replace(tzinfo=now.tzinfo)
    extensions = s.scalar(
        select(func.count(OrderExtension.id))
        .join(Order, Order.id == OrderExtension.order_id)
        .where(Order.case_id == case_id)
    )
    return History(
        reports=int(reports or 0),
        contact_violations=sum(int(per_kind.get(k, 0)) for k in CONTACT_KINDS),
        proximity_violations=sum(int(per_kind.get(k, 0)) for k in PROXIMITY_KINDS),
        days_since_last_violation=(
            None if last is None else max(0.0, (now - last).total_seconds() / 86400)
        ),
        order_extensions=int(extensions or 0),
        device_tamper=int(per_kind.get("device_tamper", 0)),
    )


def new_row(
    case_id: str,
    result: Assessment,
    answers: dict[str, bool | int | None],
    note: str | None,
    at: datetime,
    by: str | None,
    trigger: str,
) -> RiskAssessmentRow:
    """An assessment row from a scorer's result."""
    return R(
        case_id=case_id,
        answers=json.dumps(answers, sort_keys=True),
        note=note,
        probability=float(result.probability),
        tier=result.tier.value,
        factors_json=json.dumps(
            [{"name": f.name, "contribution": f.contribution} for f in result.factors]
        ),
        model_version=result.model_version,
        assessed_at=at,
        assessed_by=by,
        trigger=trigger,
    )


class SqlRisk:
    """Risk assessments and re-score marks over SQLAlchemy; never commits."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._pg = session.get_bind().dialect.name == "postgresql"

    def mark_rescore_due(self, case_id: str, at: datetime) -> None:
        """Mark the case (commits with the alert that changed its history)."""
        self.s.execute(_MARK, {"case_id": case_id, "at": at})

    def rescore_due(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Marked cases but `skip`, oldest mark first (read, not claimed)."""
        q = (
            select(Case.id)
            .where(Case.risk_rescore_due_at.is_not(None))
            .order_by(Case.risk_rescore_due_at)
            .limit(limit)
        )
        if skip:
            q = q.where(Case.id.not_in(list(skip)))
        return list(self.s.scalars(q))

    def claim_rescores(self, case_ids: Collection[str]) -> list[str]:
        """Those of these cases still marked, in the order given; on PostgreSQL their rows
        are locked (FOR NO KEY UPDATE: rows that refer to the case are still written)."""
        if not case_ids:
            return []
        q = select(Case.id).where(
            Case.id.in_(list(case_ids)), Case.risk_rescore_due_at.is_not(None)
        )
        if self._pg:
            q = q.with_for_update(key_share=True, skip_locked=True)
        marked = set(self.s.scalars(q))
        return [c for c in case_ids if c in marked]

    def clear_rescore_due(self, case_id: str) -> None:
        """Done (a violation committed meanwhile waited for our lock and marks it again)."""
        self.s.execute(_MARK, {"case_id": case_id, "at": None})

    def latest(self, case_id: str) -> StoredAssessment | None:
        """The latest assessment, decrypted."""
        row = latest_row(self.s, case_id)
        if row is None:
            return None
        return StoredAssessment(
            row.id, row.case_id, Tier(row.tier), json.loads(row.answers), row.note, override_of(row)
        )

    def history(self, case_id: str, now: datetime) -> History:
        """What Jikimi knows of the case now."""
        return case_history(self.s, case_id, now)

    def add(
        self,
        case_id: str,
        assessment: Assessment,
        source: StoredAssessment,
        at: datetime,
        override: Override | None,
    ) -> str:
        """A `rescore` assessment carrying `source`'s answers and note."""
        row = new_row(case_id, assessment, source.answers, source.note, at, None, "rescore")
        if override is not None:
            row.override_tier = override.tier.value
            row.override_reason = override.reason
            row.override_by, row.override_at = override.by, override.at
        self.s.add(row)
        self.s.flush()
        return row.id


# Whether any case waits for a re-score (the worker asks it with its other inboxes).
RESCORE_WAITING = exists().where(table_of(Case).c.risk_rescore_due_at.is_not(None))


def latest_tier_of(case_id: Any) -> Any:
    """The latest assessment's tier, override applied, of the case `case_id` names (a
    correlated scalar subquery, for lists that filter or show many cases' tiers)."""
    latest = aliased(R, name="latest_assessment")
    return (
        select(func.coalesce(latest.override_tier, latest.tier))
        .where(latest.case_id == case_id)
        .order_by(latest.assessed_at.desc(), latest.id.desc())
        .limit(1)
        .scalar_subquery()
    )
