"""Contact events end to end: POST-to-SSE latency at a steady rate, ingest and throughput.

Starts `python -m jikimi serve` on a fresh database (SQLite in a temporary directory, or a
schema of its own on PostgreSQL, dropped afterwards), seeds cases with a telecom ban in
force and an enrolled phone through the public API, listens on the dispatchers' SSE stream
(`GET /api/v1/alerts/stream`) and measures:

- latency: from just before a single-event POST of a violating call to the first SSE
  message whose alert carries that call as evidence, at a steady rate (open loop: a send
  never waits for an earlier one). Each call has its own `occurred_at`, which is how an
  SSE message is matched to the POST (evidence carries the server's event id, not ours);
- ingest: the round trip of those same POSTs to their 202;
- throughput: events/s accepted (batches of 100 from several clients at once, on other
  cases) and events/s judged (until those alerts' counts add up to every event sent).

Writes JSON (default bench/results/contacts.json; one entry per database, a run replaces
its own), draws bench/results/contacts.png when matplotlib is installed, and prints a line
per phase. A run takes about a minute and a half.

    .venv/bin/python bench/contacts.py
    .venv/bin/python bench/contacts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shlex
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from jikimi import schema as tables
from jikimi.client.signed import signed_headers
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "contacts.json"
DEFAULT_CHART = ROOT / "bench" / "results" / "contacts.png"
TARGET_P99_MS = 50.0
AGENCY = "seoul-mapo"


# --- the server and its database ----------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(url: str | None, workdir: Path) -> Iterator[tuple[str, str]]:
    """A fresh, empty database: (URL, kind). PostgreSQL gets a schema that is dropped after."""
    if url is None:
        yield f"sqlite:///{workdir}/bench.db", "sqlite"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, pool_pre_ping=True)  # bench/chaos.py restarts the database
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}", "postgresql"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_version(url: str, kind: str) -> str:
    """The database engine's version."""
    if kind.startswith("sqlite"):
        return sqlite3.sqlite_version
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


SPLIT_NEEDS_POSTGRESQL = (
    "--split runs the API and `jikimi worker` as two processes, which only PostgreSQL "
    "allows: give --database-url"
)


