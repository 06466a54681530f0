"""The measures feature's queries: a case's measures and their extensions, and the
measures in force for a victim (which the phone's status lists)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jikimi.measures.tables import MeasureExtension, SafetyMeasure


def of_case(s: Session, case_id: str) -> list[SafetyMeasure]:
    """A case's measures, soonest starting first."""
    q = (
        select(SafetyMeasure)
        .where(SafetyMeasure.case_id == case_id)
        .order_by(SafetyMeasure.starts_at, SafetyMeasure.id)
    )
    return list(s.scalars(q))


def extensions_of(s: Session, measure_ids: Sequence[str]) -> dict[str, list[MeasureExtension]]:
    """The measures' extensions, oldest first, by measure."""
    out: dict[str, list[MeasureExtension]] = {i: [] for i in measure_ids}
    if not measure_ids:
        return out
    q = (
        select(MeasureExtension)
        .where(MeasureExtension.measure_id.in_(list(measure_ids)))
        .order_by(MeasureExtension.created_at, MeasureExtension.id)
    )
    for x in s.scalars(q):
        out[x.measure_id].append(x)
    return out


def in_force(s: Session, case_ids: Sequence[str], now: datetime) -> list[tuple[str, datetime]]:
    """(kind, end) of the cases' measures active at `now` (started, not at their end, not
    ended early), soonest ending first."""
    if not case_ids:
        return []
    q = (
        select(SafetyMeasure.kind, SafetyMeasure.ends_at)
        .where(
            SafetyMeasure.case_id.in_(list(case_ids)),
            SafetyMeasure.starts_at <= now,
            SafetyMeasure.ends_at > now,
            or_(SafetyMeasure.ended_at.is_(None), SafetyMeasure.ended_at > now),
        )
        .order_by(SafetyMeasure.ends_at, SafetyMeasure.kind)
    )
    return [(kind, ends_at) for kind, ends_at in s.execute(q)]
