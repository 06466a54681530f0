"""What one feed request of 10,000 anklet pings costs the server, in CPU per ping, step by
step: in-process (FastAPI's TestClient, no sockets), on a fresh SQLite database (or
`--database-url` PostgreSQL schema) seeded as bench/ingest.py seeds it.

    .venv/bin/python bench/ingest_cost.py
    .venv/bin/python bench/ingest_cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

CPU is measured, not wall time, so the figures hold on a busy machine (wall-clock rates
do not): `request` is the process's CPU from the client's call to its 202 (the signing
client's share is under 0.2 µs a ping), each step the CPU of the thread running it
(steps nest: `seal` is inside `write`). On PostgreSQL, `database` is the CPU of the
server processes behind this process's connections (read from /proc: same machine).
Each figure is the median over the measured requests, in µs per ping.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contacts as common
import ingest
from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.client.signed import signed_headers
from jikimi.core.settings import Settings

PINGS = 10_000
# Step name -> the function that does it (the ones absent from this revision are skipped).
STEPS = {
    "json": "starlette.requests:Request.json",
    "validate": "fastapi._compat.v2:ModelField.validate",
    "parse": "jikimi.proximity.pings:parse_pings",
    "serials": "jikimi.devices.anklets:AnkletDirectory.lookup",
    "serials_query": "jikimi.proximity.positions:serials",
    "write": "jikimi.proximity.writer:write_fixes",
    "store_fixes": "jikimi.proximity.positions:store_fixes",
    "seal": "jikimi.core.sealing:KeyRing.seal_many",
    "audit": "jikimi.audit.trail:append",
    "commit": "sqlalchemy.orm.session:Session.commit",
}


class Meter:
    """Thread CPU spent in each step, per call, while `on`."""

    def __init__(self) -> None:
        self.on = False
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, target: str) -> None:
        module_name, _, path = target.partition(":")
        try:
            owner: Any = importlib.import_module(module_name)
            *parents, attr = path.split(".")
            for p in parents:
                owner = getattr(owner, p)
            original = getattr(owner, attr)
        except (ImportError, AttributeError):
            return
        meter = self
        is_async = callable(original) and original.__code__.co_flags & 0x80

        if is_async:

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                t0 = time.thread_time()
                try:
                    return await original(*args, **kwargs)
                finally:
                    if meter.on:
                        meter.spent[name] += time.thread_time() - t0

            setattr(owner, attr, timed_async)
            self._everywhere(owner, attr, original, timed_async)
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                if meter.on:
                    meter.spent[name] += time.thread_time() - t0

        setattr(owner, attr, timed)
        self._everywhere(owner, attr, original, timed)

    @staticmethod
    def _everywhere(owner: Any, attr: str, original: Any, timed: Any) -> None:
        # Modules that imported the function by name get the timed one too.
        for mod in list(sys.modules.values()):
            if mod is not owner and getattr(mod, attr, None) is original:
                setattr(mod, attr, timed)


class Backends:
    """CPU of the PostgreSQL server processes serving an engine's connections."""

    def __init__(self, *engines: Any) -> None:
        self.pids: set[int] = set()
        for e in engines:
            event.listen(e, "connect", self._connected)
        self.tick = os.sysconf("SC_CLK_TCK")

    def _connected(self, dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self.pids.add(int(cur.fetchone()[0]))

    def cpu(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / self.tick
        return total


def run(db_url: str | None, anklets: int, requests: int) -> dict[str, Any]:
    """Seed, warm up, then measure `requests` requests of fresh pings (and one all-duplicate)."""
    rng = random.Random(20261122)
    meter = Meter()
    with tempfile.TemporaryDirectory(prefix="jikimi-ingest-cost-") as tmp:
        workdir = Path(tmp)
        with common.database(db_url, workdir) as (url, kind):
            seeded = ingest.seed(url, workdir, anklets, rng)
            c = build(Settings(database_url=url, worker=False))
            backends = None
            if kind == "postgresql":
                backends = Backends(c.engine, c.read_engine)
                c.engine.dispose()  # new connections, whose server processes are known
                c.read_engine.dispose()
            for name, target in STEPS.items():
                meter.wrap(name, target)
            start = datetime.now(UTC) - timedelta(minutes=4)
            per = -(-PINGS // anklets)  # seconds one request's pings span per anklet
            homes = seeded["homes"]
            bodies = [
                ingest.body_of(
                    ingest.far_pings(homes, PINGS, start + timedelta(seconds=i * per), rng)
                )
                for i in range(requests + 1)
            ]
            rows: list[dict[str, float]] = []
            try:
                with TestClient(create_app(c, run_worker=False)) as client:

                    def send(body: bytes) -> dict[str, Any]:
                        h = signed_headers(seeded["feed"], seeded["key"], "POST", ingest.PATH, body)
                        h["Content-Type"] = "application/json"
                        r = client.post(ingest.PATH, content=body, headers=h)
                        assert r.status_code == 202, r.text
                        out: dict[str, Any] = r.json()
                        return out

                    send(bodies[0])  # warm-up: statements compiled, serials remembered
                    for body in [*bodies[1:], bodies[1]]:
                        meter.spent.clear()
                        meter.on = True
                        db0 = backends.cpu() if backends else 0.0
                        t0 = time.process_time()
                        out = send(body)
                        cpu = time.process_time() - t0
                        meter.on = False
                        row = {k: v / PINGS * 1e6 for k, v in meter.spent.items()}
                        row["request"] = cpu / PINGS * 1e6
                        if backends:
                            row["database"] = (backends.cpu() - db0) / PINGS * 1e6
                        row["duplicates"] = out["duplicates"]
                        rows.append(row)
            finally:
                c.close()
    fresh, dup = rows[:-1], rows[-1]
    assert all(r["duplicates"] == 0 for r in fresh)
    assert dup["duplicates"] == PINGS
    keys = [k for k in rows[0] if k != "duplicates"]
    return {
        "database": kind,
        "requests": len(fresh),
        "pings_per_request": PINGS,
        "cpu_us_per_ping": {
            k: round(statistics.median(r.get(k, 0.0) for r in fresh), 2) for k in keys
        },
        "all_duplicates_cpu_us_per_ping": {k: round(dup.get(k, 0.0), 2) for k in keys},
    }


def main() -> None:
    """Measure and print JSON (nothing is written: figures go to bench/README.md by hand)."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    ap.add_argument("--anklets", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=9)
    args = ap.parse_args()
    out = run(args.database_url, args.anklets, args.requests)
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
