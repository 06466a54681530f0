"""The measures feature's record keeping: putting a measure in place, extending it, ending
it early, a case's list; each under need-to-know (`cases.records.get_case`), in the
caller's transaction (none commits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from jikimi.cases.records import get_case
from jikimi.core.access import Principal
from jikimi.core.errors import Conflict, NotFound
from jikimi.measures import repo
from jikimi.measures.rules import (
    MeasureKind,
    MeasureStatus,
    check_extension,
    check_window,
    get_kind,
    status_at,
)
from jikimi.measures.rules import SafetyMeasure as Kind
from jikimi.measures.tables import MeasureExtension, SafetyMeasure

Kinds = Mapping[Kind, MeasureKind]


def add_measure(
    s: Session,
    p: Principal,
    kinds: Kinds,
    case_id: str,
    kind: str,
    window: tuple[datetime, datetime],
    details: tuple[str | None, str | None, str | None],
    now: datetime,
) -> SafetyMeasure:
    """Put a measure in place on one of the caller's cases, refusing a window beyond its
    kind's limits; `details`: provider, serial, note."""
    case = get_case(s, p, case_id, write=True)
    starts_at, ends_at = window
    check_window(get_kind(kinds, kind), starts_at, ends_at)
    provider, serial, note = details
    m = SafetyMeasure(
        case_id=case.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        provider=provider,
        created_by=p.account_id,
        created_at=now,
    )
    s.add(m)
    s.flush()  # its id: the sealed fields are bound to it
    m.serial, m.note = serial, note
    s.flush()
    return m


def get_measure(s: Session, p: Principal, measure_id: str, *, write: bool = False) -> SafetyMeasure:
    """A measure of a case the caller may see (with `write`: change); else NotFound, the
    same for a measure of someone else's case as for none at all. A change locks its row
    (PostgreSQL), so two extensions at once are counted one after the other."""
    m = s.get(SafetyMeasure, measure_id, with_for_update=write)
    if m is None:
        raise NotFound("safety_measure")
    try:
        get_case(s, p, m.case_id, write=write)
    except NotFound:
        raise NotFound("safety_measure") from None
    return m


def list_measures(s: Session, p: Principal, case_id: str) -> list[SafetyMeasure]:
    """A case's measures, soonest starting first (NotFound for a case not the caller's)."""
    return repo.of_case(s, get_case(s, p, case_id).id)


def extend(
    s: Session, p: Principal, kinds: Kinds, measure_id: str, ends_at: datetime, now: datetime
) -> SafetyMeasure:
    """Move a measure's end within its kind's extension limits; an ended one cannot be."""
    m = get_measure(s, p, measure_id, write=True)
    if status_at(m.starts_at, m.ends_at, m.ended_at, now) is MeasureStatus.ENDED:
        raise Conflict("an ended measure cannot be extended; record a new one")
    done = len(repo.extensions_of(s, [m.id])[m.id])
    check_extension(get_kind(kinds, m.kind), m.ends_at, done, ends_at)
    s.add(
        MeasureExtension(
            measure_id=m.id,
            previous_ends_at=m.ends_at,
            ends_at=ends_at,
            created_by=p.account_id,
            created_at=now,
        )
    )
    m.ends_at = ends_at
    s.flush()
    return m


def end(s: Session, p: Principal, measure_id: str, reason: str, now: datetime) -> SafetyMeasure:
    """End a measure now, with the reason (Conflict when it has ended already)."""
    m = get_measure(s, p, measure_id, write=True)
    if status_at(m.starts_at, m.ends_at, m.ended_at, now) is MeasureStatus.ENDED:
        raise Conflict("the measure has ended already")
    m.ended_at, m.end_reason = now, reason
    s.flush()
    return m
