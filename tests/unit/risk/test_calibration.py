"""The shipped model on held-out synthetic cases drawn with a fresh seed."""

from __future__ import annotations

import numpy as np

from jikimi.risk.dataset import Inputs
from jikimi.risk.evaluate import auc, calibration
from jikimi.risk.rules import Tier, tier_of
from jikimi.risk.scorer import Scorer


def test_calibrated_on_a_fresh_seed(scorer: Scorer, fresh: Inputs, fresh_x: np.ndarray) -> None:
    p = scorer.probabilities(fresh_x)
    cal = calibration(fresh.outcome, p)
    assert 0.9 <= cal["calibration_slope"] <= 1.1
    assert abs(cal["calibration_intercept"]) < 0.1
    assert abs(p.mean() - fresh.outcome.mean()) < 0.015
    assert 0.70 <= auc(fresh.outcome, p) <= 0.82  # where real instruments land, not higher


def test_each_tier_is_riskier_than_the_one_below(
    scorer: Scorer, fresh: Inputs, fresh_x: np.ndarray
) -> None:
    p = scorer.probabilities(fresh_x)
    rates = []
    for tier in Tier:
        mask = [tier_of(float(q)) is tier for q in p]
        rates.append(fresh.outcome[mask].mean())
    assert rates == sorted(rates)
