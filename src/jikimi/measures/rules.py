"""Safety-measure kinds (held as data in the pack) and the limits on their windows.

Windows and extensions are measured in elapsed days (24 h each), from `starts_at` to
`ends_at` and from the measure's current end to the new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from jikimi.core.errors import Invalid
from jikimi.core.pack_lists import one_per_kind


class SafetyMeasure(StrEnum):
    """The kinds of safety measure an officer can put in place."""

    SMARTWATCH = "smartwatch"
    HOME_CCTV = "home_cctv"
    PRIVATE_SECURITY = "private_security"
    SHELTER = "shelter"
    PATROL = "patrol"
    EMERGENCY_112_REGISTRATION = "emergency_112_registration"
    ESCORT = "escort"
    RELOCATION = "relocation"


class MeasureStatus(StrEnum):
    """Where a measure stands at a given instant."""

    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"


class MeasureRuleError(Invalid):
    """A window or extension the pack does not allow; the message names the limit."""


@dataclass(frozen=True)
class MeasureKind:
    """One kind of safety measure and its limits."""

    kind: SafetyMeasure
    title: str
    max_days: int
    max_extensions: int | None = 0  # None: no limit on the count, only on each extension
    extension_days: int | None = None  # None: cannot be extended

    def __post_init__(self) -> None:
        for name, value in (
            ("max_days", self.max_days),
            ("max_extensions", self.max_extensions),
            ("extension_days", self.extension_days),
        ):
            optional = name != "max_days"
            if value is None and optional:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{self.kind}.{name} must be a whole number >= 0, got {value!r}")
        if self.max_days < 1:
            raise ValueError(f"{self.kind}.max_days must be at least 1")


_FIELDS = {"kind", "title", "max_days", "max_extensions", "extension_days"}


def measures_from(raw: Sequence[Mapping[str, Any]]) -> dict[SafetyMeasure, MeasureKind]:
    """Parse the pack's `safety_measures` list; every kind must appear exactly once."""
    return one_per_kind(
        "safety_measures", raw, SafetyMeasure, _FIELDS, MeasureKind, "no limits for"
    )


def get_kind(kinds: Mapping[SafetyMeasure, MeasureKind], name: str) -> MeasureKind:
    """Return the kind named `name` or raise MeasureRuleError naming it."""
    if name not in set(SafetyMeasure) or SafetyMeasure(name) not in kinds:
        raise MeasureRuleError(f"unknown safety measure kind {name!r}")
    return kinds[SafetyMeasure(name)]


def check_window(kind: MeasureKind, starts_at: datetime, ends_at: datetime) -> None:
    """Raise MeasureRuleError when the window is empty or longer than the kind allows."""
    if ends_at <= starts_at:
        raise MeasureRuleError("ends_at must be after starts_at")
    if ends_at - starts_at > timedelta(days=kind.max_days):
        raise MeasureRuleError(f"{kind.kind} lasts at most {kind.max_days} day(s)")


def check_extension(
    kind: MeasureKind, current_end: datetime, extensions_so_far: int, new_end: datetime
) -> None:
    """Raise MeasureRuleError when one more extension to `new_end` breaks the kind's limits."""
    if kind.extension_days is None or kind.max_extensions == 0:
        raise MeasureRuleError(f"{kind.kind} cannot be extended")
    if kind.max_extensions is not None and extensions_so_far >= kind.max_extensions:
        raise MeasureRuleError(f"{kind.kind} allows at most {kind.max_extensions} extension(s)")
    if new_end <= current_end:
        raise MeasureRuleError("an extension must end after the measure's current end")
    if new_end - current_end > timedelta(days=kind.extension_days):
        raise MeasureRuleError(
            f"each extension of {kind.kind} is at most {kind.extension_days} day(s)"
        )


def status_at(
    starts_at: datetime, ends_at: datetime, ended_at: datetime | None, now: datetime
) -> MeasureStatus:
    """The measure's status at `now`: ended early by `ended_at`, or by the clock."""
    if (ended_at is not None and now >= ended_at) or now >= ends_at:
        return MeasureStatus.ENDED
    if now < starts_at:
        return MeasureStatus.SCHEDULED
    return MeasureStatus.ACTIVE
