"""Chaos: two API and two worker processes on PostgreSQL under steady contact load, through
a worker's kill -9, an API process's kill -9 and a PostgreSQL restart.

Victims' phones POST signed calls from his number (each a telecom-ban violation) to either
API process, as a load balancer would send them; a refused or failed request is sent
again, same event id, to the other one, as the phone's spool does. Dispatcher consoles
are connected to each API process's live stream; when it ends they reconnect with
`Last-Event-ID` (to the other process while theirs is down, as through a load balancer).
Phases of `--phase-s` each: steady; a worker stalled mid-transaction (SIGSTOP while it
holds claimed rows, SIGCONT `--stall-s` later); a worker killed (-9) and restarted; an API
process killed (-9) and restarted; PostgreSQL restarted (`pg_ctlcluster`, as root).

Per phase (an event belongs to the phase it was first sent in): events acknowledged (202),
stored, lost (a 202 not in the database), duplicated (stored or judged twice), not shown
on some console by the end; stored-to-judged (the server's own stamps); POST-to-stream
p50/p99 (from the send of the POST that got its 202 to the console's first message
carrying it, every console) and the largest lag (from the 202 to the console). Alerts
duplicated: more than one unresolved alert of a case and kind. Deadlocks and the workers'
failed passes. Restart timings: the worker's, the API process's (to /healthz, to /readyz
200, its warm-up steps, its first request), PostgreSQL's.

    .venv/bin/python bench/chaos.py [--pg-cluster main] [--phase-s 20] [--rate 20]

Writes bench/results/chaos.json and chaos.png. The code that starts the processes is the
multi-process tests' (tests/e2e/cluster.py).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text

from contacts import AlertStream, database, database_version, iso, summary
from runinfo import ROOT, git_revision, machine

sys.path.insert(0, str(ROOT))  # the process harness is the tests' (tests/e2e/cluster.py)

from tests.e2e.cluster import Cluster
from tests.e2e.helpers import h, seed_case

from jikimi import schema as t
from jikimi.client.signed import signed_json
from jikimi.core.access import Role

PHASES = ("steady", "worker_stalled", "worker_killed", "api_killed", "database_restarted")
PATH = "/api/v1/device/contacts"
ATTEMPT_TIMEOUT_S = 10.0  # a phone's own request timeout


@dataclass
class Event:
    """One call from his number, and what became of sending it."""

    n: int  # its place in the load: its occurred_at is the load's start + n ms
    ext_id: str
    case: int
    key: str  # its occurred_at as the server renders it: how a console message is matched
    phase: str
    first_at: float
    sent_at: float | None = None  # the attempt that was answered 202
    acked_at: float | None = None
    statuses: Counter[str] = field(default_factory=Counter)


class Console(AlertStream):
    """A dispatcher's stream, first on one API process. As the console does, it reconnects
    with the last id it saw when the stream ends (to the next process when its own is
    gone: what a load balancer does), and fetches an alert whole when the message holds
    only its latest evidence."""

    def __init__(self, urls: list[str], token: str, watch: set[str]) -> None:
        super().__init__(urls[0], token, watch)
        self.urls = urls
        self.stop = threading.Event()
        self.last_id: str | None = None
        self.reconnects = 0

    def _take(self, alert: dict[str, Any], now: float) -> None:
        with self.lock:
            before = self.counts.get(alert["id"], ("", 0))[1]
        super()._take(alert, now)
        # More new pieces than the message carries (after a reconnection): fetch it whole.
        if alert["case_id"] in self.watch and alert["count"] - before > len(alert["evidence"]):
            r = httpx.get(f"{self.url}/api/v1/alerts/{alert['id']}", headers=h(self.token))
            if r.status_code == 200:
                super()._take(r.json(), time.perf_counter())

    def run(self) -> None:
        """Read, and read again after every disconnection, until stopped."""
        while not self.stop.is_set():
            headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                with (
                    httpx.Client(timeout=httpx.Timeout(5, read=30)) as http,
                    http.stream("GET", f"{self.url}/api/v1/alerts/stream", headers=headers) as r,
                ):
                    r.raise_for_status()
                    event = ""
                    for line in r.iter_lines():
                        now = time.perf_counter()
                        if self.stop.is_set():
                            return
                        if line.startswith(":"):
                            self.connected.set()
                        elif line.startswith("id:"):
                            self.last_id = line[3:].strip()
                        elif line.startswith("event:"):
                            event = line[6:].strip()
                        elif line.startswith("data:") and event == "alert":
                            self._take(json.loads(line[5:]), now)
                        elif not line:
                            event = ""
            except httpx.HTTPError as exc:
                self.error = exc
                if isinstance(exc, httpx.ConnectError):  # its process is gone: the next one
                    self.url = self.urls[(self.urls.index(self.url) + 1) % len(self.urls)]
            self.reconnects += 1
            self.stop.wait(0.2)


class Phones:
    """Open-loop calls at `rate`/s over the cases, to the API processes in turn; each
    retried on the next process until answered 202 (or until `drain` gives up)."""

    def __init__(self, urls: list[str], cases: list[dict[str, str]], rate: float) -> None:
        self.urls, self.cases, self.rate = urls, cases, rate
        self.events: list[Event] = []
        self.phase = PHASES[0]
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(32)
        self._base = datetime.now(UTC) - timedelta(hours=1)
        self._thread = threading.Thread(target=self._pace, daemon=True)
        self._local = threading.local()

    def start(self) -> None:
        """Start sending."""
        self._thread.start()

    def _pace(self) -> None:
        began, i = time.perf_counter(), 0
        while not self._stop.is_set():
            due = began + i / self.rate
            if self._stop.wait(max(0.0, due - time.perf_counter())):
                return
            at = self._base + timedelta(milliseconds=i)
            ev = Event(i, str(uuid.uuid4()), i % len(self.cases), iso(at), self.phase, due)
            self.events.append(ev)
            self._pool.submit(self._send, ev, i)
            i += 1

    def _client(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = httpx.Client(timeout=ATTEMPT_TIMEOUT_S)
        return client

    def _send(self, ev: Event, turn: int, give_up: float | None = None) -> None:
        case = self.cases[ev.case]
        at = iso(self._base + timedelta(milliseconds=ev.n))
        body = {"id": ev.ext_id, "kind": "call", "number": case["perp"], "occurred_at": at}
        while ev.acked_at is None:
            url = self.urls[turn % len(self.urls)]
            data, headers = signed_json(case["device"], case["key"], PATH, {"events": [body]})
            sent = time.perf_counter()
            try:
                r = self._client().post(f"{url}{PATH}", content=data, headers=headers)
                ev.statuses[str(r.status_code)] += 1
                if r.status_code == 202:
                    ev.sent_at, ev.acked_at = sent, time.perf_counter()
                    return
            except httpx.HTTPError as exc:
                ev.statuses[type(exc).__name__] += 1
            turn += 1
            if (give_up is not None and time.perf_counter() > give_up) or (
                give_up is None and self._stop.is_set()
            ):
                return
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop making new calls; let the ones in flight finish."""
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)

    def drain(self, within_s: float) -> None:
        """Send again what was never answered 202, as a phone's spool does."""
        give_up = time.perf_counter() + within_s
        for ev in self.events:
            if ev.acked_at is None:
                self._send(ev, 0, give_up)


