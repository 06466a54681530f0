"""CPU per ping of judging the position log, in-process, step by step.

Seeds the ingest benchmark's city (2,000 anklet cases), stores 40,000 pings of ordinary
anklets (each standing 3–7 km from its victim's home, GPS noise) straight through the
store, then judges the log in batches of `--batch` with the engine's own command and one
shared track memory, as `jikimi serve` does. CPU (process time), not wall time: this
machine is shared. The collector is tuned as the server tunes it (`cli.serving`).

    .venv/bin/python bench/judge_cost.py                  # SQLite
    .venv/bin/python bench/judge_cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Writes bench/results/judge_cost.json (one entry per database and batch size).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import func, select

import ingest  # the city and its pings
from jikimi import schema as t
from jikimi.bootstrap import build
from jikimi.bootstrap.uow import SqlUnitOfWork
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction
from jikimi.devices.anklets import find
from jikimi.proximity import handlers as proximity_handlers
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.proximity.positions import FixIn, store_fixes
from jikimi.proximity.repo import SqlPositions
from jikimi.proximity.writer import Fixes, stamp, write_fixes
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
STEPS: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Count the CPU of owner.name under label."""
    fn: Callable[..., Any] | None = getattr(owner, name, None)
    if fn is None:  # a step this revision does not have (an A/B against an older one)
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            STEPS[label] += time.process_time() - t0

    setattr(owner, name, wrapper)


def run(db_url: str, workdir: Path, batch: int, total: int, phones: int) -> dict[str, Any]:
    """Seed, store, judge; CPU per ping overall and by step. `phones`: victims whose
    phone has a fresh fix (at home) before the pings, so the anklets' pings meet the victim's
    moving zone."""
    rng = random.Random(20261122)
    seeded = ingest.seed(db_url, workdir, 2000, rng, phones)
    c = build(Settings(database_url=db_url, worker=False))
    try:
        with c.read_sessions() as s:
            ids = {k: v.device_id for k, v in find(s, {x for x, _ in seeded["homes"]}).items()}
            carried = list(
                s.scalars(
                    select(t.Device.id)
                    .where(t.Device.kind == "victim_phone")
                    .order_by(t.Device.created_at)
                )
            )
        start = datetime.now(UTC) - timedelta(minutes=10)

        def store(pings: list[dict[str, Any]]) -> None:
            times = [datetime.fromisoformat(p["recorded_at"]) for p in pings]
            fixes = Fixes(
                [ids[p["device"]] for p in pings],
                times,
                [stamp(at) for at in times],
                [p["lat"] for p in pings],
                [p["lon"] for p in pings],
                [p["accuracy_m"] for p in pings],
            )
            with transaction(c.sessions) as s:
                write_fixes(s, fixes, datetime.now(UTC), phone=False)

        # A judge that has been running: its memory loaded before what it then judges (a
        # judge just started reads the other side's fixes from the log; docs/proximity.md).
        memory = TrackMemory()
        judge = c.bus_with(track_memory=memory)
        cmd = JudgePositions(limit=batch)

        def judge_all() -> None:
            with c.read_sessions() as s:
                end = s.scalar(select(func.max(t.Position.seq))) or 0
            while (memory.position or 0) < end:
                judge.handle(cmd)

        store(ingest.far_pings(seeded["homes"], 1, start - timedelta(seconds=5), rng))
        judge_all()
        if carried:
            at = start - timedelta(seconds=1)
            with transaction(c.sessions) as s:
                store_fixes(
                    s,
                    [
                        FixIn(device, at, home[0], home[1], 10.0)
                        for device, (_, home) in zip(carried, seeded["homes"], strict=False)
                    ],
                    datetime.now(UTC),
                )
            # The victims' fixes judged before the clock starts (their devices and cases read
            # into the judge's cache), as a judge that has been running has.
            judge_all()
        pings = ingest.far_pings(seeded["homes"], total, start, rng)
        for i in range(0, total, 10_000):
            store(pings[i : i + 10_000])
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 20, 100)
        judge.handle(cmd)  # the first batch reads the cases: not counted
        STEPS.clear()
        t0 = time.process_time()
        judged = 0
        each: list[float] = []  # CPU of each batch's judging (checkpoints apart)
        while judged < total - batch:
            b0 = time.process_time()
            judge.handle(cmd)
            each.append(time.process_time() - b0)
            if memory.checkpoint_due():  # as the worker does, after the batches
                judge.handle(SaveTrackStates())
            judged += batch
        cpu = time.process_time() - t0
        per = {k: round(1e6 * v / judged, 1) for k, v in sorted(STEPS.items(), key=lambda x: -x[1])}
        alone = (
            victim_fix_alone(c, judge, cmd, carried, seeded["homes"], start) if carried else None
        )
    finally:
        c.close()
    return {
        "batch": batch,
        "victim_phones": phones,
        "pings": judged,
        "us_per_ping": round(1e6 * cpu / judged, 1),
        # The median batch: steadier than the total on a shared machine, whose other
        # tenants' bursts land on a few batches.
        "us_per_ping_median_batch": round(1e6 * statistics.median(each) / batch, 1),
        "steps_us_per_ping": per,
        "victim_fix_alone": alone,
    }


