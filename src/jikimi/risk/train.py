"""Training (offline only): LightGBM with monotone constraints, Platt calibration, the card.

Cases are split 60/20/20, stratified by outcome: the model learns on the first part, stops
early and is calibrated on the second, and every number in the card comes from the third,
which nothing was fitted on. The baselines are scored on the same hold-out.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from jikimi.risk import card as model_card
from jikimi.risk.dataset import Columns, Inputs, inputs
from jikimi.risk.evaluate import logistic_fit
from jikimi.risk.features import FEATURES, feature_matrix, monotone_vector
from jikimi.risk.rules import BOOL_ITEMS, checklist_count, checklist_grade

PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 200,
    "feature_fraction": 0.9,
    "lambda_l2": 1.0,
    "monotone_constraints_method": "intermediate",
    "num_threads": 2,
    "deterministic": True,
    "verbose": -1,
}
MAX_ROUNDS = 1500
# The unit-weighted danger assessment: every yes/no danger item but children in the home,
# which the Danger Assessment does not ask (it asks about a stepchild).
DA_ITEMS = tuple(item for item in BOOL_ITEMS if item != "children_in_home")


@dataclass(frozen=True)
class Fitted:
    """A boosted model and its Platt calibration: p = σ(a·margin + b)."""

    booster: lgb.Booster
    a: float
    b: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for rows of features."""
        margin = np.asarray(self.booster.predict(x, raw_score=True))
        return np.asarray(1 / (1 + np.exp(-(self.a * margin + self.b))))


def fit(
    x_fit: np.ndarray,
    y_fit: np.ndarray,
    x_cal: np.ndarray,
    y_cal: np.ndarray,
    monotone: list[int],
    names: list[str],
    seed: int = 0,
) -> Fitted:
    """Boost on one part with early stopping on the other, then calibrate on that other."""
    params = {**PARAMS, "seed": seed, "monotone_constraints": monotone}
    fit_set = lgb.Dataset(x_fit, label=y_fit.astype(float), feature_name=names, free_raw_data=True)
    cal_set = lgb.Dataset(x_cal, label=y_cal.astype(float), reference=fit_set)
    booster = lgb.train(
        params,
        fit_set,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[cal_set],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )
    margin = booster.predict(x_cal, raw_score=True, num_iteration=booster.best_iteration)
    b, a = logistic_fit(np.asarray(margin), y_cal)
    if a <= 0:  # a calibration that reverses the ranking would break monotonicity
        raise RuntimeError(f"calibration slope {a:.3f} is not positive")
    return Fitted(booster=booster, a=a, b=b)


@dataclass(frozen=True)
class Ensemble:
    """Boosters cross-fitted on folds, one Platt calibration of their out-of-fold margins."""

    boosters: tuple[lgb.Booster, ...]
    a: float
    b: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from the boosters' mean margin."""
        margin = np.mean([np.asarray(m.predict(x, raw_score=True)) for m in self.boosters], axis=0)
        return np.asarray(1 / (1 + np.exp(-(self.a * margin + self.b))))


def fit_crossfit(
    x: np.ndarray,
    y: np.ndarray,
    monotone: list[int],
    names: list[str],
    seed: int = 0,
    folds: int = 4,
) -> Ensemble:
    """For small data: every case calibrates once (out of fold), not a quarter of them.

    Each fold's booster stops early on its held-out fold; Platt is fitted on all the
    out-of-fold margins, and predictions average the boosters' margins.
    """
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=int)
    for label in (False, True):
        index = rng.permutation(np.flatnonzero(y == label))
        fold[index] = np.arange(len(index)) % folds
    margin = np.zeros(len(y))
    boosters = []
    for k in range(folds):
        held = fold == k
        part = fit(x[~held], y[~held], x[held], y[held], monotone, names, seed + k)
        margin[held] = part.booster.predict(x[held], raw_score=True)
        boosters.append(part.booster)
    b, a = logistic_fit(margin, y)
    return Ensemble(boosters=tuple(boosters), a=a, b=b)


def da_unit_score(answers: dict[str, bool | int | None]) -> int:
    """The Danger Assessment unit-weighted: one point per yes, stalking ≥ 2, fear ≥ 4."""
    score = sum(1 for key in DA_ITEMS if answers.get(key) is True)
    behaviours, fear = answers.get("stalking_behaviours"), answers.get("victim_fear")
    score += int(isinstance(behaviours, int) and behaviours >= 2)
    score += int(isinstance(fear, int) and fear >= 4)
    return score


def baselines(data: Inputs) -> dict[str, np.ndarray]:
    """The checklist grade (0-3), the checklist count, and the unit-weighted DA score."""
    histories = data.checklist_histories()
    pairs = list(zip(data.answers, histories, strict=True))
    return {
        "checklist_grade": np.array([checklist_grade(a, h).rank for a, h in pairs], dtype=float),
        "checklist_count": np.array([checklist_count(a, h) for a, h in pairs], dtype=float),
        "da_unit_weighted": np.array([da_unit_score(a) for a in data.answers], dtype=float),
    }


def split(outcome: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratified 60/20/20 indices: fit, calibrate, hold out."""
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in (False, True):
        index = rng.permutation(np.flatnonzero(outcome == label))
        cut1, cut2 = int(0.6 * len(index)), int(0.8 * len(index))
        for part, chunk in zip(parts, (index[:cut1], index[cut1:cut2], index[cut2:]), strict=True):
            part.append(chunk)
    fit_i, cal_i, test_i = (np.sort(np.concatenate(p)) for p in parts)
    return fit_i, cal_i, test_i


def train(
    cols: Columns,
    out_root: Path,
    seed: int = 0,
    data_source: str = "synthetic",
    say: Callable[[str], None] = lambda _: None,
) -> Path:
    """Train, evaluate on the hold-out, and write a versioned artefact with its card."""
    started = time.perf_counter()
    data = inputs(cols)
    x = feature_matrix(data.answers, data.notes, data.histories, workers=2)
    say(f"features: {x.shape[0]} cases × {x.shape[1]} in {time.perf_counter() - started:.1f} s")
    fit_i, cal_i, test_i = split(data.outcome, seed)
    y = data.outcome
    fitted = fit(x[fit_i], y[fit_i], x[cal_i], y[cal_i], monotone_vector(), list(FEATURES), seed)
    fitted.booster.free_dataset()
    say(f"boosted {fitted.booster.best_iteration} rounds at {time.perf_counter() - started:.1f} s")
    model_text = fitted.booster.model_to_string(num_iteration=fitted.booster.best_iteration)
    digest = hashlib.sha256(model_text.encode()).hexdigest()[:8]
    version = f"{datetime.now(UTC):%Y.%m.%d}-{digest}"
    out = out_root / version
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.txt").write_text(model_text, encoding="utf-8")
    calibrator = {"method": "platt", "scale": "raw LightGBM margin", "a": fitted.a, "b": fitted.b}
    (out / "calibrator.json").write_text(json.dumps(calibrator, indent=2), encoding="utf-8")
    test = data.take(test_i)
    probability = fitted.probability(x[test_i])
    card = model_card.build(
        version=version,
        test=test,
        probability=probability,
        baselines=baselines(test),
        sizes={"fit": len(fit_i), "calibrate": len(cal_i), "holdout": len(test_i)},
        rounds=fitted.booster.best_iteration,
        params=PARAMS,
        data_source=data_source,
        seed=seed,
    )
    card["training_seconds"] = round(time.perf_counter() - started, 1)
    (out / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    model_card.plot(card, out / "calibration.png")
    say(f"wrote {out} in {card['training_seconds']} s")
    return out