def stored(
    db_url: str, ext_ids: list[str]
) -> tuple[dict[str, list[str]], Counter[str], dict[str, float]]:
    """From the database: each ext id's stored rows, evidence rows per stored event, and
    each event's wait from stored to judged (the server's own stamps, in seconds)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows: dict[str, list[str]] = {}
            waits: dict[str, float] = {}
            q = select(
                t.ContactEvent.ext_id,
                t.ContactEvent.id,
                t.ContactEvent.received_at,
                t.ContactEvent.processed_at,
            ).where(t.ContactEvent.source == "phone")
            for ext_id, row_id, received, processed in conn.execute(q):
                rows.setdefault(ext_id, []).append(row_id)
                if processed is not None:
                    waits[ext_id] = (processed - received).total_seconds()
            evidence = Counter(conn.scalars(select(t.AlertEvidence.event_id)))
        return {e: rows.get(e, []) for e in ext_ids}, evidence, waits
    finally:
        engine.dispose()


def alerts_duplicated(db_url: str) -> int:
    """Unresolved alerts beyond one per case and kind."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            q = (
                select(func.count())
                .where(t.AlertRow.status != "resolved")
                .group_by(t.AlertRow.case_id, t.AlertRow.kind)
            )
            return sum(n - 1 for n in conn.scalars(q.select_from(t.AlertRow)))
    finally:
        engine.dispose()


def deadlocks(db_url: str) -> int:
    """PostgreSQL's count of deadlocks in this database so far (every schema in it)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            q = text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            return int(conn.scalar(q) or 0)
    finally:
        engine.dispose()


def pass_failures(cluster: Cluster) -> int:
    """The workers' logged failed passes (each first failure of a run of them)."""
    return sum(
        w.log_path.read_text(errors="replace").count("worker pass failed") for w in cluster.worker
    )


