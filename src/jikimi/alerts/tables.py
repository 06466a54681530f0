"""The contact inbox (calls and texts reported by phones and operators) and the alerts the
engine raises: their evidence and their append-only timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
from jikimi.core.tables import Base, UtcDateTime, new_id


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
    """The append-only timeline of every alert; the SSE stream follows it by commit
    (`txid`, PostgreSQL) or by `seq` (SQLite): see `store.timeline`."""

    __tablename__ = "alert_changes"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON())
    # The writing transaction (PostgreSQL fills it in; NULL on SQLite).
    txid: Mapped[int | None] = mapped_column(BigInteger(), FetchedValue(), index=True)
