"""Risk tiers, the officer's override rule, the questionnaire, and the checklist fallback.

Kept small on purpose: the risk-model branch (`jikimi.risk`) brings the learned scorer
and its own version of this module; the two are reconciled at merge. What the service
needs from here is the tier order, `may_override`, the questionnaire's keys, and the
shapes a scorer returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Tier(StrEnum):
    """How likely serious re-offending within 90 days is, in four steps."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def rank(self) -> int:
        """0 (low) … 3 (very high): tiers compare by this."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


_RANK = {Tier.LOW: 0, Tier.MEDIUM: 1, Tier.HIGH: 2, Tier.VERY_HIGH: 3}

# Probability bands of the tiers: [lower, upper).
TIER_BANDS: dict[Tier, tuple[float, float]] = {
    Tier.LOW: (0.0, 0.10),
    Tier.MEDIUM: (0.10, 0.25),
    Tier.HIGH: (0.25, 0.50),
    Tier.VERY_HIGH: (0.50, 1.0),
}


def tier_of(p: float) -> Tier:
    """The tier whose band holds probability `p`."""
    for tier in (Tier.VERY_HIGH, Tier.HIGH, Tier.MEDIUM):
        if p >= TIER_BANDS[tier][0]:
            return tier
    return Tier.LOW


def may_override(computed: Tier, requested: Tier) -> bool:
    """An officer may raise the tier (or confirm it), never lower it: a lower tier than
    the evidence gives would silently take protection away."""
    return requested >= computed


# The questionnaire (API.md, "Risk assessments"): key → type; ints carry their range.
YES_NO_QUESTIONS = (
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
COUNT_QUESTIONS: dict[str, tuple[int, int]] = {
    "stalking_behaviours": (0, 10),
    "victim_fear": (0, 5),
}
QUESTIONS = (*YES_NO_QUESTIONS, *COUNT_QUESTIONS)


@dataclass(frozen=True)
class History:
    """What Jikimi itself knows of the case."""

    reports: int = 0
    contact_violations: int = 0
    proximity_violations: int = 0
    days_since_last_violation: float | None = None
    order_extensions: int = 0
    device_tamper: int = 0


@dataclass(frozen=True)
class Factor:
    """One input and how much it moved the result."""

    name: str
    contribution: float


@dataclass(frozen=True)
class Assessment:
    """A scorer's answer."""

    probability: float
    tier: Tier
    factors: tuple[Factor, ...]
    model_version: str


Answers = Mapping[str, bool | int | None]

# A count answer is a "yes" on the police checklist from this value on.
_COUNT_YES = {"stalking_behaviours": 3, "victim_fear": 4}


def checklist_yes(answers: Answers) -> list[str]:
    """The questionnaire items answered "yes" (unknown is not yes), as the police
    checklist counts them."""
    yes = [k for k in YES_NO_QUESTIONS if answers.get(k) is True]
    for key, at in _COUNT_YES.items():
        value = answers.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= at:
            yes.append(key)
    return yes


def grade_of_count(count: int) -> Tier:
    """The police pilot's cut-offs (> 20 very high, ≥ 12 high, ≥ 6 medium, of 28 items),
    scaled to our 14 questions: each of ours stands for two checklist items."""
    scaled = 2 * count
    if scaled > 20:
        return Tier.VERY_HIGH
    if scaled >= 12:
        return Tier.HIGH
    if scaled >= 6:
        return Tier.MEDIUM
    return Tier.LOW


def checklist_grade(answers: Answers) -> Tier:
    """The police checklist's grade: the count of "yes"."""
    return grade_of_count(len(checklist_yes(answers)))


def history_yes(history: History) -> list[str]:
    """Checklist items the case's history in Jikimi answers "yes" (an order violated,
    repeatedly, a tampered anklet)."""
    yes = []
    violations = history.contact_violations + history.proximity_violations
    if violations:
        yes.append("order_violation")
    if violations >= 3:
        yes.append("repeated_violations")
    if history.device_tamper:
        yes.append("device_tamper")
    return yes


class ChecklistScorer:
    """The fallback when no learned model is installed: the police checklist count.

    Its probability is the midpoint of the grade's band (`TIER_BANDS`) — a placeholder
    for ordering, not a calibrated estimate — and each "yes" is a factor of weight 1.
    """

    version = "checklist-kr-2023"

    @classmethod
    def load(cls, path: object = None) -> ChecklistScorer:
        """Nothing to load."""
        return cls()

    def score(self, answers: Answers, note: str | None, history: History) -> Assessment:
        """Count the "yes" answers (questionnaire and history) and grade the count."""
        yes = checklist_yes(answers) + history_yes(history)
        tier = grade_of_count(len(yes))
        low, high = TIER_BANDS[tier]
        factors = tuple(Factor(name, 1.0) for name in yes)
        return Assessment(round((low + high) / 2, 4), tier, factors, self.version)

    def card(self) -> dict[str, Any]:
        """What this scorer is, in the shape of a model card."""
        return {
            "name": "Police risk checklist (fallback)",
            "version": self.version,
            "kind": "checklist",
            "description": (
                "Count of 'yes' answers, graded with the Korean police pilot's cut-offs "
                "(each of the 14 questions counts as two of the 28 checklist items). "
                "Used until the learned model is installed; its probability is the "
                "midpoint of the grade's band, not a calibrated estimate."
            ),
            "tiers": {t.value: list(TIER_BANDS[t]) for t in Tier},
            "metrics": {},
            "plots": [],
        }
