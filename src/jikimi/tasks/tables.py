"""Tasks owed on a case (monitoring calls and visits, reviews before an order or a safety
measure ends, the officer's own), the follow-up periods that owe monitoring, and the
decisions after which it is owed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed
from jikimi.core.tables import Base, UtcDateTime, new_id


class CaseDecision(Base):
    """A decision recorded on a case after which follow-up monitoring is owed (a
    dismissed provisional measure or warrant, a release)."""

    __tablename__ = "case_decisions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note = Sealed("note_sealed", str)


class FollowUp(Base):
    """A period of follow-up monitoring a victim is owed, started by one event (`trigger`:
    an order that ended, a decision) and ended by its time or by a new order in force."""

    __tablename__ = "follow_ups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    # "order:<id>" or "decision:<id>": unique, so several workers start it once
    trigger: Mapped[str] = mapped_column(String(80), unique=True)
    reason: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    end_reason: Mapped[str | None] = mapped_column(String(40))


class Task(Base):
    """Something an officer owes on a case, by a time."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_status_due_at", "status", "due_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    reason_sealed: Mapped[str | None] = mapped_column("reason", Text())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    # What scheduled it: unique where set ("review:order:<id>", "call:<follow-up>:<n>"),
    # so a scheduling pass on several workers creates each task once.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    follow_up_id: Mapped[str | None] = mapped_column(ForeignKey("follow_ups.id"), index=True)
    # The time its due date was counted from, and the risk tier it was counted for: a new
    # tier re-counts what is not yet due.
    basis_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    tier: Mapped[str | None] = mapped_column(String(12))
    tier_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # For a review: the end it reviews (an extension moves the review with it).
    subject_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    not_reached_in_a_row: Mapped[int] = mapped_column(Integer(), default=0)
    reason = Sealed("reason_sealed", str)
    note = Sealed("note_sealed", str)