@contextmanager
def server(database_url: str, workdir: Path, split: bool = False) -> Iterator[tuple[str, int]]:
    """`python -m jikimi serve` on a free port until the block ends: (base URL, pid).

    `split` (PostgreSQL): the API process judges nothing and a `jikimi worker` process
    does, so the two use both cores.
    """
    port = free_port()
    env = {**os.environ, "JIKIMI_DATABASE_URL": database_url}
    if split:
        env["JIKIMI_WORKER"] = "false"
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jikimi", "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = (
            subprocess.Popen(
                [sys.executable, "-m", "jikimi", "worker"],
                env={**env, "JIKIMI_WORKER": "true"},
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if split
            else None
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready in 30 s")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        yield url, proc.pid
    finally:
        for p in (proc, worker):
            if p is None:
                continue
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def cli_token(database_url: str, workdir: Path, role: str) -> str:
    """A staff token from `jikimi token create`, as an operator would make one.

    It runs where the server runs, so both use the same key ring (./data/keys.json).
    """
    out = subprocess.run(
        [sys.executable, "-m", "jikimi", "token", "create", "--role", role, "--agency", AGENCY],
        env={**os.environ, "JIKIMI_DATABASE_URL": database_url},
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


# --- seeding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A seeded case: a telecom ban in force and the victim's enrolled phone."""

    case_id: str
    device_token: str
    signing_key: str | None  # the phone signs each request when enrolment gave it a key
    perpetrator_number: str


def seed(http: httpx.Client, officer: str, n: int, first: int) -> list[Case]:
    """`n` cases through the public API, each with a stalking.provisional.3 order in force."""
    headers = {"Authorization": f"Bearer {officer}"}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = http.post(path, json=body, headers=headers)
        while r.status_code == 429:  # the per-token rate limit: wait as told
            time.sleep(float(r.headers.get("retry-after", "1")))
            r = http.post(path, json=body, headers=headers)
        if r.status_code != 201:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text}")
        data: dict[str, Any] = r.json()
        return data

    start = datetime.now(UTC) - timedelta(days=1)
    cases = []
    for i in range(first, first + n):
        victim = post("/api/v1/people", {"name": "김지은", "phones": [f"010-5{i:03d}-0001"]})
        perp = post("/api/v1/people", {"name": "박가해", "phones": [f"010-6{i:03d}-0002"]})
        case = post(
            "/api/v1/cases",
            {
                "victim_id": victim["id"],
                "perpetrator_id": perp["id"],
                "relationship": "former_partner",
                "offense": "stalking",
                "agency": AGENCY,
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
            Case(case["id"], device["token"], device.get("signing_key"), perp["phones"][0])
        )
    return cases


# --- the dispatchers' stream --------------------------------------------------------------


def iso(dt: datetime) -> str:
    """The server's rendering of a time (UTC, `Z`), so evidence can be matched as text."""
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


class AlertStream(threading.Thread):
    """Reads `GET /api/v1/alerts/stream`: when each evidence time was first seen, and counts.

    Arrival is stamped when the data line arrives, before the JSON is parsed.
    """

    def __init__(self, url: str, token: str, watch: set[str]) -> None:
        super().__init__(name="sse", daemon=True)
        self.url, self.token, self.watch = url, token, watch
        self.connected = threading.Event()
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}
        self.counts: dict[str, tuple[str, int]] = {}
        self.messages = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        """Read until the server goes away."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        timeout = httpx.Timeout(10, read=None)
        try:
            with (
                httpx.Client(timeout=timeout) as http,
                http.stream("GET", f"{self.url}/api/v1/alerts/stream", headers=headers) as r,
            ):
                r.raise_for_status()
                event = ""
                for line in r.iter_lines():
                    now = time.perf_counter()
                    if line.startswith(":"):
                        self.connected.set()
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event == "alert":
                        self._take(json.loads(line[5:]), now)
                    elif not line:
                        event = ""
        except httpx.HTTPError as exc:  # the server stopping ends the stream
            self.error = exc

    def _take(self, alert: dict[str, Any], now: float) -> None:
        with self.lock:
            self.messages += 1
            self.counts[alert["id"]] = (alert["case_id"], alert["count"])
            if alert["case_id"] in self.watch:
                for ev in alert["evidence"]:
                    self.first_seen.setdefault(ev["occurred_at"], now)

    def seen(self, key: str) -> float | None:
        """When the evidence with this `occurred_at` first arrived."""
        with self.lock:
            return self.first_seen.get(key)

    def count_for(self, case_ids: set[str]) -> int:
        """The sum of the counts of these cases' alerts, as last streamed."""
        with self.lock:
            return sum(n for case_id, n in self.counts.values() if case_id in case_ids)


def open_consoles(url: str, token: str, watch: set[str], n: int) -> list[AlertStream]:
    """`n` dispatcher streams, connected."""
    consoles = [AlertStream(url, token, watch) for _ in range(n)]
    for console in consoles:
        console.start()
        if not console.connected.wait(10):
            raise RuntimeError(f"SSE stream did not connect: {console.error!r}")
    return consoles


# --- measuring ----------------------------------------------------------------------------


def summary(values_s: list[float]) -> dict[str, float | int]:
    """Count and nearest-rank percentiles, in milliseconds."""
    xs = sorted(values_s)
    if not xs:
        return {"count": 0}

    def pct(p: float) -> float:
        return round(xs[max(0, math.ceil(p / 100 * len(xs)) - 1)] * 1000, 2)

    return {
        "count": len(xs),
        "p50": pct(50),
        "p90": pct(90),
        "p99": pct(99),
        "max": round(xs[-1] * 1000, 2),
        "mean": round(sum(xs) / len(xs) * 1000, 2),
    }


def cdf(values_s: list[float]) -> list[float]:
    """Percentiles 0, 1, …, 100 (nearest rank) in milliseconds."""
    xs = sorted(values_s)
    if not xs:
        return []
    return [round(xs[max(0, math.ceil(p / 100 * len(xs)) - 1)] * 1000, 1) for p in range(101)]


def worker_pid() -> int | None:
    """The `jikimi worker` this process started (`server(split=True)`), if any."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and cmd[-3:-1] == [b"jikimi", b"worker"]:
            return int(entry.name)
    return None


class CpuMeter:
    """CPU seconds used by the server process (and its `jikimi worker`, when split) and by
    this one over a phase."""

    def __init__(self, server_pid: int) -> None:
        self.pid, self.worker = server_pid, worker_pid()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.t0, self.server0, self.self0 = time.perf_counter(), self._server(), self._self()
        self.worker0 = self._server(self.worker) if self.worker else 0.0

    def _server(self, pid: int | None = None) -> float:
        stat = Path(f"/proc/{pid or self.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    @staticmethod
    def _self() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def read(self) -> dict[str, float]:
        """Cores used on average since the meter started (1.0 = one core busy)."""
        wall = time.perf_counter() - self.t0
        cores = {
            "server_cores": round((self._server() - self.server0) / wall, 2),
            "bench_client_cores": round((self._self() - self.self0) / wall, 2),
        }
        if self.worker:
            cores["worker_cores"] = round((self._server(self.worker) - self.worker0) / wall, 2)
        return cores


def achieved(starts: list[float]) -> float:
    """The rate POSTs really started at (late when every sender waits on a slow POST)."""
    if len(starts) < 2:
        return 0.0
    return round((len(starts) - 1) / (max(starts) - min(starts)), 1)


def event_body(events: list[dict[str, Any]]) -> bytes:
    """A request body, encoded before the clock starts."""
    return json.dumps({"events": events}, separators=(",", ":")).encode()


def call(number: str, at: datetime) -> dict[str, Any]:
    """An incoming call from `number`."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "call",
        "number": number,
        "occurred_at": at.isoformat(),
        "text": None,
    }


def post(
    http: httpx.Client, case: Case, body: bytes, path: str = "/api/v1/device/contacts"
) -> int | str:
    """POST one batch as the case's phone; its status, or the name of the transport error."""
    if case.signing_key:
        headers = signed_headers(case.device_token, case.signing_key, "POST", path, body)
    else:
        headers = {"Authorization": f"Bearer {case.device_token}"}
    headers["Content-Type"] = "application/json"
    try:
        return http.post(path, content=body, headers=headers).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__


def ingest_sequential(url: str, cases: list[Case], n: int) -> dict[str, Any]:
    """One client, one event per POST, each sent when the last was answered.

    The calls come from a number in no case (most calls a victim gets are not from the perpetrator),
    so they are judged but raise no alert.
    """
    at = datetime.now(UTC) - timedelta(minutes=7)
    times: list[float] = []
    statuses: Counter[int | str] = Counter()
    with httpx.Client(base_url=url, timeout=30) as http:
        for i in range(n):
            body = event_body([call("010-9999-0000", at + timedelta(milliseconds=i))])
            t0 = time.perf_counter()
            statuses[post(http, cases[i % len(cases)], body)] += 1
            times.append(time.perf_counter() - t0)
    return {"statuses": dict_of(statuses), "post_to_202_ms": summary(times)}


def dict_of(counter: Counter[int | str]) -> dict[str, int]:
    """A Counter as JSON."""
    return {str(k): v for k, v in sorted(counter.items(), key=str)}


@dataclass
class Sample:
    """One latency-phase event, on the bench's perf_counter clock."""

    ext_id: str
    key: str  # its occurred_at as the server renders it: how the stream finds it
    due: float
    sent: float | None = None
    answered: float | None = None
    status: int | str | None = None
    seen: float | None = None


def latency_phase(
    url: str,
    cases: list[Case],
    stream: AlertStream,
    rate: float,
    seconds: float,
    minutes_ago: int,
    drain_s: float,
) -> list[Sample]:
    """Single-event POSTs of violations at a steady `rate` (open loop, up to 64 in flight)."""
    n = int(rate * seconds)
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    plan = []
    for i in range(n):
        case = cases[i % len(cases)]
        at = base + timedelta(milliseconds=i)  # unique, so the stream can tell events apart
        event = call(case.perpetrator_number, at)
        plan.append((Sample(event["id"], iso(at), 0.0), case, event_body([event])))
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    with httpx.Client(base_url=url, limits=limits, timeout=30) as http:

        def send(sample: Sample, case: Case, body: bytes) -> None:
            sample.sent = time.perf_counter()
            sample.status = post(http, case, body)
            sample.answered = time.perf_counter()

        with ThreadPoolExecutor(64, thread_name_prefix="send") as pool:
            start = time.perf_counter()
            for i, (sample, case, body) in enumerate(plan):
                sample.due = start + i / rate
                pause = sample.due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(send, sample, case, body)
    samples = [p[0] for p in plan]
    deadline = time.perf_counter() + drain_s
    while time.perf_counter() < deadline:
        for x in samples:
            if x.seen is None and x.status == 202:
                x.seen = stream.seen(x.key)
        if all(x.seen is not None for x in samples if x.status == 202):
            break
        time.sleep(0.05)
    return samples


def latency_figures(samples: list[Sample], rate: float) -> dict[str, Any]:
    """Percentiles of a latency phase."""
    ok = [x for x in samples if x.status == 202 and x.sent is not None]
    seen = [x for x in ok if x.seen is not None]
    starts = [x.sent for x in samples if x.sent is not None]
    ingest = [x.answered - x.sent for x in ok if x.answered is not None]
    return {
        "events": len(samples),
        "rate_scheduled_per_s": rate,
        "rate_achieved_per_s": achieved(starts),
        "statuses": dict_of(Counter(x.status for x in samples if x.status is not None)),
        # From just before the POST to the first SSE message carrying the event.
        "post_to_sse_ms": {
            **summary([x.seen - x.sent for x in seen if x.sent is not None]),
            "missing": len(ok) - len(seen),
        },
        # The same from when the event was due: a send that started late (every sender
        # thread waiting on a slow POST) counts its wait too (no coordinated omission).
        "due_to_sse_ms": summary([x.seen - x.due for x in seen]),
        # Every percentile 0..100 of post_to_sse, for charts.
        "post_to_sse_cdf_ms": cdf([x.seen - x.sent for x in seen if x.sent is not None]),
        "post_to_202_ms": {
            **summary(ingest),
            "over_10s": sum(t > 10 for t in ingest),  # the reference client's timeout
        },
        "send_lag_ms": summary([max(0.0, x.sent - x.due) for x in samples if x.sent]),
    }


def server_breakdown(db_url: str, samples: list[Sample]) -> dict[str, Any]:
    """Where the time went, from the server's own stamps on each event.

    `received_at` is stamped while the POST stores the event, `processed_at` when the
    worker judges it; the bench's clock is mapped onto the same wall clock.
    """
    by_id = {
        x.ext_id: (x.sent, x.seen) for x in samples if x.seen is not None and x.sent is not None
    }
    if not by_id:
        return {}
    wall = time.time() - time.perf_counter()
    engine = create_engine(db_url)
    try:
        with Session(engine) as s:
            rows = s.execute(
                select(
                    tables.ContactEvent.ext_id,
                    tables.ContactEvent.received_at,
                    tables.ContactEvent.processed_at,
                ).where(tables.ContactEvent.ext_id.in_(list(by_id)))
            ).all()
    finally:
        engine.dispose()
    stored, judged, shown = [], [], []
    for ext_id, received_at, processed_at in rows:
        sent, seen = by_id[ext_id]
        stored.append(received_at.timestamp() - (sent + wall))
        if processed_at is not None:
            judged.append((processed_at - received_at).total_seconds())
            shown.append(seen + wall - processed_at.timestamp())
    return {
        "post_to_stored_ms": summary(stored),
        "stored_to_judged_ms": summary(judged),
        "judged_to_sse_ms": summary(shown),
    }


def throughput_phase(
    url: str,
    db_url: str,
    cases: list[Case],
    stream: AlertStream,
    events: int,
    batch: int,
    clients: int,
    judge_timeout_s: float,
) -> dict[str, Any]:
    """Batches of violations from `clients` senders as fast as they go; accepted/s, judged/s."""
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=4)
    bodies = []
    for b in range(events // batch):
        case = cases[b % len(cases)]
        evs = [
            call(case.perpetrator_number, base + timedelta(microseconds=b * batch + j))
            for j in range(batch)
        ]
        bodies.append((case, event_body(evs)))
    total = len(bodies) * batch
    ext_ids = [e["id"] for _, body in bodies for e in json.loads(body)["events"]]
    watched = {c.case_id for c in cases}
    before = stream.count_for(watched)
    statuses: Counter[int | str] = Counter()
    per_post: list[float] = []
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=url, limits=limits, timeout=60) as http:

        def send(case: Case, body: bytes) -> None:
            t0 = time.perf_counter()
            status = post(http, case, body)
            with lock:
                statuses[status] += 1
                per_post.append(time.perf_counter() - t0)

        start = time.perf_counter()
        start_wall = time.time()
        with ThreadPoolExecutor(clients, thread_name_prefix="batch") as pool:
            for case, body in bodies:
                pool.submit(send, case, body)
        accepted_at = time.perf_counter()
    deadline = accepted_at + judge_timeout_s
    judged_at = None
    while time.perf_counter() < deadline:
        if stream.count_for(watched) - before >= total:
            judged_at = time.perf_counter()
            break
        time.sleep(0.01)
    streamed = stream.count_for(watched) - before
    end = judged_at or time.perf_counter()
    judged, last_judged = judged_stamps(db_url, ext_ids)
    judge_s = (last_judged - start_wall) if last_judged is not None else None
    return {
        "events": total,
        "batch": batch,
        "clients": clients,
        "statuses": dict_of(statuses),
        "accept_s": round(accepted_at - start, 3),
        "accepted_per_s": round(total / (accepted_at - start), 1),
        "batch_post_to_202_ms": summary(per_post),
        # Judged: the worker's own stamps (processed_at) on these events.
        "judged_events": judged,
        "judge_s": round(judge_s, 3) if judge_s else None,
        "judged_per_s": round(judged / judge_s, 1) if judge_s else 0.0,
        # Streamed: until the dispatchers' stream showed every one of them.
        "streamed_events": streamed,
        "streamed_all": judged_at is not None,
        "stream_s": round(end - start, 3),
        "streamed_per_s": round(streamed / (end - start), 1),
        "streamed_after_last_202_s": round(end - accepted_at, 3),
    }


