"""The contact inbox: calls and texts reported by victims' phones and by operators."""

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
