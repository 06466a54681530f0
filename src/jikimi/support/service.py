"""Emergency support on one request's session: each use case does the work
(`support.records`), records the access with the case's people and renders the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, queries
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.support import chain, records, repo
from jikimi.support.schemas import (
    ApplicationCreate,
    DecisionCreate,
    PaymentCreate,
    application_json,
    entry_json,
    ledger_json,
)
from jikimi.support.tables import SupportApplication

RESOURCE = "support_application"


class SupportService:
    """A case's support applications and the ledger, on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    @property
    def limits(self) -> records.Limits:
        """The kinds' limits from the pack."""
        limits: records.Limits = self.c.deps["support_limits"]
        return limits

    def _json(self, a: SupportApplication) -> dict[str, Any]:
        return application_json(a, repo.entries_of(self.s, [a.id])[a.id])

    def _changed(self, action: str, resource: str, resource_id: str, case_id: str) -> None:
        people = queries.case_subjects(self.s, [case_id])
        self.a.change(self.s, action, resource, resource_id, people)

    def apply(self, p: Principal, case_id: str, body: ApplicationCreate) -> dict[str, Any]:
        """Apply for support; an amount above its kind's limit is a 422 naming it."""
        request = (body.kind.value, body.amount_krw, body.reason)
        a = records.apply(self.s, p, self.limits, case_id, request, self.c.clock.now())
        self._changed("create", RESOURCE, a.id, a.case_id)
        return self._json(a)

    def decide(self, p: Principal, application_id: str, body: DecisionCreate) -> dict[str, Any]:
        """Approve or refuse, once, as an account other than the applicant's."""
        decision = (body.approve, body.amount_krw, body.reason)
        a = records.decide(self.s, p, application_id, decision, self.c.clock.now())
        self._changed("update", RESOURCE, a.id, a.case_id)
        return self._json(a)

    def pay(self, p: Principal, application_id: str, body: PaymentCreate) -> dict[str, Any]:
        """Record a payment (or a correction) in the chained ledger."""
        payment = (body.amount_krw, body.paid_at, body.reference, body.reason)
        e = records.pay(self.s, p, application_id, payment, self.c.clock.now())
        self._changed("create", chain.RESOURCE, e.id, e.case_id)
        return entry_json(e)

    def of_case(self, p: Principal, case_id: str) -> dict[str, Any]:
        """The case's applications, newest first, each with its entries."""
        s = self.s
        rows = records.of_case(s, p, case_id)
        entries = repo.entries_of(s, [a.id for a in rows])
        out = {"items": [application_json(a, entries[a.id]) for a in rows], "next": None}
        flags = break_glass.case_flags(s, p, case_id)
        self.a.read(RESOURCE, case_id, queries.case_subjects(s, [case_id]), flags=flags)
        return out

    def ledger(
        self, p: Principal, since: datetime | None, until: datetime | None
    ) -> dict[str, Any]:
        """The ledger entries the caller may see in the range, with their totals."""
        entries = records.ledger(self.s, p, since, until)
        out = ledger_json(entries)
        cases = sorted({e.case_id for e in entries})
        self.a.read("support_ledger", None, queries.case_subjects(self.s, cases))
        return out


async def support_reader(s: ReadDb, c: ContainerDep, a: Audit) -> SupportService:
    """Support on a read-only session."""
    return SupportService(s, c, a)


async def support_writer(s: WriteDb, c: ContainerDep, a: Audit) -> SupportService:
    """Support on a session that commits before the answer."""
    return SupportService(s, c, a)


SupportReading = Annotated[SupportService, Depends(support_reader)]
SupportWork = Annotated[SupportService, Depends(support_writer, scope="function")]
