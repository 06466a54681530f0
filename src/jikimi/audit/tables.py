"""The access trail: every reach for personal data, hash-chained, and the index of
flagged records with their review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
from jikimi.core.tables import Base, UtcDateTime


class AccessRecord(Base):
    """One read or change of personal data. Records form a hash chain (`n` has no gaps)."""

    __tablename__ = "access_records"
    n: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    account_id: Mapped[str | None] = mapped_column(String(32), index=True)
    token_id: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    resource: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    subjects: Mapped[list[str]] = mapped_column(JSON())
    purpose: Mapped[str | None] = mapped_column(String(300))
    flags: Mapped[list[str]] = mapped_column(JSON())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AccessFlag(Base):
    """A flagged access record and its review. Kept beside the chain, not in it: the
    review is set later, and the chain's records never change. Supervisors find their
    agency's flags through its own index, whatever the trail's volume."""

    __tablename__ = "access_flags"
    __table_args__ = (
        Index("ix_access_flags_agency", "agency", "n"),
        Index("ix_access_flags_queue", "agency", "reviewed", "n"),
    )
    n: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("access_records.n"),
        primary_key=True,
        autoincrement=False,
    )
    agency: Mapped[str | None] = mapped_column(String(100))  # the record's, copied
    reviewed: Mapped[bool] = mapped_column(Boolean(), default=False, server_default=false())
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(32))  # the account
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200))
    review_note_sealed: Mapped[str | None] = mapped_column("review_note", Text())
    review_note = Sealed("review_note_sealed", str)

    @property
    def id(self) -> str:
        """The flag's id in the API (its record's number), and what seals its note."""
        return str(self.n)
