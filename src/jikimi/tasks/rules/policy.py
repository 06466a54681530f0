"""The follow-up and review figures of a jurisdiction, held as data (the pack's `follow_up`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from jikimi.risk.rules import Tier


class PolicyError(ValueError):
    """The pack's scheduling data is malformed; the message names the offending key."""


def _per_tier(very_high: int, high: int, medium: int, low: int) -> Mapping[Tier, int]:
    return MappingProxyType(
        {Tier.VERY_HIGH: very_high, Tier.HIGH: high, Tier.MEDIUM: medium, Tier.LOW: low}
    )


@dataclass(frozen=True)
class FollowUpPolicy:
    """Every figure of the scheduling rules; the defaults are those of the API contract."""

    first_call_within_hours: Mapping[Tier, int] = field(
        default_factory=lambda: _per_tier(24, 24, 72, 72)
    )
    cadence_days: Mapping[Tier, int] = field(default_factory=lambda: _per_tier(3, 7, 30, 60))
    period_days: int = 90
    order_review_lead_days: int = 7
    measure_review_lead_days: int = 3
    retry_within_working_days: int = 1
    visit_after_not_reached: int = 2
    no_shift_within_hours: int = 72

    def __post_init__(self) -> None:
        for name in _TIER_FIELDS:
            per_tier = getattr(self, name)
            if set(per_tier) != set(Tier):
                raise PolicyError(f"follow_up.{name} must give a figure for each of {_TIERS}")
            for tier, value in per_tier.items():
                _check_count(f"{name}.{tier}", value, minimum=1)
        for name, minimum in _COUNT_FIELDS.items():
            _check_count(name, getattr(self, name), minimum)


_TIERS = ", ".join(t.value for t in Tier)
_TIER_FIELDS = ("first_call_within_hours", "cadence_days")
_COUNT_FIELDS = {
    "period_days": 1,
    "order_review_lead_days": 1,
    "measure_review_lead_days": 1,
    "retry_within_working_days": 1,
    "visit_after_not_reached": 1,
    "no_shift_within_hours": 0,
}


def _check_count(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PolicyError(f"follow_up.{name} must be a whole number >= {minimum}, got {value!r}")


def policy_from(raw: Mapping[str, Any]) -> FollowUpPolicy:
    """Parse the pack's `follow_up` object; a key it omits keeps the contract's default."""
    if not isinstance(raw, Mapping):
        raise PolicyError("follow_up must be an object")
    known = {f.name for f in fields(FollowUpPolicy)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PolicyError(f"follow_up has unknown key(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name in _TIER_FIELDS:
            values[name] = _tier_map(name, value)
        else:
            values[name] = value
    return FollowUpPolicy(**values)


def _tier_map(name: str, raw: object) -> Mapping[Tier, int]:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"follow_up.{name} must be an object keyed by tier ({_TIERS})")
    unknown = sorted(str(k) for k in raw if k not in set(Tier))
    if unknown:
        raise PolicyError(f"follow_up.{name} has unknown tier(s) {', '.join(unknown)}")
    return MappingProxyType({Tier(k): v for k, v in raw.items()})
