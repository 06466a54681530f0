"""The tasks feature at a country's scale: a day's scheduling pass, and an officer's list.

Seeds 100,000 cases (`--cases`) straight into the database with SQLAlchemy Core, sealed
as the ORM seals them (names and phone numbers, never plain): each a victim and a
perpetrator with a phone each, one protective order whose end is spread evenly from 90
days ago to 365 days ahead, over 25 agencies of equal size, each case assigned to one
officer of its agency (100 cases an officer; the first officer of the first agency holds
135, as one in Seoul does). The tasks table starts empty.

- **day 1**: the scheduling pass (`PlanTasks(limit=…)` on the bus, as the worker's timer
  sends it) run again and again until a pass writes nothing new: wall and CPU seconds
  (this process's; on PostgreSQL also the server processes'), passes, tasks and
  follow-ups written, tasks escalated;
- **day 2**: the clock (a `FixedClock`) moved a day on, the same again;
- **the lists**: `GET /api/v1/tasks` through the real app (FastAPI's TestClient, access
  trail on) as the officer with 135 cases, plain, `?overdue=true` and `?status=open`, and
  as a supervisor of that agency `?overdue=true`: `--requests` each, p50/p95/p99 ms.

    .venv/bin/python bench/tasks.py                     # SQLite, a few minutes
    .venv/bin/python bench/tasks.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Writes bench/results/tasks.json (one entry per database) and bench/results/tasks.png.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select, text

import contacts as common  # the database helper
from ingest_cost import Backends
from jikimi.accounts.tables import Account, ApiToken
from jikimi.accounts.tokens import TOKEN_PREFIX, hash_token
from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.cases.tables import Case, CaseAssignment, Order, Person, PersonPhone
from jikimi.core import sealing as crypto
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from jikimi.core.tables import new_id
from jikimi.core.tx import reading
from jikimi.tasks.messages import PlanTasks
from jikimi.tasks.tables import FollowUp, Task
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = 25
PER_OFFICER = 100
BUSY = 135  # the busiest officer's caseload (one officer in Seoul)
KINDS = ("stalking.provisional.2", "stalking.provisional.3", "dv.temporary.2", "dv.protection.2")
CHUNK = 5_000


def _sealed(table: str, column: str, row_id: str, plain: str) -> str:
    """As `Sealed` seals it: bound to `table.attribute:record id`."""
    return crypto.ring().seal(plain, f"{table}.{column}:{row_id}") or ""


def _token(s: Any, account_id: str, role: Role, now: datetime) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    s.execute(
        insert(ApiToken).values(
            token_hash=hash_token(token), role=role.value, account_id=account_id, created_at=now
        )
    )
    return token


def seed(c: Container, n: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    """The city, in chunks of CHUNK rows a statement; the busy officer's and a supervisor's
    tokens."""
    agencies = [f"agency-{a:02d}" for a in range(AGENCIES)]
    per_agency = n // AGENCIES
    officers: list[dict[str, Any]] = []
    owner: list[str] = []  # the officer of each case, in order
    for a, agency in enumerate(agencies):
        caseload = [BUSY] if a == 0 else []
        left = per_agency - sum(caseload)
        caseload += [PER_OFFICER] * (left // PER_OFFICER)
        if left % PER_OFFICER:
            caseload.append(left % PER_OFFICER)
        for load in caseload:
            officer = {"id": new_id(), "name": f"officer {len(officers)}", "agency": agency}
            officers.append(officer)
            owner += [officer["id"]] * load
    owner += [officers[-1]["id"]] * (n - len(owner))
    # Each agency's cases dealt at random to its officers, so every caseload's ends are
    # spread over the year like the city's.
    for a in range(AGENCIES):
        block = owner[a * per_agency : (a + 1) * per_agency]
        rng.shuffle(block)
        owner[a * per_agency : (a + 1) * per_agency] = block
    agency_of = {o["id"]: o["agency"] for o in officers}
    supervisor = new_id()
    span = timedelta(days=455).total_seconds()  # ends from 90 days ago to 365 ahead
    t0 = time.perf_counter()
    with c.engine.begin() as s:
        rows = [{**o, "role": Role.OFFICER.value, "created_at": now} for o in officers]
        rows.append(
            {
                "id": supervisor,
                "name": "supervisor",
                "agency": agencies[0],
                "role": Role.SUPERVISOR.value,
                "created_at": now,
            }
        )
        s.execute(insert(Account), rows)
        officer_token = _token(s, officers[0]["id"], Role.OFFICER, now)
        supervisor_token = _token(s, supervisor, Role.SUPERVISOR, now)
    for start in range(0, n, CHUNK):
        people, phones, cases, assignments, orders = [], [], [], [], []
        for i in range(start, min(n, start + CHUNK)):
            victim, perp, case_id = new_id(), new_id(), new_id()
            for pid, who in ((victim, "피해자"), (perp, "행위자")):
                people.append(
                    {
                        "id": pid,
                        "name": _sealed("people", "name", pid, f"{who} {i}"),
                        "created_at": now,
                    }
                )
                phone_id, e164 = new_id(), f"+8210{rng.randrange(10**8):08d}"
                phones.append(
                    {
                        "id": phone_id,
                        "person_id": pid,
                        "e164": _sealed("person_phones", "e164", phone_id, e164),
                        "e164_index": crypto.ring().index(e164),
                    }
                )
            cases.append(
                {
                    "id": case_id,
                    "victim_id": victim,
                    "perpetrator_id": perp,
                    "relationship": "former_partner",
                    "offense": "stalking",
                    "agency": agency_of[owner[i]],
                    "created_at": now - timedelta(days=400),
                }
            )
            assignments.append(
                {
                    "case_id": case_id,
                    "account_id": owner[i],
                    "assigned_at": now - timedelta(days=400),
                }
            )
            # Evenly over the span: case i ends at the i-th step from 90 days ago.
            ends = now - timedelta(days=90) + timedelta(seconds=span * (i + 0.5) / n)
            starts = min(ends - timedelta(days=rng.randint(30, 180)), now - timedelta(days=1))
            orders.append(
                {
                    "id": new_id(),
                    "case_id": case_id,
                    "kind": KINDS[i % len(KINDS)],
                    "starts_at": starts,
                    "ends_at": ends,
                    "created_at": starts,
                }
            )
        with c.engine.begin() as s:
            for table, batch in (
                (Person, people),
                (PersonPhone, phones),
                (Case, cases),
                (CaseAssignment, assignments),
                (Order, orders),
            ):
                s.execute(insert(table.__table__), batch)  # column names
    return {
        "officer": officer_token,
        "supervisor": supervisor_token,
        "officers": len(officers),
        "agencies": AGENCIES,
        "seed_s": round(time.perf_counter() - t0, 1),
    }


def _counts(c: Container) -> tuple[int, int, int, int]:
    """Tasks, follow-ups, escalated tasks, ended follow-ups: a pass that changes none of
    these wrote nothing new."""
    with reading(c.read_sessions) as s:
        return (
            s.scalar(select(func.count()).select_from(Task)) or 0,
            s.scalar(select(func.count()).select_from(FollowUp)) or 0,
            s.scalar(select(func.count()).where(Task.escalated_at.is_not(None))) or 0,
            s.scalar(select(func.count()).where(FollowUp.ended_at.is_not(None))) or 0,
        )


def analyze(c: Container, kind: str) -> None:
    """On PostgreSQL, the statistics autovacuum would have gathered (this machine's
    PostgreSQL runs without autovacuum; tables filled in seconds have none, and the
    planner then loops where it would hash). SQLite is left as Jikimi leaves it."""
    if kind == "postgresql":
        with c.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def day(c: Container, kind: str, limit: int, backends: Backends | None) -> dict[str, Any]:
    """Passes until one writes nothing new; each pass's own time summed. On PostgreSQL,
    between passes, ANALYZE when autovacuum's default thresholds would (50 rows and a
    tenth of the tasks table changed since the last), untimed: autovacuum runs beside."""
    before = _counts(c)
    analyzed = before[0]
    counts, wall, cpu, db_cpu, passes, slowest = before, 0.0, 0.0, 0.0, 0, 0.0
    while True:
        w0, c0 = time.perf_counter(), time.process_time()
        d0 = backends.cpu() if backends else 0.0
        c.bus.handle(PlanTasks(limit=limit))
        took = time.perf_counter() - w0
        cpu += time.process_time() - c0
        db_cpu += (backends.cpu() - d0) if backends else 0.0
        wall, passes, slowest = wall + took, passes + 1, max(slowest, took)
        now = _counts(c)
        if now == counts:
            break
        counts = now
        if counts[0] - analyzed > 50 + analyzed // 10:
            analyze(c, kind)
            analyzed = counts[0]
    out = {
        "passes": passes,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "slowest_pass_s": round(slowest, 3),
        "tasks_written": counts[0] - before[0],
        "follow_ups_written": counts[1] - before[1],
        "tasks_escalated": counts[2] - before[2],
        "follow_ups_ended": counts[3] - before[3],
    }
    if backends:
        out["database_cpu_s"] = round(db_cpu, 2)
    return out


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50, p95, p99 and the largest, in ms."""
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(max(ms), 2),
    }