def restart_api(cluster: Cluster, token: str) -> dict[str, Any]:
    """kill -9 the first API process and start it again: when it answered /healthz, when
    /readyz said 200, its warm-up, and its first ordinary request."""
    api = cluster.api[0]
    api.kill9()
    began = time.perf_counter()
    api.spawn()
    out: dict[str, Any] = {}
    while "readyz_after_s" not in out:
        for path in ("/healthz", "/readyz"):
            try:
                r = httpx.get(f"{api.url}{path}", timeout=ATTEMPT_TIMEOUT_S)
            except httpx.HTTPError:
                continue
            at = round(time.perf_counter() - began, 3)
            out.setdefault("healthz_after_s", at)  # any answer: the process is up
            if path == "/readyz" and r.status_code == 200:
                out["readyz_after_s"], out["warm_up_s"] = at, r.json().get("warm_up_s")
        time.sleep(0.02)
    sent = time.perf_counter()
    httpx.get(f"{api.url}/api/v1/alerts", params={"limit": 1}, headers=h(token), timeout=10)
    out["first_request_ms"] = round((time.perf_counter() - sent) * 1000, 1)
    return out


def stall_worker(worker: Any, db_url: str, seconds: float) -> dict[str, Any]:
    """SIGSTOP the worker while one of its transactions holds claimed or written rows (its
    backend has a transaction id), SIGCONT after `seconds`: a process paused mid-way."""
    q = text(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
        "AND backend_xid IS NOT NULL"
    )
    engine = create_engine(db_url)
    pid = worker.proc.pid
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for tries in range(1, 2001):
                if conn.scalar(q, {"name": worker.name}):
                    os.kill(pid, signal.SIGSTOP)
                    if conn.scalar(q, {"name": worker.name}):  # still inside it: stalled
                        time.sleep(seconds)
                        os.kill(pid, signal.SIGCONT)
                        return {"mid_transaction": True, "tries": tries, "stalled_s": seconds}
                    os.kill(pid, signal.SIGCONT)
                time.sleep(0.005)
        os.kill(pid, signal.SIGSTOP)  # never caught inside one: stall it where it is
        time.sleep(seconds)
        os.kill(pid, signal.SIGCONT)
        return {"mid_transaction": False, "stalled_s": seconds}
    finally:
        engine.dispose()


def restart_database(version: str, cluster: str) -> dict[str, Any]:
    """`pg_ctlcluster … restart` (as root), timed."""
    began = time.perf_counter()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
        check=True,
        capture_output=True,
    )
    return {"restart_s": round(time.perf_counter() - began, 3), "cluster": f"{version}/{cluster}"}


def figures(phones: Phones, consoles: list[Console], db_url: str) -> dict[str, Any]:
    """Per phase: acknowledged, stored, lost, duplicated, not shown, POST-to-stream."""
    rows, evidence, waits = stored(db_url, [e.ext_id for e in phones.events])
    out: dict[str, Any] = {}
    for phase in PHASES:
        events = [e for e in phones.events if e.phase == phase]
        acked = [e for e in events if e.acked_at is not None]
        latency, lag, not_shown = [], [], 0
        for e in acked:
            for console in consoles:
                seen = console.seen(e.key)
                if seen is None:
                    not_shown += 1
                    continue
                assert e.sent_at is not None
                assert e.acked_at is not None
                latency.append(seen - e.sent_at)
                lag.append(seen - e.acked_at)
        answers: Counter[str] = Counter()
        for e in events:
            answers.update(e.statuses)
        out[phase] = {
            "sent": len(events),
            "acknowledged": len(acked),
            "answers": dict(answers),
            "stored": sum(1 for e in acked if rows[e.ext_id]),
            "lost": sum(1 for e in acked if not rows[e.ext_id]),
            "duplicated": sum(1 for e in events if len(rows[e.ext_id]) > 1)
            + sum(1 for e in events for r in rows[e.ext_id] if evidence[r] > 1),
            "not_judged": sum(1 for e in acked for r in rows[e.ext_id] if evidence[r] == 0),
            "not_shown": not_shown,
            "stored_to_judged_ms": summary([waits[e.ext_id] for e in acked if e.ext_id in waits]),
            "post_to_stream_ms": summary(latency),
            "max_stream_lag_ms": round(max(lag) * 1000, 1) if lag else None,
        }
    return out


