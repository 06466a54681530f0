"""Scoring latency of the shipped risk model: one case at a time, as the service calls it.

Loads the packaged artefact (`Scorer.load()`), warms the Korean analyser, then scores
synthetic cases (questionnaire, a Korean note of 2-12 sentences, history) one by one and
reports load time and per-case latency percentiles. Target: p99 ≤ 10 ms.

    .venv/bin/python bench/risk_latency.py [--n 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from jikimi.risk.dataset import inputs
from jikimi.risk.scorer import Scorer
from jikimi.risk.synth import synthesize

RESULTS = Path(__file__).parent / "results" / "risk_latency.json"


def main() -> None:
    """Measure and write bench/results/risk_latency.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cases = inputs(synthesize(args.n, seed=99))
    started = time.perf_counter()
    scorer = Scorer.load()
    loaded = time.perf_counter() - started
    scorer.warm()
    warmed = time.perf_counter() - started
    for i in range(50):
        scorer.score(cases.answers[i], cases.notes[i], cases.histories[i])
    seconds = np.empty(args.n)
    for i in range(args.n):
        t = time.perf_counter()
        scorer.score(cases.answers[i], cases.notes[i], cases.histories[i])
        seconds[i] = time.perf_counter() - t
    ms = seconds * 1000
    result = {
        "model_version": scorer.version,
        "cases": args.n,
        "load_s": round(loaded, 3),
        "load_and_warm_s": round(warmed, 3),
        "latency_ms": {
            "p50": round(float(np.percentile(ms, 50)), 3),
            "p90": round(float(np.percentile(ms, 90)), 3),
            "p99": round(float(np.percentile(ms, 99)), 3),
            "max": round(float(ms.max()), 3),
            "mean": round(float(ms.mean()), 3),
        },
        "target_p99_ms": 10,
        "machine": f"{platform.machine()}, {os.cpu_count()} vCPUs (shared), "
        f"Python {platform.python_version()}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
