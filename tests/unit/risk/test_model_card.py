"""The card as readers see it: no server path, figures rounded for people, calibration
bins placed on the plot where they belong."""

from __future__ import annotations

from jikimi.risk.model_card import (
    PLOT_MARGIN,
    PLOT_SIZE,
    calibration_points,
    fixed,
    group_rows,
    metric_rows,
    pct,
    public_card,
    signed,
)


def test_the_public_card_drops_the_directory_and_the_file_name() -> None:
    card = {
        "plots_dir": "/srv/app/.venv/lib/site-packages/jikimi/risk/models/v1",
        "data": {"source": "data/apo.csv: 200000 cases, synthetic", "seed": 0},
        "version": "v1",
    }
    out = public_card(card)
    assert "plots_dir" not in out
    assert out["data"] == {"source": "200000 cases, synthetic", "seed": 0}
    assert out["version"] == "v1"


def test_figures_are_rounded_for_people() -> None:
    assert fixed(0.7761706821551244) == "0.776"
    assert signed(0.004002818958396944) == "+0.00"
    assert signed(-0.0001) == "+0.00"  # no minus zero
    assert signed(-0.25) == "-0.25"
    assert pct(0.1580460488487788) == "15.8%"
    assert fixed(None) == fixed(True) == "—"


def test_ours_comes_first_with_its_interval_and_baselines_carry_the_gain() -> None:
    card = {
        "metrics": {
            "checklist_grade": {"auc": 0.686, "auc_lo": 0.68, "auc_hi": 0.692},
            "lightgbm_calibrated": {"auc": 0.7762, "auc_lo": 0.77, "auc_hi": 0.7829},
        },
        "auc_gain": {"checklist_grade": {"mean": 0.0901, "lo": 0.0848, "hi": 0.0954}},
    }
    ours, grade = metric_rows(card)
    assert (ours.name, ours.auc, ours.interval, ours.gain) == (
        "lightgbm_calibrated",
        "0.776",
        "[0.770, 0.783]",
        "",
    )
    assert grade.gain == "+0.090 [+0.085, +0.095]"


def test_group_rows_keep_the_cards_order() -> None:
    card = {
        "groups": {
            "sex": {"F": {"n": 5541, "rate": 0.16, "mean_p": 0.159, "auc": 0.78, "fpr": 0.2}},
            "age_band": {"60+": {"n": 3608, "rate": 0.0945, "mean_p": 0.1234}},
        }
    }
    f, old = group_rows(card)
    assert (f.kind, f.group, f.n, f.rate, f.fnr) == ("sex", "F", "5,541", "16.0%", "—")
    assert (old.kind, old.group, old.mean_p) == ("age_band", "60+", "12.3%")


def test_a_perfectly_calibrated_bin_sits_on_the_diagonal() -> None:
    bins = [
        {"n": 10, "predicted": 0.1, "observed": 0.1},
        {"n": 10, "predicted": 0.5, "observed": 0.5},
        {"n": 3, "predicted": None, "observed": 0.2},  # unusable: left out
    ]
    points, top = calibration_points(bins)
    assert top == 0.5
    assert len(points) == 2
    for p in points:
        assert p.x - PLOT_MARGIN == PLOT_MARGIN + PLOT_SIZE - p.y
    assert (points[1].x, points[1].y) == (PLOT_MARGIN + PLOT_SIZE, PLOT_MARGIN)
    assert points[0].observed == "10.0%"