def lists(client: TestClient, seeded: dict[str, Any], n: int) -> dict[str, Any]:
    """`n` requests of each list, one after another."""
    asks: dict[str, tuple[str, str]] = {
        "officer": ("/api/v1/tasks", seeded["officer"]),
        "officer_overdue": ("/api/v1/tasks?overdue=true", seeded["officer"]),
        "officer_open": ("/api/v1/tasks?status=open", seeded["officer"]),
        "supervisor_overdue": ("/api/v1/tasks?overdue=true", seeded["supervisor"]),
    }
    out: dict[str, Any] = {}
    for name, (path, token) in asks.items():
        headers = {"Authorization": f"Bearer {token}"}
        first = client.get(path, headers=headers)
        assert first.status_code == 200, first.text
        ms = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = client.get(path, headers=headers)
            ms.append(1e3 * (time.perf_counter() - t0))
            assert r.status_code == 200, r.text
        out[name] = {"path": path, "items": len(first.json()["items"]), **percentiles(ms)}
        print(f"  {name}: {out[name]}", flush=True)
    return out


class _Backends(Backends):
    """Backends whose look-up of the server process leaves no transaction open (the
    app's reads switch their connections to autocommit)."""

    def _connected(self, dbapi_conn: Any, _record: Any) -> None:
        super()._connected(dbapi_conn, _record)
        dbapi_conn.commit()


