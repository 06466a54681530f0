"""What the service builds on the risk tiers: bands, the checklist fallback scorer, and
the alert severity a case's tier sets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.alerts.rules import DEFAULT_SEVERITY, AlertKind, Severity, severity_for
from jikimi.risk.rules import TIER_BANDS, ChecklistScorer, History, Tier, tier_of


@given(st.floats(min_value=0.0, max_value=1.0))
def test_the_tier_of_a_probability_is_the_band_that_holds_it(p: float) -> None:
    """Bands are contiguous and cover [0, 1]."""
    low, high = TIER_BANDS[tier_of(p)]
    assert low <= p
    assert p < high or p == 1.0


def test_the_checklist_scorer_counts_violations_in_the_history() -> None:
    """A violated order is one more "yes" on the checklist: five yes are low, six medium."""
    scorer = ChecklistScorer()
    answers = {
        "threat_to_kill": True,
        "strangulation": True,
        "escalation": True,
        "separation": True,
        "weapon_threat": True,
    }
    before = scorer.score(answers, None, History())
    after = scorer.score(answers, None, History(contact_violations=1))
    assert (before.tier, after.tier) == (Tier.LOW, Tier.MEDIUM)
    assert [f.name for f in after.factors][-1] == "order_violation"
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
