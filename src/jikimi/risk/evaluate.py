"""Hold-out metrics (offline only): AUC with bootstrap intervals, Brier, calibration, rates.

numpy only, so that the same code scores the synthetic hold-out and the real-data bench.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

FloatArray = np.ndarray


def auc(y: FloatArray, score: FloatArray, weight: FloatArray | None = None) -> float:
    """Area under the ROC curve (ties count a half), optionally with case weights."""
    y = np.asarray(y, dtype=bool)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    return float(_auc_sorted(*_groups(np.asarray(score, dtype=float)), y, w))


def _groups(score: FloatArray) -> tuple[FloatArray, FloatArray]:
    order = np.argsort(score, kind="stable")
    sorted_scores = score[order]
    starts = np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]
    return order, np.cumsum(starts) - 1


def _auc_sorted(order: FloatArray, group: FloatArray, y: FloatArray, w: FloatArray) -> float:
    pos = np.bincount(group, weights=(w * y)[order])
    neg = np.bincount(group, weights=(w * ~y)[order])
    below = np.cumsum(neg) - neg
    total = pos.sum() * neg.sum()
    return float(np.sum(pos * (below + 0.5 * neg)) / total) if total else float("nan")


def bootstrap_auc(
    y: FloatArray, scores: Mapping[str, FloatArray], n: int = 1000, seed: int = 0
) -> tuple[dict[str, dict[str, float]], dict[str, FloatArray]]:
    """AUC and its 95 % bootstrap interval per score, and the draws (for paired differences).

    Every score sees the same resamples, drawn as multinomial case weights so that each
    score is sorted once.
    """
    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    sorted_groups = {name: _groups(np.asarray(s, dtype=float)) for name, s in scores.items()}
    draws: dict[str, FloatArray] = {name: np.empty(n) for name in scores}
    for i in range(n):
        w = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y)).astype(float)
        for name, (order, group) in sorted_groups.items():
            draws[name][i] = _auc_sorted(order, group, y, w)
    table: dict[str, dict[str, float]] = {}
    for name, score in scores.items():
        lo, hi = np.percentile(draws[name], [2.5, 97.5])
        table[name] = {"auc": auc(y, score), "auc_lo": float(lo), "auc_hi": float(hi)}
    return table, draws


def difference(draws: Mapping[str, FloatArray], better: str, worse: str) -> dict[str, float]:
    """Paired bootstrap mean and 95 % interval of AUC(better) − AUC(worse)."""
    diff = draws[better] - draws[worse]
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return {"mean": float(diff.mean()), "lo": float(lo), "hi": float(hi)}


def logistic_fit(
    x: FloatArray, y: FloatArray, offset: FloatArray | None = None, slope: bool = True
) -> tuple[float, float]:
    """Maximum-likelihood (intercept, slope) of y ~ intercept + slope·x (+ offset), by Newton."""
    y = np.asarray(y, dtype=float)
    design = np.column_stack([np.ones(len(x)), x]) if slope else np.ones((len(x), 1))
    off = np.zeros(len(x)) if offset is None else offset
    beta = np.zeros(design.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(design @ beta + off)))
        gradient = design.T @ (y - p)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1]) if slope else 1.0


def logit(p: FloatArray) -> FloatArray:
    """log(p / (1 − p)), clipped away from 0 and 1."""
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def calibration(y: FloatArray, p: FloatArray) -> dict[str, float]:
    """Calibration slope (y ~ a + b·logit p) and intercept with the slope fixed at 1."""
    lp = logit(p)
    _, slope = logistic_fit(lp, y)
    intercept, _ = logistic_fit(lp, y, offset=lp, slope=False)
    return {"calibration_slope": slope, "calibration_intercept": intercept}


def brier(y: FloatArray, p: FloatArray) -> float:
    """Mean squared error of the probability."""
    return float(np.mean((np.asarray(p) - np.asarray(y, dtype=float)) ** 2))


def precision_top(y: FloatArray, score: FloatArray, share: float = 0.10) -> float:
    """The outcome rate among the `share` of cases with the highest score.

    Ties at the boundary count in proportion (the expectation under random tie-breaking),
    so that coarse scores such as deciles are not flattered or penalised by sort order.
    """
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    k = share * len(y)
    boundary = np.sort(score)[::-1][max(0, int(np.ceil(k)) - 1)]
    above, tied = score > boundary, score == boundary
    hits = y[above].sum() + (k - above.sum()) * y[tied].mean()
    return float(hits / k)


def error_rates(y: FloatArray, flagged: FloatArray) -> dict[str, float]:
    """False-positive and false-negative rates of a yes/no flag."""
    y = np.asarray(y, dtype=bool)
    flagged = np.asarray(flagged, dtype=bool)
    negatives, positives = (~y).sum(), y.sum()
    return {
        "fpr": float((flagged & ~y).sum() / negatives) if negatives else float("nan"),
        "fnr": float((~flagged & y).sum() / positives) if positives else float("nan"),
    }


def by_group(
    y: FloatArray, p: FloatArray, flagged: FloatArray, groups: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per group: size, outcome rate, mean probability, AUC, FPR and FNR of the flag."""
    labels = np.asarray(groups)
    out: dict[str, dict[str, float]] = {}
    for label in sorted(set(labels.tolist())):
        mask = labels == label
        out[str(label)] = {
            "n": int(mask.sum()),
            "rate": float(np.mean(y[mask])),
            "mean_p": float(np.mean(p[mask])),
            "auc": auc(y[mask], p[mask]),
            **error_rates(y[mask], flagged[mask]),
        }
    return out


def reliability(y: FloatArray, p: FloatArray, bins: int = 10) -> list[dict[str, Any]]:
    """Mean predicted against observed rate in deciles of the prediction."""
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, bins):
        out.append(
            {
                "n": len(chunk),
                "predicted": float(p[chunk].mean()),
                "observed": float(y[chunk].mean()),
            }
        )
    return out


def summary(y: FloatArray, p: FloatArray) -> dict[str, float]:
    """Brier, calibration slope and intercept, precision among the top 10 %."""
    return {"brier": brier(y, p), **calibration(y, p), "precision_top10": precision_top(y, p)}
