"""Tables of the proximity watch: the devices (phones and anklets), positions (a durable
log the engine reads by `seq`), device events (an inbox), the engine's place in the log,
and per-track hysteresis state.

Positions are personal data: each fix (lat, lon, accuracy) is sealed as one value bound
to its device and time, so a ciphertext copied to another row does not open.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id

SEQ = BigInteger().with_variant(Integer(), "sqlite")


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


class Position(Base):
    """One fix from an anklet (via the feed) or from the victim's phone."""

    __tablename__ = "positions"
    # The repeat check, time first: a feed request's keys land together at the index's
    # end, where device first changed a page per anklet in every commit (migration 0007).
    # It is also how an anklet's track is read. The victim's phone's fixes, read by device
    # for each batch of anklet pings, have an index of their own.
    __table_args__ = (
        UniqueConstraint("recorded_at", "device_id", name="uq_positions_time_device"),
        Index(
            "ix_positions_phone_time",
            "device_id",
            "recorded_at",
            sqlite_where=text("phone"),
            postgresql_where=text("phone"),
        ),
    )
    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    fix_sealed: Mapped[str] = mapped_column("fix", Text())
    # The victim's phone reported it (else an anklet, through the monitoring centre's feed).
    phone: Mapped[bool] = mapped_column(Boolean(), server_default=false(), default=False)
    fix = SealedRequired("fix_sealed", str)  # "lat,lon,accuracy_m"

    @property
    def id(self) -> str:
        """The fix's identity, which its ciphertext is bound to."""
        return position_key(self.device_id, self.recorded_at)


def position_key(device_id: str, recorded_at: datetime) -> str:
    """`device:time` — what a position's sealed value is bound to."""
    return f"{device_id}:{recorded_at.astimezone(UTC).isoformat(timespec='microseconds')}"


class EngineCursor(Base):
    """How far the engine has judged an append-only log (committed with its alerts)."""

    __tablename__ = "engine_cursors"
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[int] = mapped_column(SEQ)


class TrackStateRow(Base):
    """A track's hysteresis and recent fixes (JSON, sealed: it holds positions)."""

    __tablename__ = "track_states"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # "{case}:{device}"
    state_sealed: Mapped[str] = mapped_column("state", Text())
    state = Sealed("state_sealed", str)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


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
    fix_sealed: Mapped[str | None] = mapped_column("fix", Text())  # SOS: where the victim was
    fix = Sealed("fix_sealed", str)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