def victim_fix_alone(
    c: Any,
    judge: Any,
    cmd: JudgePositions,
    phones: list[str],
    homes: list[Any],
    start: datetime,
    n: int = 300,
) -> dict[str, Any]:
    """A batch of one fix of a victim's phone, as the worker judges each phone's request when
    nothing else is waiting: CPU per batch (µs), overall and by step."""
    STEPS.clear()
    cpu = 0.0
    for i in range(n):
        _, home = homes[i % len(phones)]
        at = start + timedelta(minutes=5, milliseconds=i)
        with transaction(c.sessions) as s:
            store_fixes(s, [FixIn(phones[i % len(phones)], at, home[0], home[1], 10.0)], at)
        t0 = time.process_time()
        judge.handle(cmd)
        cpu += time.process_time() - t0
    steps = {k: round(1e6 * v / n) for k, v in sorted(STEPS.items(), key=lambda x: -x[1])}
    return {"batches": n, "us_per_batch": round(1e6 * cpu / n), "steps_us_per_batch": steps}


def main() -> None:
    """Each batch size on one database; results merged into the JSON file."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    ap.add_argument("--batch", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--pings", type=int, default=40_000)
    ap.add_argument(
        "--phones", type=int, default=0, help="victims whose phone has a fresh fix (at home)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "judge_cost.json")
    args = ap.parse_args()
    timed(proximity_handlers, "make_pairs", "make rows and pairs")
    timed(proximity_handlers, "evaluate", "rules (evaluate)")
    timed(SqlPositions, "after", "read the log (decrypt)")
    timed(SqlPositions, "cases", "cases (cached)")
    timed(SqlPositions, "devices", "devices (cached)")
    timed(SqlPositions, "save_states", "snapshot")
    timed(SqlPositions, "cursor", "cursor (read)")
    timed(SqlPositions, "advance", "cursor moved (write lock)")
    timed(SqlUnitOfWork, "commit", "commit")
    runs = []
    for batch in args.batch:
        with tempfile.TemporaryDirectory(prefix="jikimi-judge-") as tmp:
            import contacts as common

            with common.database(args.database_url, Path(tmp)) as (db_url, kind):
                runs.append(run(db_url, Path(tmp), batch, args.pings, args.phones))
                print(f"{kind}, batches of {batch}: {runs[-1]['us_per_ping']} µs CPU per ping")
    try:
        results = json.loads(args.out.read_text("utf-8"))
    except (OSError, ValueError):
        results = {"benchmark": "judge_cost", "runs": {}}
    results["runs"][kind + ("-phones" if args.phones else "")] = {
        "runs": runs,
        "machine": machine("numpy", "sqlalchemy"),
        "revision": git_revision(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/judge_cost.py", *sys.argv[1:]]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
