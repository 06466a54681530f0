"""What a feed request costs while it holds SQLite's write lock, and what its commit writes:
in-process, one request at a time (no contention), on a fresh SQLite database seeded as
bench/ingest.py seeds it (2,000 anklets), requests of 10,000 pings as the feed sends them.

For each group of ten requests: the median milliseconds to insert the fixes and the
devices' times (`write`), to commit, and to checkpoint the write-ahead log afterwards
(the server does that on a thread), and the pages the commit wrote to the log (read off
`PRAGMA wal_checkpoint`). Then the console's read of one anklet's track (an hour, five
minutes) once the log holds every request's pings: an anklet's track is read through the
time-first key (docs/proximity.md), so it walks every anklet's pings in the window.

    .venv/bin/python bench/ingest_lock.py [--requests 70]

Writes bench/results/ingest_lock.json.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import text

import ingest
from jikimi.bootstrap import build
from jikimi.core.db import checkpoint
from jikimi.core.settings import Settings
from jikimi.core.tx import reading
from jikimi.proximity import positions
from jikimi.proximity import writer as position_writer
from jikimi.proximity.pings import parse_pings
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent


# Revisions before migration 0007 take no `phone` / `phones` argument (for an A/B run
# with PYTHONPATH at an older worktree): chosen once, from the signatures.
KIND = (
    {"phone": False} if "phone" in inspect.signature(position_writer.write_fixes).parameters else {}
)
READ = {"phones": False} if "phones" in inspect.signature(positions.between).parameters else {}


def write(s: Any, sealed: Any) -> None:
    """The feed's insert."""
    position_writer.write_fixes(s, sealed, datetime.now(UTC), **KIND)


def read(r: Any, device: str, start: datetime, end: datetime) -> list[Any]:
    """An anklet's track."""
    return positions.between(r, [device], start, end, **READ)


def run(requests: int) -> dict[str, Any]:
    """Seed, prepare every request's sealed fixes, then write them one at a time."""
    workdir = Path(tempfile.mkdtemp(prefix="jikimi-ingest-lock-"))
    (workdir / "data").mkdir()
    url = f"sqlite:///{workdir}/jikimi.db"
    rng = random.Random(20261123)
    seeded = ingest.seed(url, workdir, 2000, rng)
    c = build(Settings(database_url=url, worker=False))
    try:
        start = datetime.now(UTC) - timedelta(hours=3)
        ready = []
        for i in range(requests):  # parsed and sealed before: not under the lock
            body = ingest.body_of(
                ingest.far_pings(seeded["homes"], 10_000, start + timedelta(seconds=5 * i), rng)
            )
            pings = parse_pings(body, datetime.now(UTC))
            with reading(c.read_sessions) as r:
                known = c.anklets.lookup(r, pings.serials)
            ready.append(position_writer.seal_fixes(pings.of_known(known)))
        steps: list[tuple[float, float, float, int]] = []
        for sealed in ready:
            s = c.sessions()
            try:
                s.connection()  # BEGIN IMMEDIATE: the write lock
                t0 = time.perf_counter()
                write(s, sealed)
                t1 = time.perf_counter()
                s.commit()
                t2 = time.perf_counter()
            finally:
                s.close()
            done = checkpoint(c.engine)  # (busy, WAL frames, checkpointed)
            t3 = time.perf_counter()
            assert done is not None
            steps.append((t1 - t0, t2 - t1, t3 - t2, done[1]))
        groups = []
        for g in range(0, len(steps), 10):
            chunk = steps[g : g + 10]
            groups.append(
                {
                    "requests": f"{g + 1}-{g + len(chunk)}",
                    "write_ms": round(1e3 * statistics.median(x[0] for x in chunk), 1),
                    "commit_ms": round(1e3 * statistics.median(x[1] for x in chunk), 1),
                    "checkpoint_ms": round(1e3 * statistics.median(x[2] for x in chunk), 1),
                    "wal_pages_per_commit": int(statistics.median(x[3] for x in chunk)),
                }
            )
            print(groups[-1], flush=True)
        end = start + timedelta(seconds=5 * requests)
        track: dict[str, Any] = {}
        with reading(c.read_sessions) as r:
            device = r.scalar(text("SELECT device_id FROM positions LIMIT 1"))
            track["log_pings"] = r.scalar(text("SELECT count(*) FROM positions"))
            for minutes in (5, 60):
                times, fixes = [], 0
                for _ in range(3):
                    t0 = time.perf_counter()
                    fixes = len(read(r, device, end - timedelta(minutes=minutes), end))
                    times.append(time.perf_counter() - t0)
                track[f"last_{minutes}_min"] = {"fixes": fixes, "ms": round(1e3 * min(times), 1)}
        print(track, flush=True)
        return {"groups": groups, "anklet_track_read": track}
    finally:
        c.close()


def main() -> None:
    """Run and write the results."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--requests", type=int, default=70)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest_lock.json")
    args = ap.parse_args()
    result = {
        "benchmark": "ingest_lock",
        "command": "python bench/ingest_lock.py",
        "revision": git_revision(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "anklets": 2000,
        "pings_per_request": 10_000,
        **run(args.requests),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
