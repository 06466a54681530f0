"""The support feature's record keeping: applying, deciding with four eyes, paying into
the chained ledger, a case's applications and the ledger a caller may see; each under
need-to-know (`cases.records.get_case`), in the caller's transaction (none commits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jikimi.cases.records import get_case
from jikimi.cases.visibility import visible_cases
from jikimi.core.access import Principal
from jikimi.core.errors import Conflict, Forbidden, NotFound
from jikimi.core.tables import new_id
from jikimi.support import chain, repo
from jikimi.support.rules import (
    ApplicationStatus,
    SupportKind,
    SupportLimit,
    SupportRuleError,
    check_application,
    check_approval,
    check_four_eyes,
    check_payment,
)
from jikimi.support.tables import LedgerEntry, SupportApplication

Limits = Mapping[SupportKind, SupportLimit]
# A payment is recorded once it is made: a `paid_at` further ahead than a clock may
# drift is a typing error.
FUTURE_SLACK = timedelta(minutes=5)


def _account(p: Principal) -> str:
    if p.account_id is None:  # staff tokens always belong to an account
        raise Forbidden("support needs a staff account")
    return p.account_id


def apply(
    s: Session,
    p: Principal,
    limits: Limits,
    case_id: str,
    request: tuple[str, int, str],
    now: datetime,
) -> SupportApplication:
    """Apply for support on a case the caller may change; `request`: kind, amount,
    reason. An amount above the kind's limit is refused naming it."""
    case = get_case(s, p, case_id, write=True)
    kind, amount, reason = request
    check_application(limits, kind, amount)
    a = SupportApplication(
        id=new_id(),
        case_id=case.id,
        agency=case.agency,
        kind=kind,
        amount_krw=amount,
        status=ApplicationStatus.PENDING.value,
        applied_by=_account(p),
        applied_at=now,
    )
    a.reason = reason
    s.add(a)
    s.flush()
    return a


def get_application(
    s: Session, p: Principal, application_id: str, *, write: bool = False
) -> SupportApplication:
    """An application of a case the caller may see (with `write`: change); else NotFound,
    the same for another agency's as for none. A change locks its row (PostgreSQL), so a
    decision and payments on one application are counted one after the other."""
    a = s.get(SupportApplication, application_id, with_for_update=write)
    if a is None:
        raise NotFound("support_application")
    try:
        get_case(s, p, a.case_id, write=write)
    except NotFound:
        raise NotFound("support_application") from None
    return a


def decide(
    s: Session,
    p: Principal,
    application_id: str,
    decision: tuple[bool, int | None, str],
    now: datetime,
) -> SupportApplication:
    """A supervisor's decision, once, by an account other than the applicant's;
    `decision`: approve, the amount approved (approving only), the reason."""
    a = get_application(s, p, application_id, write=True)
    check_four_eyes(a.applied_by, p.account_id)
    if a.status != ApplicationStatus.PENDING:
        raise Conflict(f"the application is {a.status} already")
    approve, amount, reason = decision
    if approve:
        a.approved_krw = check_approval(a.amount_krw, amount)
        a.status = ApplicationStatus.APPROVED.value
    else:
        if amount is not None:
            raise SupportRuleError("a refusal approves no amount: leave amount_krw out")
        a.status = ApplicationStatus.REFUSED.value
    a.decided_by, a.decided_at = _account(p), now
    a.decision_reason = reason
    s.flush()
    return a


def pay(
    s: Session,
    p: Principal,
    application_id: str,
    payment: tuple[int, datetime, str | None, str | None],
    now: datetime,
) -> LedgerEntry:
    """Record a payment (or a correction below 0) on an approved application; the
    entries never add up to more than the approval nor to less than 0. `payment`:
    amount, paid_at, reference, reason."""
    a = get_application(s, p, application_id, write=True)
    if a.status != ApplicationStatus.APPROVED or a.approved_krw is None:
        raise Conflict(f"the application is {a.status}: only an approved one is paid")
    amount, paid_at, reference, reason = payment
    if paid_at > now + FUTURE_SLACK:
        raise SupportRuleError("paid_at is in the future: record a payment once it is made")
    check_payment(a.approved_krw, repo.paid(s, a.id), amount, reason)
    e = LedgerEntry(
        id=new_id(),
        application_id=a.id,
        case_id=a.case_id,
        agency=a.agency,
        kind=a.kind,
        amount_krw=amount,
        paid_at=paid_at,
        recorded_by=_account(p),
        recorded_at=now,
    )
    e.reference, e.reason = reference, reason
    return chain.append(s, e)


def of_case(s: Session, p: Principal, case_id: str) -> list[SupportApplication]:
    """A case's applications, newest first (NotFound for a case not the caller's)."""
    return repo.of_case(s, get_case(s, p, case_id).id)


def ledger(
    s: Session, p: Principal, since: datetime | None, until: datetime | None
) -> list[LedgerEntry]:
    """The ledger the caller may see: a supervisor's agency, an officer's own cases (not
    those open to it through a break-glass), paid in [since, until)."""
    return repo.ledger(s, visible_cases(p, write=True), since, until)