def run(url: str, kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, schedule two days, read the lists."""
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    c = build(Settings(database_url=url, worker=False, rate_limit_burst=1_000_000), clock=clock)
    try:
        seeded = seed(c, args.cases, clock.now(), random.Random(20261207))
        print(f"{kind}: seeded {args.cases} cases in {seeded['seed_s']} s", flush=True)
        analyze(c, kind)
        backends = None
        if kind == "postgresql":
            backends = _Backends(c.engine, c.read_engine)
            c.engine.dispose()  # new connections, whose server processes are known
            c.read_engine.dispose()
        first = day(c, kind, args.limit, backends)
        print(f"  day 1: {first}", flush=True)
        analyze(c, kind)
        clock.advance(86_400)
        second = day(c, kind, args.limit, backends)
        print(f"  day 2: {second}", flush=True)
        analyze(c, kind)
        with TestClient(create_app(c, run_worker=False)) as client:
            listed = lists(client, seeded, args.requests)
        with reading(c.read_sessions) as s:
            open_tasks = s.scalar(
                select(func.count()).select_from(Task).where(Task.status == "open")
            )
    finally:
        c.close()
    return {
        "cases": args.cases,
        "agencies": seeded["agencies"],
        "officers": seeded["officers"],
        "busiest_officer_cases": BUSY,
        "limit": args.limit,
        "seed_s": seeded["seed_s"],
        "open_tasks": open_tasks,
        "day_1": first,
        "day_2": second,
        "lists": listed,
        "requests": args.requests,
        "database": common.database_version(url, kind),
        "analyzed": kind == "postgresql",
    }


def chart(path: Path, results: dict[str, Any]) -> None:
    """The lists' p50/p95/p99 per database, when matplotlib is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    runs = results["runs"]
    fig, ax = plt.subplots(figsize=(8, 4))
    names = ["officer", "officer_overdue", "officer_open", "supervisor_overdue"]
    width = 0.8 / max(1, len(runs))
    for k, (db, entry) in enumerate(sorted(runs.items())):
        lists_ = entry["result"]["lists"]
        xs = [i + k * width for i in range(len(names))]
        ax.bar(xs, [lists_[n]["p99_ms"] for n in names], width, label=f"{db} p99", alpha=0.5)
        ax.bar(xs, [lists_[n]["p50_ms"] for n in names], width, label=f"{db} p50")
    ax.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(names))])
    ax.set_xticklabels([n.replace("_", "\n") for n in names])
    ax.set_ylabel("ms")
    ax.set_title("GET /api/v1/tasks, 100,000 cases")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    """One database per run; results merged into the JSON file."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--limit", type=int, default=PlanTasks().limit, help="PlanTasks(limit=…)")
    ap.add_argument("--requests", type=int, default=500, help="requests of each list")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "tasks.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jikimi-tasks-") as tmp:
        os.environ.setdefault("JIKIMI_KEY_FILE", str(Path(tmp) / "keys.json"))
        with common.database(args.database_url, Path(tmp)) as (url, kind):
            result = run(url, kind, args)
    try:
        results = json.loads(args.out.read_text("utf-8"))
    except (OSError, ValueError):
        results = {"benchmark": "tasks", "runs": {}}
    results["runs"][kind] = {
        "result": result,
        "machine": machine("sqlalchemy", "fastapi"),
        "revision": git_revision(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/tasks.py", *sys.argv[1:]]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    chart(args.out.with_suffix(".png"), results)


if __name__ == "__main__":
    main()
