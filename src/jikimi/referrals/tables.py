"""A victim's consents to share data with a counselling centre, the referrals to centres,
and the centres' notes on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


class Consent(Base):
    """The victim's permission for one recipient, for some purposes, to receive some kinds
    of data, until `expires_at`; withdrawn with who and when. Its status is read from the
    clock, never stored."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_case_recipient", "case_id", "recipient"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    recipient: Mapped[str] = mapped_column(String(100))
    purposes: Mapped[list[str]] = mapped_column(JSON())
    shares: Mapped[list[str]] = mapped_column(JSON())
    method: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    withdraw_reason_sealed: Mapped[str | None] = mapped_column("withdraw_reason", Text())
    withdraw_reason = Sealed("withdraw_reason_sealed", str)


class Referral(Base):
    """A case referred to a centre, under a consent or a vital-interests override."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_centre_created", "centre", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    centre: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), index=True)  # sent, accepted, declined
    consent_id: Mapped[str | None] = mapped_column(ForeignKey("consents.id"))
    reason_sealed: Mapped[str] = mapped_column("reason", Text())
    override_basis: Mapped[str | None] = mapped_column(String(40))
    override_reason_sealed: Mapped[str | None] = mapped_column("override_reason", Text())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    decline_reason_sealed: Mapped[str | None] = mapped_column("decline_reason", Text())
    # Set when the follow-up pass has settled the referral: its task written, or nothing
    # owed (the referral closed); the pass looks no further.
    follow_up_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason = SealedRequired("reason_sealed", str)
    override_reason = Sealed("override_reason_sealed", str)
    decline_reason = Sealed("decline_reason_sealed", str)


class ReferralNote(Base):
    """A counsellor's note on a referral: a contact made, or a concern for the officer."""

    __tablename__ = "referral_notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    text_sealed: Mapped[str] = mapped_column("text", Text())
    task_id: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text = SealedRequired("text_sealed", str)
