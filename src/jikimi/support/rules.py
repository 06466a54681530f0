"""Emergency support: the kinds and their limits (held as data in the pack), the
four-eyes rule and the arithmetic of a payment against its approval. Amounts are whole
won (`int`); nothing here knows a database, a clock or the web."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jikimi.core.errors import Forbidden, Invalid
from jikimi.core.pack_lists import one_per_kind

# The largest amount a request may name: far above any limit, far below what a BIGINT
# holds, so a sum of entries can never overflow.
MAX_KRW = 10**12


class SupportKind(StrEnum):
    """What the money is for."""

    LIVING = "living"
    MEDICAL = "medical"
    HOUSING = "housing"
    RELOCATION = "relocation"
    COUNSELLING = "counselling"
    OTHER = "other"


class ApplicationStatus(StrEnum):
    """Where an application stands: waiting for a supervisor, or decided."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class SupportRuleError(Invalid):
    """An amount the pack or the approval does not allow; the message names the limit."""


class FourEyesError(Forbidden):
    """The account that applied tried to decide its own application."""


@dataclass(frozen=True)
class SupportLimit:
    """One kind of support, the most one application may ask for, and where that figure
    comes from (a law, a ministry's figure, or "policy choice")."""

    kind: SupportKind
    title: str
    limit_krw: int
    source: str

    def __post_init__(self) -> None:
        value = self.limit_krw
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_KRW:
            raise ValueError(f"{self.kind}.limit_krw must be a whole number of won > 0")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"{self.kind}: every limit names its source")


_FIELDS = {"kind", "title", "limit_krw", "source"}


def limits_from(raw: Sequence[Mapping[str, Any]]) -> dict[SupportKind, SupportLimit]:
    """Parse the pack's `support` list; every kind must appear exactly once."""
    return one_per_kind("support", raw, SupportKind, _FIELDS, SupportLimit, "no limit for")


def check_application(limits: Mapping[SupportKind, SupportLimit], kind: str, amount: int) -> None:
    """Raise SupportRuleError for an unknown kind or an amount above the kind's limit."""
    if kind not in set(SupportKind) or SupportKind(kind) not in limits:
        raise SupportRuleError(f"unknown support kind {kind!r}")
    limit = limits[SupportKind(kind)]
    if amount <= 0:
        raise SupportRuleError("amount_krw must be more than 0")
    if amount > limit.limit_krw:
        raise SupportRuleError(f"{kind} support is at most {limit.limit_krw:,} KRW per application")


def check_four_eyes(applied_by: str, decider: str | None) -> None:
    """Raise FourEyesError unless the decider is an account other than the applicant's:
    the account, not the token or the role, so a second token or a second role of the
    same person decides nothing."""
    if decider is None or decider == applied_by:
        raise FourEyesError(
            "four eyes: the account that applied cannot decide the application; "
            "another supervisor decides"
        )


def check_approval(applied: int, approved: int | None) -> int:
    """The amount approved: more than 0 and at most what was applied for."""
    if approved is None:
        raise SupportRuleError("amount_krw is required to approve")
    if approved <= 0:
        raise SupportRuleError("amount_krw must be more than 0")
    if approved > applied:
        raise SupportRuleError(f"amount_krw is at most the {applied:,} KRW applied for")
    return approved


def check_payment(approved: int, paid: int, amount: int, reason: str | None) -> None:
    """Raise SupportRuleError unless `amount` (a payment, or a correction below 0 with its
    reason) keeps the application's paid total between 0 and the approved amount."""
    if amount == 0:
        raise SupportRuleError("amount_krw must not be 0")
    if amount < 0 and not (reason or "").strip():
        raise SupportRuleError("a correction (a negative amount) needs its reason")
    total = paid + amount
    if total > approved:
        raise SupportRuleError(
            f"payments would reach {total:,} KRW, beyond the {approved:,} KRW approved "
            f"({paid:,} KRW paid so far)"
        )
    if total < 0:
        raise SupportRuleError(f"a correction cannot take more than the {paid:,} KRW paid")
