"""Who may reach personal data, and the record of each reach: staff and machine accounts,
console sessions, API tokens, signatures already used, the access trail, break-glass reads
and 112 look-ups.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


class Account(Base):
    """A staff member or machine that holds tokens."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    suspended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Console login (staff only; machines keep bearer tokens).
    login: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id, salted
    totp_secret_sealed: Mapped[str | None] = mapped_column("totp_secret", Text())
    totp_secret = Sealed("totp_secret_sealed", str)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger())  # a code works once
    failed_logins: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffSession(Base):
    """A console login: a bearer token (kept as its SHA-256) that dies when idle."""

    __tablename__ = "staff_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(20))


class ApiToken(Base):
    """A bearer token, kept only as its SHA-256 (tokens are 256-bit random)."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signing_key_sealed: Mapped[str | None] = mapped_column("signing_key", Text())
    signing_key = Sealed("signing_key_sealed", str)


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


class BreakGlass(Base):
    """An emergency read of a case outside one's caseload, with the reason typed."""

    __tablename__ = "break_glass"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    reason_sealed: Mapped[str] = mapped_column("reason", Text())
    reason = SealedRequired("reason_sealed", str)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SeenSignature(Base):
    """Signatures already used: a replayed request is refused within the time window."""

    __tablename__ = "seen_signatures"
    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class CallerLookup(Base):
    """A dispatcher's 112 look-up by the calling number: the case it found is open to that
    dispatcher until `expires_at` (the number itself is not kept)."""

    __tablename__ = "caller_lookups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    looked_up_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
