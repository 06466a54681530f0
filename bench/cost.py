"""What one contact event costs the server: SQL statements and CPU, phase by phase.

In-process (FastAPI's TestClient, no sockets, no other threads running), on a fresh
SQLite database (or `--database-url` PostgreSQL schema): seeds cases through the API,
then sends single-event signed POSTs of violating calls and counts, per event, the SQL
statements and the process CPU spent in

- `post`: the request, from the client's call to its 202 (whatever judging the server does
  before it answers included);
- `worker`: a worker pass over whatever the POSTs left in the inbox;
- `stream`: a dispatcher's live stream reading the changes (`live.catch_up_from`) and
  rendering each alert as the stream sends it.

    .venv/bin/python bench/cost.py                 # 500 events on 50 cases
    .venv/bin/python bench/cost.py --events 2000
    .venv/bin/python bench/cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/cost.py --show-sql      # also the statements of the last event

On PostgreSQL the run gets a schema of its own, dropped afterwards (as in contacts.py).

Figures vary by machine and load; compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from contacts import database
from jikimi.accounts.tokens import authenticate, create_token
from jikimi.alerts import timeline
from jikimi.alerts.live import catch_up_from
from jikimi.alerts.schemas import AlertRead
from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.client.signed import signed_headers
from jikimi.core.access import Principal, Role
from jikimi.core.settings import Settings
from jikimi.core.tx import reading, transaction

PATH = "/api/v1/device/contacts"


class Counter:
    """SQL statements executed on the engines it listens to (and their text, when asked)."""

    def __init__(self, *engines: Any) -> None:
        self.n = 0
        self.texts: list[str] = []
        for e in engines:
            event.listen(e, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.n += 1
        self.texts.append(" ".join(statement.split())[:160])


def seed(client: TestClient, officer: str, n: int) -> list[dict[str, str]]:
    """`n` cases with a telecom ban in force and an enrolled phone."""
    h = {"Authorization": f"Bearer {officer}"}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = client.post(path, json=body, headers=h)
        assert r.status_code == 201, r.text
        out: dict[str, Any] = r.json()
        return out

    start = datetime.now(UTC) - timedelta(days=1)
    cases = []
    for i in range(n):
        victim = post("/api/v1/people", {"name": "김지은", "phones": [f"010-5{i:03d}-0001"]})
        perp = post("/api/v1/people", {"name": "박가해", "phones": [f"010-6{i:03d}-0002"]})
        case = post(
            "/api/v1/cases",
            {
                "victim_id": victim["id"],
                "perpetrator_id": perp["id"],
                "relationship": "former_partner",
                "offense": "stalking",
                "agency": "seoul-mapo",
            },
        )
        post(
            f"/api/v1/cases/{case['id']}/orders",
            {
                "kind": "stalking.provisional.3",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(days=30)).isoformat(),
            },
        )
        device = post(f"/api/v1/cases/{case['id']}/devices", {"kind": "victim_phone"})
        cases.append(
            {"token": device["token"], "key": device["signing_key"], "perp": perp["phones"][0]}
        )
    return cases


def per_event(cpu: float, statements: int, n: int) -> dict[str, float]:
    """Averages per event."""
    return {"cpu_ms": round(cpu / n * 1000, 2), "statements": round(statements / n, 2)}


def main() -> None:
    """Run and print the figures as JSON."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--database-url", help="default: SQLite in a temporary directory")
    ap.add_argument("--events", type=int, default=500)
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--show-sql", action="store_true", help="print the last event's statements")
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the measured loop here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jikimi-cost-") as tmp:
        os.environ.setdefault("JIKIMI_KEY_FILE", str(Path(tmp) / "keys.json"))
        with database(args.database_url, Path(tmp)) as (url, _kind):
            c = build(Settings(database_url=url, rate_limit_burst=1_000_000))
            try:
                run(c, args.events, args.cases, args.show_sql, args.profile)
            finally:
                c.close()


def run(c: Any, n: int, n_cases: int, show_sql: bool = False, profile: Path | None = None) -> None:
    """Seed, then measure each phase."""
    with transaction(c.sessions) as s:
        officer = create_token(s, Role.OFFICER, name="officer", agency="seoul-mapo")
        dispatcher = create_token(s, Role.DISPATCHER, name="dispatch", agency="seoul-mapo")
    with reading(c.read_sessions) as s:
        viewer = authenticate(s, dispatcher)
    assert isinstance(viewer, Principal)
    with TestClient(create_app(c, run_worker=False)) as client:
        c.watcher.stop()  # nothing else runs while we count
        cases = seed(client, officer, n_cases)
        c.worker.run_once()
        with timeline.reading(c.read_sessions) as s:
            position = [timeline.here(s)]
        counter = Counter(c.engine, c.read_engine)
        base = datetime.now(UTC) - timedelta(minutes=5)
        bodies = []
        for i in range(n):
            case = cases[i % len(cases)]
            ev = {
                "id": str(uuid.uuid4()),
                "kind": "call",
                "number": case["perp"],
                "occurred_at": (base + timedelta(milliseconds=i)).isoformat(),
            }
            bodies.append((case, json.dumps({"events": [ev]}).encode()))
        spent = {k: [0.0, 0, 0.0] for k in ("post", "worker", "stream")}

        last_sql: dict[str, list[str]] = {}

        def timed(name: str, fn: Any) -> Any:
            counter.n, t0, w0 = 0, time.process_time(), time.perf_counter()
            counter.texts = []
            out = fn()
            last_sql[name] = counter.texts
            acc = spent[name]
            acc[0] += time.process_time() - t0
            acc[1] += counter.n
            acc[2] += time.perf_counter() - w0
            return out

        def stream() -> int:
            sent = 0
            batch, position[0] = catch_up_from(c.read_sessions, viewer, position[0], None)
            for alert in batch:
                AlertRead.model_validate(alert).model_dump_json()
                sent += 1
            return sent

        sent = 0
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        # One event at a time, each judged and streamed before the next (light load:
        # nothing is shared between events; under load batches make each event cheaper).
        for case, body in bodies:
            h = signed_headers(case["token"], case["key"], "POST", PATH, body)
            r = timed("post", lambda h=h, body=body: client.post(PATH, content=body, headers=h))
            assert r.status_code == 202, r.text
            timed("worker", lambda: c.worker.run_once(escalate=False))
            sent += timed("stream", stream)
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        figures: dict[str, Any] = {
            k: {**per_event(v[0], int(v[1]), n), "wall_ms": round(v[2] / n * 1000, 2)}
            for k, v in spent.items()
        }
        figures["stream"]["alert_messages"] = sent
        total = {k: round(sum(f[k] for f in figures.values()), 2) for k in ("cpu_ms", "statements")}
        print(json.dumps({"events": n, "cases": n_cases, **figures, "total": total}, indent=1))
        if show_sql:
            for name, texts in last_sql.items():
                print(f"-- {name}: {len(texts)} statements")
                for line in texts:
                    print("  ", line)


if __name__ == "__main__":
    main()
