"""The support feature's queries: a case's applications, their ledger entries and paid
totals, and the ledger of the cases a caller may see over a time range."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from jikimi.cases.tables import Case
from jikimi.support.tables import LedgerEntry, SupportApplication


def of_case(s: Session, case_id: str) -> list[SupportApplication]:
    """A case's applications, newest first."""
    q = (
        select(SupportApplication)
        .where(SupportApplication.case_id == case_id)
        .order_by(SupportApplication.applied_at.desc(), SupportApplication.id)
    )
    return list(s.scalars(q))


def entries_of(s: Session, application_ids: Sequence[str]) -> dict[str, list[LedgerEntry]]:
    """The applications' ledger entries in the order they were written, by application."""
    out: dict[str, list[LedgerEntry]] = {i: [] for i in application_ids}
    if not application_ids:
        return out
    q = (
        select(LedgerEntry)
        .where(LedgerEntry.application_id.in_(list(application_ids)))
        .order_by(LedgerEntry.n)
    )
    for e in s.scalars(q):
        out[e.application_id].append(e)
    return out


def paid(s: Session, application_id: str) -> int:
    """What the application's entries add up to (payments less corrections)."""
    q = select(func.coalesce(func.sum(LedgerEntry.amount_krw), 0)).where(
        LedgerEntry.application_id == application_id
    )
    return int(s.scalar(q) or 0)


def ledger(
    s: Session, scope: ColumnElement[bool], since: datetime | None, until: datetime | None
) -> list[LedgerEntry]:
    """The entries of the cases `scope` (a clause over `cases`) keeps, paid in
    [since, until), in the order they were paid."""
    q = select(LedgerEntry).join(Case, Case.id == LedgerEntry.case_id).where(scope)
    if since is not None:
        q = q.where(LedgerEntry.paid_at >= since)
    if until is not None:
        q = q.where(LedgerEntry.paid_at < until)
    return list(s.scalars(q.order_by(LedgerEntry.paid_at, LedgerEntry.n)))