def judged_stamps(db_url: str, ext_ids: list[str]) -> tuple[int, float | None]:
    """How many of these events the worker has judged, and when it judged the last."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as s:
            count, last = s.execute(
                select(func.count(), func.max(tables.ContactEvent.processed_at)).where(
                    tables.ContactEvent.ext_id.in_(ext_ids),
                    tables.ContactEvent.processed_at.is_not(None),
                )
            ).one()
    finally:
        engine.dispose()
    return int(count), (last.timestamp() if last is not None else None)


# --- the record ---------------------------------------------------------------------------


def write(out: Path, kind: str, run: dict[str, Any]) -> dict[str, Any]:
    """Put this run into the results file under its database kind; return the whole file."""
    try:
        results = json.loads(out.read_text("utf-8"))
    except (OSError, ValueError):
        results = {}
    results.setdefault("benchmark", "contacts")
    results.setdefault("runs", {})[kind] = run
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return results


def chart(path: Path, results: dict[str, Any]) -> bool:
    """POST-to-SSE distributions of every run in the file, when matplotlib is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(10, 4.5))
    styles = {"latency_light": ":", "latency": "-"}
    colours = {"sqlite": "#1f77b4", "postgresql": "#2ca02c"}
    for kind, run in sorted(results.get("runs", {}).items()):
        for phase, style in styles.items():
            figures = run.get(phase, {})
            points = figures.get("post_to_sse_cdf_ms")
            if not points:
                continue
            rate = figures["rate_scheduled_per_s"]
            ax.plot(
                points,
                range(len(points)),
                style,
                color=colours.get(kind),
                label=f"{kind}, {rate:g} events/s",
            )
    ax.axvline(TARGET_P99_MS, color="#c0392b", linewidth=1)
    ax.axhline(99, color="#c0392b", linewidth=1)
    ax.annotate("target: p99 < 50 ms", (TARGET_P99_MS * 1.1, 92), color="#c0392b")
    ax.set_xscale("log")
    ax.set_xlabel("POST of a call from the perpetrator → SSE message to the dispatcher (ms, log)")
    ax.set_ylabel("percentile")
    ax.set_title("Contact event latency (bench/contacts.py)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main() -> None:
    """Run the benchmark and write its JSON."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    ap.add_argument("--cases", type=int, default=50, help="cases in each group")
    ap.add_argument("--rate", type=float, default=100.0, help="latency: events/s")
    ap.add_argument("--seconds", type=float, default=20.0, help="latency: duration")
    ap.add_argument("--low-rate", type=float, default=10.0, help="latency, light load: events/s")
    ap.add_argument("--low-seconds", type=float, default=10.0, help="latency, light load: s")
    ap.add_argument("--sequential", type=int, default=200, help="single POSTs one at a time")
    ap.add_argument("--events", type=int, default=3_000, help="throughput: events")
    ap.add_argument("--batch", type=int, default=100, help="throughput: events per POST")
    ap.add_argument("--clients", type=int, default=4, help="throughput: concurrent POSTs")
    ap.add_argument("--drain", type=float, default=30.0, help="wait at most this for judging")
    ap.add_argument("--consoles", type=int, default=1, help="dispatchers' live streams open")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON")
    ap.add_argument(
        "--chart", type=Path, default=DEFAULT_CHART, help="latency PNG (needs matplotlib)"
    )
    ap.add_argument(
        "--split",
        action="store_true",
        help="API and worker in two processes (both cores; PostgreSQL only)",
    )
    args = ap.parse_args()
    if args.split and not args.database_url:
        ap.error(SPLIT_NEEDS_POSTGRESQL)
    # The client's own threads (64 senders, the stream reader) hand the GIL over every
    # 0.5 ms, as the server's do (cli/serving.py): with Python's 5 ms the reader could
    # wait that long to stamp a message it had already received.
    sys.setswitchinterval(0.0005)

    began = time.perf_counter()
    phases: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="jikimi-bench-") as tmp,
        database(args.database_url, Path(tmp)) as (db_url, kind),
        server(db_url, Path(tmp), args.split) as (url, pid),
    ):
        if args.split:
            kind = f"{kind}+worker"  # its own entry in the results
        if args.consoles > 1:
            kind = f"{kind}, {args.consoles} consoles"
        # One officer per group keeps seeding within the per-token rate limit's burst.
        officers = [cli_token(db_url, Path(tmp), "officer") for _ in range(2)]
        dispatcher = cli_token(db_url, Path(tmp), "dispatcher")
        t0 = time.perf_counter()
        with httpx.Client(base_url=url, timeout=30) as http:
            lat_cases = seed(http, officers[0], args.cases, 0)
            thr_cases = seed(http, officers[1], args.cases, args.cases)
        seed_s = time.perf_counter() - t0
        # The first console is the one measured; the others load the server as a 112
        # room's other consoles would (each reads every alert of the agency).
        consoles = open_consoles(url, dispatcher, {c.case_id for c in lat_cases}, args.consoles)
        stream = consoles[0]

        def phase(name: str, figures: dict[str, Any], cpu: CpuMeter) -> None:
            phases[name] = {**figures, "cpu": cpu.read()}
            log(kind, name, phases[name])

        cpu = CpuMeter(pid)
        phase("ingest_sequential", ingest_sequential(url, thr_cases, args.sequential), cpu)
        cpu = CpuMeter(pid)
        light = latency_phase(
            url, lat_cases, stream, args.low_rate, args.low_seconds, 6, args.drain
        )
        phase("latency_light", latency_figures(light, args.low_rate), cpu)
        cpu = CpuMeter(pid)
        samples = latency_phase(url, lat_cases, stream, args.rate, args.seconds, 5, args.drain)
        phase("latency", latency_figures(samples, args.rate), cpu)
        cpu = CpuMeter(pid)
        figures = throughput_phase(
            url, db_url, thr_cases, stream, args.events, args.batch, args.clients, args.drain
        )
        phase("throughput", figures, cpu)
        sse_messages = stream.messages
        phases["latency_light"]["server_breakdown"] = server_breakdown(db_url, light)
        phases["latency"]["server_breakdown"] = server_breakdown(db_url, samples)
        version = database_version(db_url, kind)
    main_phase = phases["latency"]
    p99 = main_phase["post_to_sse_ms"].get("p99")
    run = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join([".venv/bin/python", "bench/contacts.py", *sys.argv[1:]]),
        "revision": git_revision(),
        "machine": machine("fastapi", "uvicorn", "sqlalchemy", "sse-starlette"),
        "database": {"kind": kind, "version": version},
        "setup": {
            "server": (
                "JIKIMI_WORKER=false python -m jikimi serve (API, SSE) + python -m jikimi"
                " worker, defaults"
                if args.split
                else "python -m jikimi serve: one process (API, worker thread, SSE), defaults"
            ),
            "cases": 2 * args.cases,
            "consoles": args.consoles,
            "seed_s": round(seed_s, 1),
            "order": "stalking.provisional.3 in force; one enrolled phone per case",
            "latency_events": "one call from the perpetrator per POST, cases in turn",
            "throughput_events": (
                f"calls from the perpetrator, {args.batch} per POST, the other cases"
            ),
        },
        "target": {
            "post_to_sse_p99_ms": TARGET_P99_MS,
            "at_rate_per_s": args.rate,
            "met": p99 is not None
            and p99 < TARGET_P99_MS
            and not main_phase["post_to_sse_ms"]["missing"]
            and main_phase["rate_achieved_per_s"] >= 0.95 * args.rate,
        },
        **phases,
        "sse_messages": sse_messages,
        "wall_s": round(time.perf_counter() - began, 1),
    }
    results = write(args.out, kind, run)
    if not chart(args.chart, results):
        print("no chart: matplotlib is not installed", file=sys.stderr)
    print(f"{kind}: wall {run['wall_s']} s -> {args.out}", file=sys.stderr)


def log(kind: str, name: str, figures: dict[str, Any]) -> None:
    """A line per phase on stderr."""
    keys = ("post_to_sse_ms", "post_to_202_ms", "accepted_per_s", "judged_per_s", "cpu")
    shown = {k: figures[k] for k in keys if k in figures}
    print(f"{kind} {name}: {json.dumps(shown)}", file=sys.stderr)


if __name__ == "__main__":
    main()
