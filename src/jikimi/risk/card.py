"""The model card (offline only): hold-out metrics, tiers, per-group rates, known limits."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from jikimi.risk.dataset import Inputs
from jikimi.risk.evaluate import bootstrap_auc, by_group, difference, reliability, summary
from jikimi.risk.features import FEATURES, MONOTONE
from jikimi.risk.rules import TIER_CUTOFFS, Tier, tier_of

MODEL = "lightgbm_calibrated"
KNOWN_LIMITS = [
    "Trained on a synthetic population: its effects are published odds ratios (halved), "
    "not Korean outcomes. Its ranking is only as right as those studies are for Korea.",
    "The note cues are a lexicon over kiwipiepy morphemes with sentence-level negation; "
    "irony, reported speech and spelling errors are missed.",
    "Sex, age and region are not inputs; per-group rates are shown so that differences "
    "in error rates can be watched, not because the model corrects for them. Where a "
    "group's risk differs for reasons the inputs do not carry, its calibration differs "
    "too: in the synthetic world younger men re-offend more, so the model under-predicts "
    "for 19-29 and over-predicts for 60+ (see groups.age_band: rate against mean_p).",
    "Probabilities are calibrated on the synthetic base rate (~15 %); a real population "
    "with another base rate needs recalibration before the tiers mean the same.",
    "The police checklist items are our reconstruction from its published description; "
    "one common item (suicide or sexual-violence items) has no questionnaire counterpart.",
]


def build(
    *,
    version: str,
    test: Inputs,
    probability: np.ndarray,
    baselines: Mapping[str, np.ndarray],
    sizes: Mapping[str, int],
    rounds: int,
    params: Mapping[str, Any],
    data_source: str,
    seed: int,
) -> dict[str, Any]:
    """The card as data: what the console shows and docs/risk.md quotes."""
    y = test.outcome
    scores = {MODEL: probability, **baselines}
    table, draws = bootstrap_auc(y, scores, n=1000, seed=seed)
    table[MODEL].update(summary(y, probability))
    tiers = np.array([tier_of(float(p)).rank for p in probability])
    flagged = tiers >= Tier.HIGH.rank
    groups = {g: by_group(y, probability, flagged, labels) for g, labels in test.groups.items()}
    return {
        "version": version,
        "model": "LightGBM gradient boosting, Platt-calibrated on a separate split",
        "outcome": "serious re-offending within 90 days (synthetic)",
        "intended_use": "decision support for officers; never the only reason for an action",
        "data": {
            "source": data_source,
            "seed": seed,
            "split": dict(sizes),
            "base_rate_holdout": float(y.mean()),
        },
        "features": list(FEATURES),
        "monotone_increasing": [n for n, v in MONOTONE.items() if v > 0],
        "monotone_decreasing": [n for n, v in MONOTONE.items() if v < 0],
        "boosting_rounds": rounds,
        "params": {k: v for k, v in params.items() if k != "monotone_constraints"},
        "contributions": "SHAP values on the calibrated log-odds scale",
        "metrics": table,
        "auc_gain": {name: difference(draws, MODEL, name) for name in baselines if name in draws},
        "reliability": reliability(y, probability),
        "tiers": _tiers(y, tiers),
        "groups": groups,
        "flag_for_group_rates": "tier high or very_high",
        "known_limits": KNOWN_LIMITS,
    }


def _tiers(y: np.ndarray, ranks: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"cutoffs": {t.value: lower for lower, t in TIER_CUTOFFS}}
    for tier in Tier:
        mask = ranks == tier.rank
        out[tier.value] = {
            "share": float(mask.mean()),
            "observed_rate": float(y[mask].mean()) if mask.any() else None,
        }
    return out


def plot(card: Mapping[str, Any], path: Path) -> None:
    """The reliability diagram (deciles of the hold-out) as a PNG, when matplotlib is here."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the card still carries the numbers
        return
    points = card["reliability"]
    predicted = [p["predicted"] for p in points]
    observed = [p["observed"] for p in points]
    fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=100)
    top = max(*predicted, *observed) * 1.05
    ax.plot([0, top], [0, top], color="#999", lw=1, ls="--", label="perfect")
    ax.plot(predicted, observed, "o-", color="#1f5fa8", label="hold-out deciles")
    metrics = card["metrics"][MODEL]
    ax.set_title(
        f"{card['version']}\nslope {metrics['calibration_slope']:.2f}, AUC {metrics['auc']:.3f}",
        fontsize=9,
    )
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed rate")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
