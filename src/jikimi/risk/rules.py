"""Risk tiers, the officer's questionnaire, the override rule and the police checklist grade.

Pure rules: the learned scorer lives in `jikimi.risk`; this module holds what every layer
agrees on (the tier a probability falls in, who may change it, how often it is reviewed)
and the Korean police's 2023 checklist count, which is also the fallback scorer when no
model can be loaded. Cut-offs and the checklist mapping are explained in docs/risk.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from jikimi.core.errors import Invalid


class Tier(StrEnum):
    """How dangerous a case is, ordered: low < medium < high < very_high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for very high."""
        return _TIER_ORDER.index(self)

    def __lt__(self, other: str) -> bool:
        return self.rank < Tier(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Tier(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Tier(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Tier(other).rank


_TIER_ORDER = (Tier.LOW, Tier.MEDIUM, Tier.HIGH, Tier.VERY_HIGH)

# Lower bounds of the calibrated 90-day probability of serious re-offending. Chosen on the
# synthetic population (base rate ≈ 16 %) so that roughly 39 % of cases are low, 35 %
# medium, 19 % high and 8 % very high, and so that each tier's observed rate is about
# double the one below (docs/risk.md, "Tiers").
TIER_CUTOFFS: tuple[tuple[float, Tier], ...] = (
    (0.40, Tier.VERY_HIGH),
    (0.20, Tier.HIGH),
    (0.08, Tier.MEDIUM),
)

# How often a case is re-assessed at most, as VioGén does (Spain's national system).
REVIEW_INTERVAL: dict[Tier, timedelta] = {
    Tier.VERY_HIGH: timedelta(hours=72),
    Tier.HIGH: timedelta(days=7),
    Tier.MEDIUM: timedelta(days=30),
    Tier.LOW: timedelta(days=60),
}


def tier_of(probability: float) -> Tier:
    """The tier a calibrated probability falls in (`TIER_CUTOFFS`)."""
    for lower, tier in TIER_CUTOFFS:
        if probability >= lower:
            return tier
    return Tier.LOW


def may_override(computed: Tier | str, requested: Tier | str) -> bool:
    """An officer may keep the computed tier or raise it, never lower it."""
    return Tier(requested) >= Tier(computed)


# --- the questionnaire (API.md, "Risk assessments") -----------------------------------

BOOL_ITEMS: tuple[str, ...] = (
    "threat_to_kill",
    "weapon_threat",
    "gun_access",
    "strangulation",
    "separation",
    "escalation",
    "jealousy_control",
    "substance_abuse",
    "unemployed",
    "prior_violence",
    "children_in_home",
    "stepchild",
)
INT_ITEMS: dict[str, tuple[int, int]] = {"stalking_behaviours": (0, 10), "victim_fear": (0, 5)}
QUESTIONNAIRE_KEYS: tuple[str, ...] = (*BOOL_ITEMS, *INT_ITEMS)

Answers = Mapping[str, bool | int | None]


def validate_answers(answers: Mapping[str, Any]) -> dict[str, bool | int | None]:
    """The answers as typed values; an unknown key, a wrong type or a range is `Invalid`."""
    clean: dict[str, bool | int | None] = {}
    for key, value in answers.items():
        if key in BOOL_ITEMS:
            if value is not None and not isinstance(value, bool):
                raise Invalid(f"{key} must be true, false or null")
        elif key in INT_ITEMS:
            low, high = INT_ITEMS[key]
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
            ):
                raise Invalid(f"{key} must be an integer from {low} to {high} or null")
        else:
            raise Invalid(f"unknown questionnaire item: {key}")
        clean[key] = value
    return clean


# --- the Korean police's 2023 checklist -----------------------------------------------


@dataclass(frozen=True)
class ChecklistHistory:
    """What the checklist asks about the past that Jikimi knows from the case's record."""

    reports: int = 0
    violations: int = 0
    device_tamper: int = 0


def checklist_count(answers: Answers, history: ChecklistHistory | None = None) -> int:
    """The number of checklist items answered 'yes' (unknown counts as no, as on the form).

    Our questionnaire mapped onto the 18 common and 10 offence-specific items as well as
    it goes (docs/risk.md, "The police checklist"): one item per danger question, the victim's
    fear counts when rated 4 or 5, every distinct stalking behaviour is one of the
    offence-specific items, and the case's history answers the items on earlier reports,
    breaches of orders and evading supervision.
    """
    history = history or ChecklistHistory()
    count = sum(1 for key in BOOL_ITEMS if answers.get(key) is True)
    fear = answers.get("victim_fear")
    if isinstance(fear, int) and not isinstance(fear, bool) and fear >= 4:
        count += 1
    behaviours = answers.get("stalking_behaviours")
    if isinstance(behaviours, int) and not isinstance(behaviours, bool):
        count += max(0, min(behaviours, 10))
    count += int(history.reports >= 1) + int(history.reports >= 3)
    count += int(history.violations >= 1) + int(history.device_tamper >= 1)
    return count


