"""The accounts' read side: the officers a supervisor may assign."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.accounts.tables import Account
from jikimi.core.access import Role


def officers_of(s: Session, agency: str | None) -> list[tuple[str, str]]:
    """(id, name) of the agency's officers who are not suspended, by name; none for no
    agency."""
    if agency is None:
        return []
    q = (
        select(Account.id, Account.name)
        .where(
            Account.agency == agency,
            Account.role == Role.OFFICER.value,
            Account.suspended_at.is_(None),
        )
        .order_by(Account.name, Account.id)
    )
    return [(account_id, name) for account_id, name in s.execute(q)]


def centres(s: Session) -> list[str]:
    """The counselling centres: the agencies of counsellors not suspended, sorted (a
    referral or a consent may name only one of these)."""
    q = (
        select(Account.agency)
        .where(
            Account.role == Role.COUNSELLOR.value,
            Account.agency.is_not(None),
            Account.suspended_at.is_(None),
        )
        .distinct()
        .order_by(Account.agency)
    )
    return [agency for agency in s.scalars(q) if agency]
