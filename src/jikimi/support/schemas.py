"""Emergency support on the wire, and the rendering of applications and ledger entries
into it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictInt, StrictStr

from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict
from jikimi.support.rules import MAX_KRW, ApplicationStatus, SupportKind
from jikimi.support.tables import LedgerEntry, SupportApplication

Won = Annotated[StrictInt, Field(gt=0, le=MAX_KRW, description="whole won, more than 0")]
SignedWon = Annotated[
    StrictInt,
    Field(ge=-MAX_KRW, le=MAX_KRW, description="whole won; below 0 a correction"),
]


class ApplicationCreate(Strict):
    """An application: its kind's limit applies (a 422 names it)."""

    kind: SupportKind
    amount_krw: Won
    reason: StrictStr = Field(min_length=1, max_length=2000)


class DecisionCreate(Strict):
    """A supervisor's decision: approve an amount up to what was applied for, or refuse
    (no amount); with the reason either way."""

    approve: StrictBool
    amount_krw: Won | None = None
    reason: StrictStr = Field(min_length=1, max_length=2000)


class PaymentCreate(Strict):
    """A payment made, or a correction: a negative amount with its reason."""

    amount_krw: SignedWon
    paid_at: Moment
    reference: StrictStr | None = Field(None, min_length=1, max_length=200)
    reason: StrictStr | None = Field(None, min_length=1, max_length=2000)


class EntryRead(Out):
    """One ledger entry, with its place in the chain (`n`, `prev_hash`, `hash`)."""

    id: str
    n: int
    application_id: str
    case_id: str
    agency: str
    kind: SupportKind
    amount_krw: int
    paid_at: str
    reference: str | None
    reason: str | None
    recorded_by: str
    recorded_at: str
    prev_hash: str
    hash: str


class ApplicationRead(Out):
    """An application, its decision (null fields until there is one) and its payments."""

    id: str
    case_id: str
    kind: SupportKind
    amount_krw: int
    reason: str
    status: ApplicationStatus
    applied_by: str = Field(description="the applicant's account id")
    applied_at: str
    decided_by: str | None
    decided_at: str | None
    approved_krw: int | None
    decision_reason: str | None
    paid_krw: int = Field(description="the entries' sum: payments less corrections")
    entries: list[EntryRead]


class ApplicationPage(Out):
    """A case's applications, newest first."""

    items: list[ApplicationRead]
    next: str | None = None


class LedgerTotals(Out):
    """The sums of the entries listed."""

    paid_krw: int
    by_kind: dict[str, int]
    by_case: dict[str, int]
    by_agency: dict[str, int]


class LedgerRead(Out):
    """Ledger entries in the range, in the order they were paid, and their totals."""

    items: list[EntryRead]
    totals: LedgerTotals


def entry_json(e: LedgerEntry) -> dict[str, Any]:
    """A ledger entry as the API shows it."""
    return {
        "id": e.id,
        "n": e.n,
        "application_id": e.application_id,
        "case_id": e.case_id,
        "agency": e.agency,
        "kind": e.kind,
        "amount_krw": e.amount_krw,
        "paid_at": iso(e.paid_at),
        "reference": e.reference,
        "reason": e.reason,
        "recorded_by": e.recorded_by,
        "recorded_at": iso(e.recorded_at),
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def application_json(a: SupportApplication, entries: Sequence[LedgerEntry]) -> dict[str, Any]:
    """An application as the API shows it, with its entries."""
    return {
        "id": a.id,
        "case_id": a.case_id,
        "kind": a.kind,
        "amount_krw": a.amount_krw,
        "reason": a.reason,
        "status": a.status,
        "applied_by": a.applied_by,
        "applied_at": iso(a.applied_at),
        "decided_by": a.decided_by,
        "decided_at": iso(a.decided_at),
        "approved_krw": a.approved_krw,
        "decision_reason": a.decision_reason,
        "paid_krw": sum(e.amount_krw for e in entries),
        "entries": [entry_json(e) for e in entries],
    }


def ledger_json(entries: Sequence[LedgerEntry]) -> dict[str, Any]:
    """The entries and their totals: all, by kind (every kind, 0 where none), by case,
    by agency."""
    by_kind = dict.fromkeys((k.value for k in SupportKind), 0)
    by_case: dict[str, int] = defaultdict(int)
    by_agency: dict[str, int] = defaultdict(int)
    for e in entries:
        by_kind[e.kind] = by_kind.get(e.kind, 0) + e.amount_krw
        by_case[e.case_id] += e.amount_krw
        by_agency[e.agency] += e.amount_krw
    return {
        "items": [entry_json(e) for e in entries],
        "totals": {
            "paid_krw": sum(e.amount_krw for e in entries),
            "by_kind": by_kind,
            "by_case": dict(by_case),
            "by_agency": dict(by_agency),
        },
    }
