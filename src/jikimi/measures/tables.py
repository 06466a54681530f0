"""Safety measures put in place for a victim (a smartwatch lent, CCTV installed, a private
guard, a shelter place, ...) and their extensions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
from jikimi.core.tables import Base, UtcDateTime, new_id


class SafetyMeasure(Base):
    """One measure of a case, for a window; `ended_at` when it was ended early."""

    __tablename__ = "safety_measures"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    provider: Mapped[str | None] = mapped_column(String(200))
    # A serial may identify a device the victim carries: sealed like any personal text.
    serial_sealed: Mapped[str | None] = mapped_column("serial", Text())
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_reason_sealed: Mapped[str | None] = mapped_column("end_reason", Text())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    serial = Sealed("serial_sealed", str)
    note = Sealed("note_sealed", str)
    end_reason = Sealed("end_reason_sealed", str)


class MeasureExtension(Base):
    """One extension of a measure's end."""

    __tablename__ = "measure_extensions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    measure_id: Mapped[str] = mapped_column(ForeignKey("safety_measures.id"), index=True)
    previous_ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
