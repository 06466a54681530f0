"""Risk tiers: their order, the override rule, the checklist fallback, alert severity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.domain.alerts import DEFAULT_SEVERITY, AlertKind, Severity, severity_for
from jikimi.domain.risk import (
    QUESTIONS,
    TIER_BANDS,
    ChecklistScorer,
    History,
    Tier,
    checklist_grade,
    may_override,
    tier_of,
)

TIERS = list(Tier)


def test_tiers_are_ordered_by_risk_not_by_name() -> None:
    """'high' < 'low' as strings; as tiers, low < medium < high < very high."""
    assert sorted([Tier.HIGH, Tier.LOW, Tier.VERY_HIGH, Tier.MEDIUM]) == TIERS
    assert Tier.HIGH > Tier.LOW
    assert Tier.VERY_HIGH >= Tier.VERY_HIGH
    assert max(Tier.MEDIUM, Tier.HIGH) is Tier.HIGH


@given(st.sampled_from(TIERS), st.sampled_from(TIERS))
def test_an_override_may_raise_or_confirm_never_lower(computed: Tier, requested: Tier) -> None:
    """Never silently downward."""
    assert may_override(computed, requested) is (requested.rank >= computed.rank)


def test_every_tier_may_be_raised_to_very_high_and_low_only_confirms_low() -> None:
    """The corner cases, spelled out."""
    assert all(may_override(t, Tier.VERY_HIGH) for t in TIERS)
    assert not may_override(Tier.VERY_HIGH, Tier.HIGH)
    assert not may_override(Tier.MEDIUM, Tier.LOW)
    assert may_override(Tier.LOW, Tier.LOW)


@given(st.floats(min_value=0.0, max_value=1.0))
def test_the_tier_of_a_probability_is_the_band_that_holds_it(p: float) -> None:
    """Bands are contiguous and cover [0, 1]."""
    low, high = TIER_BANDS[tier_of(p)]
    assert low <= p
    assert p < high or p == 1.0


def test_the_questionnaire_has_the_keys_of_the_contract() -> None:
    """API.md's fourteen questions."""
    assert len(QUESTIONS) == 14
    assert {"threat_to_kill", "stalking_behaviours", "victim_fear"} <= set(QUESTIONS)


def test_the_checklist_grade_counts_yes_and_unknown_is_not_yes() -> None:
    """Each of our questions stands for two checklist items: 3 yes → 6 → medium."""
    assert checklist_grade({}) is Tier.LOW
    assert checklist_grade({"threat_to_kill": None, "strangulation": False}) is Tier.LOW
    three = {"threat_to_kill": True, "strangulation": True, "escalation": True}
    assert checklist_grade(three) is Tier.MEDIUM
    six = {**three, "separation": True, "stalking_behaviours": 5, "victim_fear": 4}
    assert checklist_grade(six) is Tier.HIGH
    assert checklist_grade({**six, "stalking_behaviours": 2, "victim_fear": 3}) is Tier.MEDIUM
    eleven = {**six, "weapon_threat": True, "gun_access": True, "prior_violence": True}
    eleven |= {"jealousy_control": True, "substance_abuse": True}
    assert checklist_grade(eleven) is Tier.VERY_HIGH


def test_the_checklist_scorer_counts_violations_in_the_history() -> None:
    """A violated order is one more "yes"; three violations are two."""
    scorer = ChecklistScorer()
    answers = {"threat_to_kill": True, "strangulation": True}
    before = scorer.score(answers, None, History())
    after = scorer.score(answers, None, History(contact_violations=1))
    assert (before.tier, after.tier) == (Tier.LOW, Tier.MEDIUM)
    assert [f.name for f in after.factors] == ["threat_to_kill", "strangulation", "order_violation"]
    assert TIER_BANDS[after.tier][0] <= after.probability < TIER_BANDS[after.tier][1]
    assert after.model_version == scorer.version == scorer.card()["version"]


@pytest.mark.parametrize("kind", list(AlertKind))
def test_the_risk_tier_sets_the_alert_severity(kind: AlertKind) -> None:
    """Unassessed, low and medium keep the kind's severity; high raises it one step (not
    above critical); very high makes it critical."""
    base = DEFAULT_SEVERITY[kind]
    for tier in (None, Tier.LOW, Tier.MEDIUM):
        assert severity_for(kind, tier) is base
    raised = {
        Severity.LOW: Severity.MEDIUM,
        Severity.MEDIUM: Severity.HIGH,
        Severity.HIGH: Severity.CRITICAL,
        Severity.CRITICAL: Severity.CRITICAL,
    }
    assert severity_for(kind, Tier.HIGH) is raised[base]
    assert severity_for(kind, Tier.VERY_HIGH) is Severity.CRITICAL
