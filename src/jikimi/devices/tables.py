"""Devices (victims' phones and anklets) and the events they report (tamper, signal,
battery, SOS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
from jikimi.core.tables import Base, UtcDateTime, new_id


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


class DeviceEvent(Base):
    """A device-health event from the feed, or the victim's SOS; the engine's inbox."""

    __tablename__ = "device_events"
    __table_args__ = (
        UniqueConstraint("device_id", "kind", "occurred_at", name="uq_device_events_key"),
        Index("ix_device_events_pending", "processed_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    fix_sealed: Mapped[str | None] = mapped_column("fix", Text())  # SOS: where she was
    fix = Sealed("fix_sealed", str)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
