"""People, their numbers and places, the cases that join a victim to a perpetrator, the
officers assigned, the protective orders with their extensions, and the reads of a case
outside the caseload (break-glass grants and 112 look-ups)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


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
    # Closed by an officer once no order is in force (the case then leaves the lists).
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    close_reason_sealed: Mapped[str | None] = mapped_column("close_reason", Text())
    close_reason = Sealed("close_reason_sealed", str)


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


class CallerLookup(Base):
    """A dispatcher's 112 look-up by the calling number: the case it found is open to that
    dispatcher until `expires_at` (the number itself is not kept)."""

    __tablename__ = "caller_lookups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    looked_up_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
