"""Server CPU per request, one request at a time: the framework, a contact POST, and a
contact POST whose alert goes out to N dispatcher consoles.

Starts `python -m jikimi serve` on a fresh database (as contacts.py does), seeds 20 cases,
then sends `--requests` requests of each kind one after another and reads the server
process's CPU time from /proc before and after. Sequential requests make the figure the
cost of one request, free of queueing.

    .venv/bin/python bench/probe_cpu.py                  # one console
    .venv/bin/python bench/probe_cpu.py --consoles 3
    .venv/bin/python bench/probe_cpu.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Writes bench/results/probe_cpu.json (one entry per database and console count).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from contacts import (
    SPLIT_NEEDS_POSTGRESQL,
    CpuMeter,
    call,
    cli_token,
    database,
    event_body,
    iso,
    open_consoles,
    post,
    seed,
    server,
)
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent


def per_request(pid: int, n: int, send: Callable[[int], object]) -> dict[str, float]:
    """Server CPU and wall time per request over `n` sequential requests, in ms."""
    meter = CpuMeter(pid)
    t0 = time.perf_counter()
    for i in range(n):
        send(i)
    wall = time.perf_counter() - t0
    cores = meter.read()["server_cores"]
    return {"server_cpu_ms": round(cores * wall / n * 1e3, 2), "wall_ms": round(wall / n * 1e3, 2)}


def main() -> None:
    """Run the probe and write its JSON."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--consoles", type=int, default=1)
    ap.add_argument(
        "--split",
        action="store_true",
        help="the API process alone (a `jikimi worker` judges; PostgreSQL only)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "probe_cpu.json")
    args = ap.parse_args()
    if args.split and not args.database_url:
        ap.error(SPLIT_NEEDS_POSTGRESQL)
    n = args.requests
    figures: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="jikimi-probe-") as tmp,
        database(args.database_url, Path(tmp)) as (db, kind),
        server(db, Path(tmp), split=args.split) as (url, pid),
    ):
        officer = cli_token(db, Path(tmp), "officer")
        dispatcher = cli_token(db, Path(tmp), "dispatcher")
        with httpx.Client(base_url=url, timeout=30) as http:
            cases = seed(http, officer, 20, 0)
            at = datetime.now(UTC) - timedelta(minutes=7)

            def contact(
                number_of: Callable[[int], str], start: datetime
            ) -> Callable[[int], int | str]:
                def send(i: int) -> int | str:
                    when = start + timedelta(milliseconds=i)
                    return post(http, cases[i % 20], event_body([call(number_of(i), when)]))

                return send

            figures["framework: GET /console/config.json"] = per_request(
                pid, n, lambda i: http.get("/console/config.json")
            )

            def fix(i: int) -> int | str:
                when = at + timedelta(milliseconds=i)
                ping = {"recorded_at": iso(when), "lat": 37.5665, "lon": 126.978, "accuracy_m": 12}
                body = json.dumps({"pings": [ping]}).encode()
                return post(http, cases[i % 20], body, "/api/v1/device/locations")

            figures["POST /device/locations, a victim's fix"] = per_request(pid, n, fix)
            figures["POST, a call that raises nothing"] = per_request(
                pid, n, contact(lambda i: "010-9999-0000", at)
            )
            figures["POST, a violation, no console"] = per_request(
                pid, n, contact(lambda i: cases[i % 20].perpetrator_number, at)
            )
            open_consoles(url, dispatcher, {c.case_id for c in cases}, args.consoles)
            later = at + timedelta(seconds=30)
            figures[f"POST, a violation, {args.consoles} console(s)"] = per_request(
                pid, n, contact(lambda i: cases[i % 20].perpetrator_number, later)
            )
    for name, value in figures.items():
        print(f"{kind} {name}: {value}")
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    split = ", API process only" if args.split else ""
    results[f"{kind}, {args.consoles} console(s){split}"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": machine("fastapi", "uvicorn", "sqlalchemy"),
        "requests_each": n,
        "per_request": figures,
    }
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
