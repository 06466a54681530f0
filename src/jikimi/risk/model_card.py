"""The model card as callers and readers see it: without server paths, its figures rounded
for people, its calibration bins as points of a plot. Pure: no framework, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PLOT_SIZE = 240  # the calibration plot's square, in SVG user units
PLOT_MARGIN = 36
MODEL_METRICS = "lightgbm_calibrated"  # the card's key for the shipped model's metrics


def public_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """The card without where the artefact lies on the server (`plots_dir`), and its data
    source named by what it is, not by the file it was read from."""
    out = {k: v for k, v in card.items() if k != "plots_dir"}
    data = out.get("data")
    if isinstance(data, dict) and isinstance(data.get("source"), str):
        out["data"] = {**data, "source": data["source"].rsplit(": ", 1)[-1]}
    return out


def fixed(value: object, digits: int = 3) -> str:
    """A figure with `digits` decimals; a dash when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.{digits}f}"


def signed(value: object, digits: int = 2) -> str:
    """A figure with its sign (a calibration intercept); minus zero shown as +0.00."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    text = f"{value:+.{digits}f}"
    return "+" + text[1:] if text.startswith("-") and float(text) == 0 else text


def pct(value: object, digits: int = 1) -> str:
    """A share as a percentage (0.158 → 15.8%)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.{digits}f}%"


@dataclass(frozen=True)
class MetricRow:
    """One scoring method's AUC with its interval, and the shipped model's other figures."""

    name: str
    auc: str
    interval: str
    gain: str


def metric_rows(card: Mapping[str, Any]) -> list[MetricRow]:
    """The metrics table: ours first, then the baselines with our AUC gain over each."""
    metrics = card.get("metrics") or {}
    gains = card.get("auc_gain") or {}
    rows = []
    for name, m in metrics.items():
        if not isinstance(m, Mapping):
            continue
        g = gains.get(name) if isinstance(gains, Mapping) else None
        gain = ""
        if isinstance(g, Mapping):
            gain = (
                f"{signed(g.get('mean'), 3)} [{signed(g.get('lo'), 3)}, {signed(g.get('hi'), 3)}]"
            )
        interval = f"[{fixed(m.get('auc_lo'))}, {fixed(m.get('auc_hi'))}]"
        rows.append(MetricRow(str(name), fixed(m.get("auc")), interval, gain))
    rows.sort(key=lambda r: r.name != MODEL_METRICS)
    return rows


@dataclass(frozen=True)
class GroupRow:
    """One group's size, observed rate, mean prediction and error rates, rounded."""

    kind: str
    group: str
    n: str
    rate: str
    mean_p: str
    auc: str
    fpr: str
    fnr: str


def group_rows(card: Mapping[str, Any]) -> list[GroupRow]:
    """Per-group figures (sex, age band, region), in the card's order."""
    rows = []
    for kind, groups in (card.get("groups") or {}).items():
        if not isinstance(groups, Mapping):
            continue
        for group, g in groups.items():
            if not isinstance(g, Mapping):
                continue
            n = g.get("n")
            rows.append(
                GroupRow(
                    str(kind),
                    str(group),
                    f"{n:,}" if isinstance(n, int) else "—",
                    pct(g.get("rate")),
                    pct(g.get("mean_p")),
                    fixed(g.get("auc")),
                    fixed(g.get("fpr")),
                    fixed(g.get("fnr")),
                )
            )
    return rows


@dataclass(frozen=True)
class CalibrationPoint:
    """One bin: where it sits in the plot, and its figures for a tooltip."""

    x: float
    y: float
    n: int
    predicted: str
    observed: str


def calibration_points(
    bins: Sequence[Mapping[str, Any]], size: int = PLOT_SIZE
) -> tuple[list[CalibrationPoint], float]:
    """The reliability bins as SVG points (x predicted, y observed, the origin bottom-left)
    on axes from 0 to the largest value rounded up to a tenth; and that top value."""
    usable = [
        b
        for b in bins
        if isinstance(b.get("predicted"), int | float)
        and isinstance(b.get("observed"), int | float)
    ]
    largest = max([0.1, *(max(b["predicted"], b["observed"]) for b in usable)])
    top = min(1.0, -(-largest * 10 // 1) / 10)
    points = [
        CalibrationPoint(
            x=round(PLOT_MARGIN + b["predicted"] / top * size, 1),
            y=round(PLOT_MARGIN + size - b["observed"] / top * size, 1),
            n=int(b.get("n") or 0),
            predicted=pct(b["predicted"]),
            observed=pct(b["observed"]),
        )
        for b in usable
    ]
    return points, top