def grade_of_count(count: int) -> Tier:
    """The checklist's pilot cut-offs: > 20 very high, ≥ 12 high, ≥ 6 medium, else low."""
    if count > 20:
        return Tier.VERY_HIGH
    if count >= 12:
        return Tier.HIGH
    if count >= 6:
        return Tier.MEDIUM
    return Tier.LOW


def checklist_grade(answers: Answers, history: ChecklistHistory | None = None) -> Tier:
    """The police checklist's grade; also the fallback when no model can be loaded."""
    return grade_of_count(checklist_count(answers, history))


# --- what a scorer answers (the engine's port and `jikimi.risk.scorer` share these) -----


@dataclass(frozen=True)
class History:
    """The case's history in Jikimi at scoring time."""

    reports: int = 0
    contact_violations: int = 0
    proximity_violations: int = 0
    days_since_last_violation: float | None = None
    order_extensions: int = 0
    device_tamper: int = 0


@dataclass(frozen=True)
class Factor:
    """One input and how much it moved the result (the learned model: its SHAP value on
    the calibrated log-odds scale; the checklist: 1 per "yes")."""

    name: str
    contribution: float


@dataclass(frozen=True)
class Assessment:
    """A scorer's answer."""

    probability: float
    tier: Tier
    factors: tuple[Factor, ...]
    model_version: str


# The probability band of each tier, [lower, upper): the checklist fallback reports the
# middle of its grade's band.
TIER_BANDS: dict[Tier, tuple[float, float]] = {
    Tier.LOW: (0.0, TIER_CUTOFFS[2][0]),
    Tier.MEDIUM: (TIER_CUTOFFS[2][0], TIER_CUTOFFS[1][0]),
    Tier.HIGH: (TIER_CUTOFFS[1][0], TIER_CUTOFFS[0][0]),
    Tier.VERY_HIGH: (TIER_CUTOFFS[0][0], 1.0),
}
YES_NO_QUESTIONS = BOOL_ITEMS
COUNT_QUESTIONS = INT_ITEMS
QUESTIONS = QUESTIONNAIRE_KEYS


def checklist_history(history: History) -> ChecklistHistory:
    """What the checklist asks of the past, from the case's history in Jikimi."""
    return ChecklistHistory(
        reports=history.reports,
        violations=history.contact_violations + history.proximity_violations,
        device_tamper=history.device_tamper,
    )


def checklist_yes(answers: Answers, history: History | None = None) -> list[str]:
    """The items that count as "yes" on the checklist, by name (the fallback's factors)."""
    yes = [k for k in BOOL_ITEMS if answers.get(k) is True]
    fear = answers.get("victim_fear")
    if isinstance(fear, int) and not isinstance(fear, bool) and fear >= 4:
        yes.append("victim_fear")
    behaviours = answers.get("stalking_behaviours")
    if isinstance(behaviours, int) and not isinstance(behaviours, bool) and behaviours > 0:
        yes.extend(["stalking_behaviours"] * min(behaviours, 10))
    if history is not None:
        past = checklist_history(history)
        yes += ["reports"] * (int(past.reports >= 1) + int(past.reports >= 3))
        yes += ["order_violation"] * int(past.violations >= 1)
        yes += ["device_tamper"] * int(past.device_tamper >= 1)
    return yes


class ChecklistScorer:
    """The fallback when the learned model cannot be loaded: the police checklist count.

    Its probability is the middle of the grade's band (`TIER_BANDS`) — for ordering, not a
    calibrated estimate — and each distinct "yes" is a factor weighted by its count.
    """

    version = "checklist-kr-2023"

    @classmethod
    def load(cls, path: object = None) -> ChecklistScorer:
        """Nothing to load."""
        return cls()

    def score(self, answers: Answers, note: str | None, history: History) -> Assessment:
        """Count the "yes" answers (questionnaire and history) and grade the count."""
        yes = checklist_yes(answers, history)
        tier = grade_of_count(len(yes))
        low, high = TIER_BANDS[tier]
        counts: dict[str, int] = {}
        for name in yes:
            counts[name] = counts.get(name, 0) + 1
        factors = tuple(Factor(name, float(n)) for name, n in counts.items())
        return Assessment(round((low + high) / 2, 4), tier, factors, self.version)

    def card(self) -> dict[str, Any]:
        """What this scorer is, in the shape of a model card."""
        return {
            "name": "Police risk checklist (fallback)",
            "version": self.version,
            "kind": "checklist",
            "description": (
                "Count of 'yes' answers, graded with the Korean police pilot's cut-offs "
                "(> 20 very high, >= 12 high, >= 6 medium). Used only when the learned "
                "model cannot be loaded; its probability is the middle of the grade's "
                "band, not a calibrated estimate."
            ),
            "tiers": {t.value: list(TIER_BANDS[t]) for t in Tier},
            "metrics": {},
            "plots": [],
        }
