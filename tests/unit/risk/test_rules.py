"""Risk tiers, the override rule, review intervals, the questionnaire and the checklist grade."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.core.errors import Invalid
from jikimi.risk.rules import (
    BOOL_ITEMS,
    QUESTIONNAIRE_KEYS,
    REVIEW_INTERVAL,
    ChecklistHistory,
    Tier,
    checklist_count,
    checklist_grade,
    grade_of_count,
    may_override,
    tier_of,
    validate_answers,
)


def test_tiers_are_ordered_by_danger_not_alphabet() -> None:
    assert Tier.LOW < Tier.MEDIUM < Tier.HIGH < Tier.VERY_HIGH
    assert max(Tier) == Tier.VERY_HIGH
    assert sorted([Tier.VERY_HIGH, Tier.LOW, Tier.HIGH]) == [Tier.LOW, Tier.HIGH, Tier.VERY_HIGH]
    assert Tier("high") >= "medium"


@pytest.mark.parametrize(
    ("probability", "tier"),
    [
        (0.0, Tier.LOW),
        (0.0799, Tier.LOW),
        (0.08, Tier.MEDIUM),
        (0.1999, Tier.MEDIUM),
        (0.20, Tier.HIGH),
        (0.3999, Tier.HIGH),
        (0.40, Tier.VERY_HIGH),
        (1.0, Tier.VERY_HIGH),
    ],
)
def test_tier_cutoffs(probability: float, tier: Tier) -> None:
    assert tier_of(probability) is tier


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_higher_probability_never_gets_a_lower_tier(p: float, q: float) -> None:
    low, high = sorted((p, q))
    assert tier_of(low) <= tier_of(high)


@pytest.mark.parametrize("computed", list(Tier))
@pytest.mark.parametrize("requested", list(Tier))
def test_an_override_may_only_keep_or_raise_the_tier(computed: Tier, requested: Tier) -> None:
    assert may_override(computed, requested) is (requested.rank >= computed.rank)
    assert may_override(computed.value, requested.value) is (requested.rank >= computed.rank)


def test_review_intervals_follow_viogen() -> None:
    assert REVIEW_INTERVAL[Tier.VERY_HIGH] == timedelta(hours=72)
    assert REVIEW_INTERVAL[Tier.HIGH] == timedelta(days=7)
    assert REVIEW_INTERVAL[Tier.MEDIUM] == timedelta(days=30)
    assert REVIEW_INTERVAL[Tier.LOW] == timedelta(days=60)


def test_the_questionnaire_keys_are_api_md_s() -> None:
    assert set(QUESTIONNAIRE_KEYS) == {
        "threat_to_kill", "weapon_threat", "gun_access", "strangulation", "separation",
        "escalation", "stalking_behaviours", "jealousy_control", "substance_abuse",
        "unemployed", "prior_violence", "children_in_home", "stepchild", "victim_fear",
    }  # fmt: skip


def test_every_answer_is_optional() -> None:
    assert validate_answers({}) == {}
    assert validate_answers({"strangulation": None, "victim_fear": None}) == {
        "strangulation": None,
        "victim_fear": None,
    }


@pytest.mark.parametrize(
    "answers",
    [
        {"threats": True},
        {"strangulation": 1},
        {"strangulation": "yes"},
        {"stalking_behaviours": 11},
        {"stalking_behaviours": -1},
        {"victim_fear": 6},
        {"victim_fear": True},
        {"victim_fear": 2.5},
    ],
)
def test_unknown_keys_wrong_types_and_ranges_are_invalid(answers: dict[str, object]) -> None:
    with pytest.raises(Invalid):
        validate_answers(answers)


@pytest.mark.parametrize(
    ("count", "grade"),
    [
        (0, Tier.LOW),
        (5, Tier.LOW),
        (6, Tier.MEDIUM),
        (11, Tier.MEDIUM),
        (12, Tier.HIGH),
        (20, Tier.HIGH),
        (21, Tier.VERY_HIGH),
        (28, Tier.VERY_HIGH),
    ],
)
def test_checklist_cutoffs(count: int, grade: Tier) -> None:
    assert grade_of_count(count) is grade


def test_checklist_counts_yes_and_ignores_unknown() -> None:
    answers: dict[str, bool | int | None] = {"threat_to_kill": True, "strangulation": None}
    answers |= {"separation": False, "stalking_behaviours": 3, "victim_fear": 4}
    assert checklist_count(answers) == 1 + 3 + 1
    assert checklist_count({"victim_fear": 3}) == 0
    assert checklist_grade({}) is Tier.LOW


def test_checklist_history_items() -> None:
    history = ChecklistHistory(reports=3, violations=2, device_tamper=1)
    assert checklist_count({}, history) == 4
    assert checklist_count({}, ChecklistHistory(reports=1)) == 1


def test_everything_yes_is_very_high() -> None:
    answers: dict[str, bool | int | None] = dict.fromkeys(BOOL_ITEMS, True)
    answers |= {"stalking_behaviours": 10, "victim_fear": 5}
    history = ChecklistHistory(reports=5, violations=5, device_tamper=1)
    assert checklist_count(answers, history) == 12 + 1 + 10 + 4
    assert checklist_grade(answers, history) is Tier.VERY_HIGH
