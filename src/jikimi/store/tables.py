"""SQLAlchemy 2 tables; personal fields are `Sealed` (encrypted per field, see crypto)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from jikimi.store.sealed import Sealed, SealedRequired


def new_id() -> str:
    """An opaque, unguessable id."""
    return uuid.uuid4().hex


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store UTC; refuse naive values, which would be ambiguous."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Give back an aware UTC datetime."""
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table_of(model: type[Base]) -> Table:
    """A model's table, for plain SQL on the hot paths (no ORM objects)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)

    def __init__(self, **kw: Any) -> None:
        # The id comes first: sealed attributes bind their ciphertext to it.
        if "id" in self.__table__.c and kw.get("id") is None:
            kw["id"] = new_id()
        ordered = {"id": kw.pop("id")} if "id" in kw else {}
        for key, value in {**ordered, **kw}.items():
            if not hasattr(type(self), key):
                raise TypeError(f"{type(self).__name__} has no attribute {key!r}")
            setattr(self, key, value)


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


class Person(Base):
    """A victim or a perpetrator."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name_sealed: Mapped[str] = mapped_column("name", Text())
    birth_date_sealed: Mapped[str | None] = mapped_column("birth_date", Text())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    name = SealedRequired("name_sealed", str)
    birth_date = Sealed("birth_date_sealed", date.fromisoformat, date.isoformat)


class PersonPhone(Base):
    """A number a person held, and when."""

    __tablename__ = "person_phones"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    e164_sealed: Mapped[str] = mapped_column("e164", Text())
    e164_index: Mapped[str] = mapped_column(String(64), index=True)
    e164 = SealedRequired("e164_sealed", str, index="e164_index")
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Address(Base):
    """A place of a person's: home, work, school."""

    __tablename__ = "addresses"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))
    text_sealed: Mapped[str] = mapped_column("text", Text())
    lat_sealed: Mapped[str | None] = mapped_column("lat", Text())
    lon_sealed: Mapped[str | None] = mapped_column("lon", Text())
    text = SealedRequired("text_sealed", str)
    lat = Sealed("lat_sealed", float, repr)
    lon = Sealed("lon_sealed", float, repr)


class Case(Base):
    """One victim, one perpetrator, one agency."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    victim_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    perpetrator_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(30))
    offense: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str] = mapped_column(String(100), index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set with a violation alert of an assessed case (same transaction): the worker
    # re-scores the case and clears it.
    risk_rescore_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class CaseAssignment(Base):
    """An officer assigned to a case."""

    __tablename__ = "case_assignments"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Order(Base):
    """A protective order of a case."""

    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    court_ref: Mapped[str | None] = mapped_column(String(100))
    warn_m: Mapped[int | None] = mapped_column(Integer())  # approach bans: warning radius
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoke_reason_sealed: Mapped[str | None] = mapped_column("revoke_reason", Text())
    revoke_reason = Sealed("revoke_reason_sealed", str)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrderExtension(Base):
    """One extension of an order's end."""

    __tablename__ = "order_extensions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    previous_ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    court_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Device(Base):
    """A victim's phone or a perpetrator's anklet."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Anklets and phones that report positions: the newest fix's time (never moves back),
    # and health flags from the feed.
    last_fix_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    battery_low_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The silence already alerted, named by its last fix (or the binding, if none came).
    offline_alerted_for: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ContactEvent(Base):
    """A call or text reported by a phone or an operator; also the engine's inbox."""

    __tablename__ = "contact_events"
    __table_args__ = (
        UniqueConstraint("source_key", "ext_id", name="uq_contact_events_source_ext"),
        Index("ix_contact_events_pending", "processed_at", "received_at"),
        Index("ix_contact_events_victim_time", "victim_id", "occurred_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(10))  # phone | carrier
    source_key: Mapped[str] = mapped_column(String(40))
    ext_id: Mapped[str] = mapped_column(String(100))
    victim_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    victim_number_sealed: Mapped[str | None] = mapped_column("victim_number", Text())
    victim_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number_sealed: Mapped[str | None] = mapped_column("number", Text())
    number_index: Mapped[str | None] = mapped_column(String(64))
    number_raw_sealed: Mapped[str | None] = mapped_column("number_raw", Text())
    text_sealed: Mapped[str | None] = mapped_column("text", Text())
    victim_number = Sealed("victim_number_sealed", str, index="victim_number_index")
    number = Sealed("number_sealed", str, index="number_index")
    number_raw = Sealed("number_raw_sealed", str)
    text = Sealed("text_sealed", str)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    corroborates: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text())


class AlertRow(Base):
    """An alert; open_key is set while unresolved so one (case, kind) has one open alert."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_escalation", "status", "next_escalation_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), index=True)
    escalation_level: Mapped[int] = mapped_column(Integer())
    count: Mapped[int] = mapped_column(Integer())
    first_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    next_escalation_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    note = Sealed("note_sealed", str)
    open_key: Mapped[str | None] = mapped_column(String(100), unique=True)


class AlertEvidence(Base):
    """One event that an alert holds as evidence."""

    __tablename__ = "alert_evidence"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(20))
    number_sealed: Mapped[str | None] = mapped_column("number", Text())
    number = Sealed("number_sealed", str)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sources: Mapped[list[str]] = mapped_column(JSON())
    corroborated: Mapped[bool] = mapped_column(Boolean(), default=False)
    # Positional evidence (distance, accuracy, position, zone, ETA) as sealed JSON.
    detail_sealed: Mapped[str | None] = mapped_column("detail", Text())
    detail = Sealed("detail_sealed", str)


class AlertChange(Base):
    """The append-only timeline of every alert; the SSE stream tails it by `seq`."""

    __tablename__ = "alert_changes"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON())


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


# The proximity watch's tables live in their own module; importing them here keeps one
# metadata (migrations, `t.Position`, …).
from jikimi.store.geo_tables import (  # noqa: E402
    DeviceEvent,
    EngineCursor,
    Position,
    TrackStateRow,
)
from jikimi.store.risk_tables import RiskAssessmentRow  # noqa: E402

__all__ = ["DeviceEvent", "EngineCursor", "Position", "RiskAssessmentRow", "TrackStateRow"]
