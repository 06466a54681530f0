"""Training end to end on a small synthetic population: an artefact the scorer loads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from jikimi.risk.dataset import read_table, write_table
from jikimi.risk.evaluate import auc, bootstrap_auc, calibration, difference, precision_top
from jikimi.risk.scorer import History, Scorer
from jikimi.risk.synth import synthesize
from jikimi.risk.train import da_unit_score, split, train


def test_a_small_training_run_writes_a_loadable_artefact(tmp_path: Path) -> None:
    table = tmp_path / "apo.csv.gz"
    write_table(synthesize(6000, seed=3), table)
    cols = read_table(table)
    assert len(cols["note"]) == 6000
    out = train(cols, tmp_path / "models", seed=1)
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["version"] == out.name
    sizes = card["data"]["split"]
    assert sum(sizes.values()) == 6000
    assert abs(sizes["holdout"] - 1200) <= 2
    scorer = Scorer.load(out)
    result = scorer.score({"strangulation": True}, "목을 졸랐다고 함.", History())
    assert result.model_version == out.name
    assert (
        scorer.score({"strangulation": False}, None, History()).probability
        <= scorer.score({"strangulation": True}, None, History()).probability
    )


def test_synthetic_effects_point_the_published_way() -> None:
    cols = synthesize(40_000, seed=5)
    y = np.asarray(cols["reoffended_90d"], dtype=bool)
    assert 0.12 < y.mean() < 0.20
    for sign in ("strangulation", "weapon_threat", "threat_to_kill", "separation"):
        yes = np.array([v is True for v in cols[sign]])
        no = np.array([v is False for v in cols[sign]])
        assert y[yes].mean() > 1.3 * y[no].mean(), sign
    best = auc(y, np.asarray(cols["logodds_signs"]))
    assert 0.72 < best < 0.85  # not too easy: unobserved heterogeneity


def test_split_is_stratified_and_disjoint() -> None:
    y = np.r_[np.zeros(800, bool), np.ones(200, bool)]
    fit_i, cal_i, test_i = split(y, seed=0)
    assert len(set(fit_i) | set(cal_i) | set(test_i)) == 1000
    assert (len(fit_i), len(cal_i), len(test_i)) == (600, 200, 200)
    assert y[test_i].mean() == 0.2


def test_da_unit_weighted_counts_yes() -> None:
    assert da_unit_score({"strangulation": True, "victim_fear": 4, "stalking_behaviours": 1}) == 2


def test_metrics_on_known_data() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.6, 50_000)
    y = rng.random(50_000) < p
    cal = calibration(y, p)
    assert abs(cal["calibration_slope"] - 1) < 0.05
    assert abs(cal["calibration_intercept"]) < 0.05
    table, draws = bootstrap_auc(y, {"p": p, "noise": rng.random(50_000)}, n=200)
    assert table["p"]["auc_lo"] < table["p"]["auc"] < table["p"]["auc_hi"]
    assert difference(draws, "p", "noise")["lo"] > 0.2
    assert precision_top(y, p) > 0.5
    assert auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
