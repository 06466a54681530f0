"""Training time and the synthetic hold-out table: `jikimi risk synth` then `jikimi risk train`.

Draws 200,000 synthetic cases, trains into a temporary models directory (the shipped
artefact is untouched) and records wall time per phase and the card's hold-out metrics.
Target: training on 200,000 cases under 3 minutes.

    .venv/bin/python bench/risk_train.py [--n 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from jikimi.risk.dataset import read_table, write_table
from jikimi.risk.synth import synthesize
from jikimi.risk.train import train

RESULTS = Path(__file__).parent / "results" / "risk_train.json"


def main() -> None:
    """Synthesize, write, read back, train; write bench/results/risk_train.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "apo.csv"
        t0 = time.perf_counter()
        write_table(synthesize(args.n, args.seed), table)
        t1 = time.perf_counter()
        out = train(read_table(table), Path(tmp) / "models", seed=0, say=print)
        t2 = time.perf_counter()
        card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    result = {
        "cases": args.n,
        "synth_seed": args.seed,
        "synth_and_write_s": round(t1 - t0, 1),
        "train_s": round(t2 - t1, 1),
        "target_train_s": 180,
        "cpus": os.cpu_count(),
        "version": card["version"],
        "metrics": card["metrics"],
        "auc_gain": card["auc_gain"],
        "tiers": card["tiers"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("synth_and_write_s", "train_s", "version")}))


if __name__ == "__main__":
    main()