def chart(path: Path, phones: Phones, consoles: list[Console], marks: list[Any]) -> None:
    """Each event's POST-to-stream (the slowest console) against when it was sent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = phones.events[0].first_at
    xs, ys = [], []
    for e in phones.events:
        seen = [c.seen(e.key) for c in consoles]
        if e.sent_at is not None and all(s is not None for s in seen):
            xs.append(e.first_at - t0)
            ys.append(max(s for s in seen if s is not None) - e.sent_at)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.scatter(xs, [y * 1000 for y in ys], s=4, alpha=0.6)
    for at, label in marks:
        ax.axvline(at - t0, color="red", linestyle="--", linewidth=1)
        ax.annotate(label, (at - t0, 1), rotation=90, fontsize=8, va="bottom")
    ax.set_yscale("log")
    ax.set_xlabel("s since the load began")
    ax.set_ylabel("POST → every console (ms)")
    ax.set_title("2 API + 2 worker processes on PostgreSQL, through kills and a restart")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Run the phases and write the results."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--pg-cluster", default="main", help="the cluster behind --database-url")
    ap.add_argument("--pg-version", default=None, help="default: the one in /etc/postgresql")
    ap.add_argument("--phase-s", type=float, default=20.0)
    ap.add_argument("--rate", type=float, default=20.0, help="calls per second")
    ap.add_argument("--stall-s", type=float, default=5.0, help="how long a worker stalls")
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--consoles-per-api", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    version = args.pg_version or sorted(os.listdir("/etc/postgresql"))[-1]
    workdir = Path(tempfile.mkdtemp(prefix="jikimi-chaos-"))
    os.environ["JIKIMI_KEY_FILE"] = str(workdir / "keys.json")  # one key ring for all
    with database(args.database_url, workdir) as (db_url, kind):
        cluster = Cluster(db_url, workdir)
        cluster.start()
        consoles: list[Console] = []
        phones: Phones | None = None
        try:
            officer, dispatcher = cluster.token(Role.OFFICER), cluster.token(Role.DISPATCHER)
            api = cluster.api[0].url
            cases = [seed_case(api, officer) for _ in range(args.cases)]
            watch = {c["case_id"] for c in cases}
            urls = [s.url for s in cluster.api]
            for i in range(len(urls)):
                for _ in range(args.consoles_per_api):
                    console = Console(urls[i:] + urls[:i], dispatcher, watch)
                    console.start()
                    consoles.append(console)
            for console in consoles:
                if not console.connected.wait(10):
                    raise RuntimeError(f"a console did not connect: {console.error!r}")
            deadlocks_before = deadlocks(db_url)
            phones = Phones(urls, cases, args.rate)
            phones.start()
            marks: list[tuple[float, str]] = []
            restarts: dict[str, Any] = {}
            for phase in PHASES:
                phones.phase = phase
                began = time.perf_counter()
                if phase == "worker_stalled":
                    marks.append((began, "worker stalled"))
                    restarts["stall"] = stall_worker(cluster.worker[0], db_url, args.stall_s)
                elif phase == "worker_killed":
                    marks.append((began, "worker kill -9"))
                    cluster.worker[0].kill9()
                    cluster.worker[0].start()
                    restarts["worker"] = {"running_after_s": round(time.perf_counter() - began, 3)}
                elif phase == "api_killed":
                    marks.append((began, "API kill -9"))
                    restarts["api"] = restart_api(cluster, dispatcher)
                elif phase == "database_restarted":
                    marks.append((began, "PostgreSQL restart"))
                    restarts["database"] = restart_database(version, args.pg_cluster)
                time.sleep(max(0.0, args.phase_s - (time.perf_counter() - began)))
            phones.stop()
            phones.drain(60)
            acked = [e for e in phones.events if e.acked_at is not None]
            deadline = time.perf_counter() + 60
            while time.perf_counter() < deadline and not all(
                c.seen(e.key) is not None for e in acked for c in consoles
            ):
                time.sleep(0.2)
            run = {
                "revision": git_revision(),
                "machine": machine("sqlalchemy", "psycopg", "uvicorn"),
                "database": f"{kind} {database_version(db_url, kind)}",
                "setup": {
                    "api_processes": len(cluster.api),
                    "worker_processes": len(cluster.worker),
                    "consoles": len(consoles),
                    "cases": args.cases,
                    "calls_per_s": args.rate,
                    "phase_s": args.phase_s,
                    "pg_cluster": f"{version}/{args.pg_cluster}",
                },
                "phases": figures(phones, consoles, db_url),
                "alerts_duplicated": alerts_duplicated(db_url),
                # Database-wide (stats are flushed within a second or so): on a shared
                # server other schemas' deadlocks count too.
                "deadlocks": deadlocks(db_url) - deadlocks_before,
                "worker_pass_failures": pass_failures(cluster),
                "restarts": restarts,
                "console_reconnects": sum(c.reconnects for c in consoles),
            }
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "chaos.json").write_text(json.dumps(run, indent=2) + "\n")
            chart(args.out / "chaos.png", phones, consoles, marks)
            shown = ("phases", "alerts_duplicated", "deadlocks", "worker_pass_failures", "restarts")
            print(json.dumps({k: run[k] for k in shown}))
        finally:
            for console in consoles:
                console.stop.set()
            cluster.stop()


if __name__ == "__main__":
    main()
