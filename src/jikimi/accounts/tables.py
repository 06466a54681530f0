"""Who may reach personal data, and the record of each reach: staff and machine accounts,
console sessions, API tokens, signatures already used, the access trail, break-glass reads
and 112 look-ups.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
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


class SeenSignature(Base):
    """Signatures already used: a replayed request is refused within the time window."""

    __tablename__ = "seen_signatures"
    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
