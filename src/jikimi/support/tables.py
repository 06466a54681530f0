"""Emergency support: the applications with their decision, and the ledger of payments
(append-only; each entry hash-chained to the one before it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


class SupportApplication(Base):
    """An application for support on a case; a supervisor other than the applicant
    decides it once. `agency` is the case's, kept for the ledger's agency totals."""

    __tablename__ = "support_applications"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    agency: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    amount_krw: Mapped[int] = mapped_column(BigInteger())
    reason_sealed: Mapped[str] = mapped_column("reason", Text())
    status: Mapped[str] = mapped_column(String(20))
    applied_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    approved_krw: Mapped[int | None] = mapped_column(BigInteger())
    decision_reason_sealed: Mapped[str | None] = mapped_column("decision_reason", Text())
    reason = SealedRequired("reason_sealed", str)
    decision_reason = Sealed("decision_reason_sealed", str)


class LedgerEntry(Base):
    """One payment (or a correction: a negative amount with its reason). Entries are
    never changed: `n` counts them without gaps and `hash` covers the entry's content and
    `prev_hash`, the hash of entry n - 1 (`support.chain`)."""

    __tablename__ = "support_ledger"
    __table_args__ = (Index("ix_support_ledger_agency_paid_at", "agency", "paid_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    n: Mapped[int] = mapped_column(BigInteger(), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("support_applications.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    agency: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    amount_krw: Mapped[int] = mapped_column(BigInteger())
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A transfer's reference or a correction's reason may name a person or an account.
    reference_sealed: Mapped[str | None] = mapped_column("reference", Text())
    reason_sealed: Mapped[str | None] = mapped_column("reason", Text())
    recorded_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    reference = Sealed("reference_sealed", str)
    reason = Sealed("reason_sealed", str)
