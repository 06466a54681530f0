"""Anklet positions end to end: pings/s accepted over HTTP with storage, and ping-to-SSE
alert latency at a steady 10,000 pings/s.

Starts `python -m jikimi serve` on a fresh database, seeds a city of anklet cases (each a
victim with a home, a 100 m approach ban and electronic monitoring, an anklet bound to the
perpetrator) straight into the database, then, as the monitoring centre's feed would
(signed, 10,000 pings a request at most):

- throughput: requests of 10,000 pings from two client threads as fast as the server
  answers 202 (every ping stored durably before its 202), pings/s accepted; then how long
  the engine needs to judge the backlog;
- latency: a steady 10,000 pings/s (10 requests of 1,000 a second, open loop), each request
  carrying one "probe" ping of a different case inside its victim's zone; from just before
  the POST to the first SSE message whose alert holds that probe as evidence. Meanwhile
  the victims' phones report, each one fix of its victim every 30 s (`--phones`, default
  every victim of the city: 67 signed requests a second), so the engine also judges the
  victims' fixes against the perpetrators' fresh positions.

    .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Writes bench/results/ingest.json (one entry per database) and bench/results/ingest.png.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contacts as common  # the server, SSE and summary helpers
from jikimi import schema as t
from jikimi.accounts.tokens import create_signed_token, create_token
from jikimi.bootstrap import build
from jikimi.client.signed import signed_headers
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction
from jikimi.proximity.positions import CURSOR
from runinfo import Pace, git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
SEOUL = (37.5665, 126.9780)
M_PER_DEG = 111_320.0
PATH = "/api/v1/feed/locations"
PHONE_PATH = "/api/v1/device/locations"


def place(rng: random.Random, spread_m: float) -> tuple[float, float]:
    """A point within `spread_m` of the city centre."""
    north, east = rng.uniform(-spread_m, spread_m), rng.uniform(-spread_m, spread_m)
    return SEOUL[0] + north / M_PER_DEG, SEOUL[1] + east / (M_PER_DEG * 0.79)


def seed(db_url: str, workdir: Path, n: int, rng: random.Random, phones: int = 0) -> dict[str, Any]:
    """Cases straight into the database (the API would take minutes for thousands); the
    victims of the first `phones` cases carry a phone enrolled for the case (its token and
    signing key, as `POST /cases/{id}/devices` gives them)."""
    os.environ["JIKIMI_KEY_FILE"] = str(workdir / "data" / "keys.json")
    c = build(Settings(database_url=db_url, worker=False))
    now = datetime.now(UTC)
    homes: list[tuple[str, tuple[float, float]]] = []
    carried: list[tuple[str, str, tuple[float, float]]] = []  # token, key, the victim's home
    try:
        with transaction(c.sessions) as s:
            for i in range(n):
                victim = t.Person(name=f"v{i}", created_at=now)
                perp = t.Person(name=f"p{i}", created_at=now)
                s.add_all([victim, perp])
                s.flush()  # people before what refers to them
                home = place(rng, 15_000)
                s.add(
                    t.Address(person_id=victim.id, label="home", text="-", lat=home[0], lon=home[1])
                )
                case = t.Case(
                    victim_id=victim.id,
                    perpetrator_id=perp.id,
                    relationship="former_partner",
                    offense="stalking",
                    agency=common.AGENCY,
                    created_at=now,
                )
                s.add(case)
                s.flush()
                for kind in ("stalking.provisional.2", "stalking.provisional.3-2"):
                    s.add(
                        t.Order(
                            case_id=case.id,
                            kind=kind,
                            starts_at=now - timedelta(days=1),
                            ends_at=now + timedelta(days=60),
                            created_at=now,
                        )
                    )
                serial = f"EM-{i:06d}"
                s.add(
                    t.Device(
                        case_id=case.id,
                        person_id=perp.id,
                        kind="anklet",
                        serial=serial,
                        created_at=now,
                    )
                )
                homes.append((serial, home))
                if i < phones:
                    phone = t.Device(
                        case_id=case.id, person_id=victim.id, kind="victim_phone", created_at=now
                    )
                    s.add(phone)
                    s.flush()
                    token, signing = create_signed_token(s, Role.DEVICE, device_id=phone.id)
                    carried.append((token, signing, home))
            feed, key = create_signed_token(s, Role.FEED, name="bench feed")
            dispatcher = create_token(s, Role.DISPATCHER, name="bench", agency=common.AGENCY)
        return {
            "homes": homes,
            "phones": carried,
            "feed": feed,
            "key": key,
            "dispatcher": dispatcher,
        }
    finally:
        c.close()


def body_of(pings: list[dict[str, Any]]) -> bytes:
    """A request body, encoded before the clock starts."""
    return json.dumps({"pings": pings}, separators=(",", ":")).encode()


def far_pings(
    homes: list[tuple[str, tuple[float, float]]],
    n: int,
    at: datetime,
    rng: random.Random,
    first: int = 0,
) -> list[dict[str, Any]]:
    """`n` pings of ordinary anklets from the `first`-th on (round the city), each standing
    3–7 km from its own victim's home (its own spot, from its serial) with GPS noise of
    about 8 m; an anklet that appears more than once in a request reports once a second."""
    out = []
    for k in range(n):
        serial, home = homes[(first + k) % len(homes)]
        d = 3000 + random.Random(serial).random() * 4000
        out.append(
            {
                "device": serial,
                "lat": round(home[0] + (d + rng.gauss(0, 8)) / M_PER_DEG, 7),
                "lon": round(home[1] + rng.gauss(0, 8) / (M_PER_DEG * 0.79), 7),
                "accuracy_m": 15.0,
                "recorded_at": (at + timedelta(seconds=k // len(homes))).isoformat(),
            }
        )
    return out


def send(http: httpx.Client, feed: str, key: str, body: bytes) -> int:
    """One signed POST; the status."""
    headers = signed_headers(feed, key, "POST", PATH, body)
    headers["Content-Type"] = "application/json"
    return http.post(PATH, content=body, headers=headers).status_code


def throughput(
    url: str,
    seeded: dict[str, Any],
    seconds: float,
    rng: random.Random,
    server_pid: int,
    clients: int = 2,
) -> dict[str, Any]:
    """`clients` connections sending 10,000-ping requests back to back for `seconds`; the
    cores the server and this client used while they did (building the bodies beforehand
    excluded)."""
    homes = seeded["homes"]
    # Enough distinct bodies for 90,000 pings/s over the phase (each ping is new, so none
    # is a duplicate; the times stay in the past for the server's future check). A body
    # holds 5 s of pings of 2,000 anklets. (At 6 a second, a 20 s run once used them all.)
    n = max(40, min(240, int(seconds * 9)))
    start_at = datetime.now(UTC) - timedelta(seconds=5 * n + 60)
    bodies = [
        body_of(far_pings(homes, 10_000, start_at + timedelta(seconds=5 * i), rng))
        for i in range(n)
    ]
    sent: list[tuple[float, int]] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(len(bodies)))

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.perf_counter() < stop:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                status = send(http, seeded["feed"], seeded["key"], bodies[i])
                with lock:
                    sent.append((time.perf_counter(), status))

    load_before = os.getloadavg()
    cpu = common.CpuMeter(server_pid)
    pace = Pace(seconds + 10)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    wall = time.perf_counter() - t0
    cores = cpu.read() | {"pace": pace.read()}
    ok = sum(1 for _, st in sent if st == 202)
    return {
        "requests": len(sent),
        "accepted_requests": ok,
        "pings_accepted": ok * 10_000,
        "wall_s": round(wall, 2),
        "pings_per_s": round(ok * 10_000 / wall),
        "clients": clients,
        "bodies": len(bodies),
        # The machine is shared: a wall-clock rate means little without its load.
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **cores,
    }


def drained(db_url: str, timeout_s: float) -> float | None:
    """Seconds until the engine has judged every stored ping (None: not within timeout)."""
    from sqlalchemy import create_engine

    engine = create_engine(db_url)
    t0 = time.perf_counter()
    try:
        while time.perf_counter() - t0 < timeout_s:
            with engine.connect() as conn:
                newest = conn.execute(select(func.max(t.Position.seq))).scalar() or 0
                q = select(t.EngineCursor.position).where(t.EngineCursor.name == CURSOR)
                done = conn.execute(q).scalar() or 0
            if done >= newest:
                return round(time.perf_counter() - t0, 2)
            time.sleep(0.1)
        return None
    finally:
        engine.dispose()


class WatchAll(common.AlertStream):
    """The SSE reader, stamping evidence of every case."""

    def _take(self, alert: dict[str, Any], now: float) -> None:
        with self.lock:
            self.messages += 1
            for ev in alert["evidence"]:
                self.first_seen.setdefault(ev["occurred_at"], now)


def stages(db_url: str, samples: list[tuple[str, str, float, float, float]]) -> dict[str, Any]:
    """Where each probe's time went, from the server's own stamps: POST → 202, stored →
    judged (the position's `received_at` → its alert's `opened_at`), judged → on the
    stream. Wall clocks of one machine."""
    from sqlalchemy import create_engine

    engine = create_engine(db_url)
    serials = [serial for serial, *_ in samples]
    try:
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    select(t.Device.serial, t.Position.received_at)
                    .join(t.Position, t.Position.device_id == t.Device.id)
                    .where(t.Device.serial.in_(serials))
                ).all()
            )
            opened = dict(
                conn.execute(
                    select(t.Device.serial, func.min(t.AlertRow.opened_at))
                    .join(t.AlertRow, t.AlertRow.case_id == t.Device.case_id)
                    .where(t.Device.serial.in_(serials), t.AlertRow.kind == "proximity_violation")
                    .group_by(t.Device.serial)
                ).all()
            )
    finally:
        engine.dispose()
    post, judge, push = [], [], []
    for serial, _, sent, answered, seen in samples:
        post.append(answered - sent)
        if serial in stored and serial in opened and seen > 0:
            judged = opened[serial].replace(tzinfo=UTC).timestamp()
            judge.append(judged - stored[serial].replace(tzinfo=UTC).timestamp())
            push.append(seen - judged)
    return {
        "post_to_202_ms": common.summary(post),
        "stored_to_judged_ms": common.summary(judge),
        "judged_to_sse_ms": common.summary(push),
    }


class Phones(threading.Thread):
    """Victims' phones reporting during the latency phase, as the app does: each phone one
    fix of the victim at home (GPS noise of about 10 m, taken up to 2 s before it is sent) every
    `every_s`, the phones' requests spread evenly over that time; signed when sent."""

    def __init__(
        self, url: str, phones: list[tuple[str, str, tuple[float, float]]], every_s: float
    ) -> None:
        super().__init__(name="phones", daemon=True)
        self.url, self.phones, self.every_s = url, phones, every_s
        self.stop = threading.Event()
        self.statuses: list[int] = []
        self.post_s: list[float] = []
        self.lock = threading.Lock()
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._rng = random.Random(7)

    def _send(self, i: int) -> None:
        token, key, home = self.phones[i]
        with self.lock:
            north, east = self._rng.gauss(0, 10), self._rng.gauss(0, 10)
            age = self._rng.uniform(0, 2)
        fix = {
            "lat": round(home[0] + north / M_PER_DEG, 7),
            "lon": round(home[1] + east / (M_PER_DEG * 0.79), 7),
            "accuracy_m": 10.0,
            "recorded_at": common.iso(datetime.now(UTC) - timedelta(seconds=age)),
        }
        body = json.dumps({"pings": [fix]}, separators=(",", ":")).encode()
        http = getattr(self._local, "http", None)
        if http is None:
            http = self._local.http = httpx.Client(base_url=self.url, timeout=30)
            with self.lock:
                self._clients.append(http)
        t0 = time.perf_counter()
        status = http.post(
            PHONE_PATH, content=body, headers=signed_headers(token, key, "POST", PHONE_PATH, body)
        ).status_code
        with self.lock:
            self.statuses.append(status)
            self.post_s.append(time.perf_counter() - t0)

    def run(self) -> None:
        """Send until stopped."""
        if not self.phones:
            return
        gap = self.every_s / len(self.phones)
        with ThreadPoolExecutor(4) as pool:
            t0, k = time.perf_counter(), 0
            while not self.stop.is_set():
                delay = t0 + k * gap - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self._send, k % len(self.phones))
                k += 1
        for http in self._clients:
            http.close()

    def result(self) -> dict[str, Any]:
        """What the phones sent and how the server answered."""
        with self.lock:
            return {
                "phones": len(self.phones),
                "fix_every_s": self.every_s,
                "requests": len(self.statuses),
                "non_202": sum(1 for s in self.statuses if s != 202),
                "post_to_202_ms": common.summary(self.post_s),
            }


def latency(
    url: str,
    seeded: dict[str, Any],
    rate: int,
    seconds: float,
    probes: list[tuple[str, tuple[float, float]]],
    rng: random.Random,
    db_url: str,
    server_pid: int,
    phone_every_s: float = 30.0,
) -> dict[str, Any]:
    """A steady `rate` pings/s in requests of rate/10, each with one probe inside its zone,
    while the victims' phones report (`Phones`). The CPU figures cover the sending alone
    (not the bodies built before it, nor the wait for the last alerts after it)."""
    homes = seeded["homes"]
    per_request = rate // 10
    stream = WatchAll(url, seeded["dispatcher"], set())
    stream.start()
    stream.connected.wait(10)
    n = min(int(seconds * 10), len(probes))
    samples: list[tuple[str, float]] = []
    timed: list[tuple[str, str, float, float]] = []  # serial, probe time, sent, answered
    statuses: list[int] = []
    lock = threading.Lock()

    # Every request's body is built before the clock starts (the bench shares the two
    # cores with the server): its pings carry the time it is due to be sent.
    wall0 = datetime.now(UTC) + timedelta(seconds=5)  # building takes a second or two
    bodies: list[tuple[str, str, bytes]] = []
    for i in range(n):
        at = wall0 + timedelta(seconds=i / 10)
        serial, home = probes[i]
        # Round the city from request to request, so every anklet keeps reporting.
        pings = far_pings(homes, per_request - 1, at, rng, first=i * (per_request - 1))
        probe_at = common.iso(at + timedelta(milliseconds=1))
        pings.append(
            {
                "device": serial,
                "lat": home[0] + 30 / M_PER_DEG,
                "lon": home[1],
                "accuracy_m": 5.0,
                "recorded_at": probe_at,
            }
        )
        bodies.append((serial, probe_at, body_of(pings)))
    t_start = time.perf_counter() + (wall0 - datetime.now(UTC)).total_seconds()
    phones = Phones(url, seeded["phones"], phone_every_s)
    phones.start()

    # One client (its connection kept alive, as a feed's) per sending thread: a client
    # made for each request cost the bench 20-50 ms of CPU in its TLS context alone,
    # taken from the server's two cores.
    local = threading.local()
    clients: list[httpx.Client] = []

    def one(i: int) -> None:
        serial, probe_at, body = bodies[i]
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = httpx.Client(base_url=url, timeout=30)
            with lock:
                clients.append(http)
        sent = time.perf_counter()
        status = send(http, seeded["feed"], seeded["key"], body)
        answered = time.perf_counter()
        with lock:
            samples.append((probe_at, sent))
            timed.append((serial, probe_at, sent, answered))
            statuses.append(status)

    with ThreadPoolExecutor(16) as pool:
        futures = []
        while (wait := t_start - time.perf_counter()) > 0:
            time.sleep(wait)
        cpu = common.CpuMeter(server_pid)
        pace = Pace(seconds + 10)
        for i in range(n):
            delay = t_start + i / 10 - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, i))
        for f in futures:
            f.result()
    cores = cpu.read() | {"pace": pace.read()}
    for http in clients:
        http.close()
    phones.stop.set()
    phones.join()
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and any(stream.seen(k) is None for k, _ in samples):
        time.sleep(0.05)
    lat = [seen - sent for k, sent in samples if (seen := stream.seen(k)) is not None]
    wall = time.time() - time.perf_counter()  # this process's perf_counter → wall clock
    walls = [
        (serial, k, sent + wall, answered + wall, (stream.seen(k) or -wall) + wall)
        for serial, k, sent, answered in timed
    ]
    return {
        "stages": stages(db_url, walls),
        "rate_pings_per_s": rate,
        "requests": n,
        "non_202": sum(1 for s in statuses if s != 202),
        "probes_seen": len(lat),
        "probes_missing": n - len(lat),
        "ping_to_sse_ms": common.summary(lat),
        "cdf_ms": common.cdf(lat),
        "victim_phones": phones.result(),
        **cores,
    }


def chart(path: Path, results: dict[str, Any]) -> None:
    """The latency distribution of each run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for kind, run in results["runs"].items():
        cdf = run["latency"].get("cdf_ms")
        if cdf:
            ax.plot(
                cdf,
                range(101),
                label=f"{kind}: {run['throughput']['pings_per_s']:,} pings/s accepted",
            )
    ax.axvline(250, color="red", linestyle="--", label="target p99 250 ms")
    ax.set_xlabel("ping → SSE alert (ms), at 10,000 pings/s")
    ax.set_ylabel("percentile")
    ax.set_title("Anklet pings: POST → stored → judged → console")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Run both phases on one database and write the results."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    ap.add_argument("--anklets", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=int, default=10_000)
    ap.add_argument(
        "--clients", type=int, default=2, help="connections sending in the throughput phase"
    )
    ap.add_argument(
        "--phones",
        type=int,
        default=2000,
        help="victims (of the first cases) whose phone reports in the latency phase",
    )
    ap.add_argument(
        "--phone-every", type=float, default=30.0, help="seconds between a victim's fixes"
    )
    ap.add_argument(
        "--split",
        action="store_true",
        help="API and `jikimi worker` as two processes (PostgreSQL only)",
    )
    ap.add_argument(
        "--throughput-only",
        action="store_true",
        help="only the acceptance phase: no backlog drain, no latency phase",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = ap.parse_args()
    if args.split and not args.database_url:
        ap.error(common.SPLIT_NEEDS_POSTGRESQL)
    # The client's threads hand the GIL over every 0.5 ms, as the server's do (see
    # contacts.py): the stream reader stamps a message when it arrives.
    sys.setswitchinterval(0.0005)
    rng = random.Random(20261122)
    probes_n = int(args.seconds * 10) + 5
    with tempfile.TemporaryDirectory(prefix="jikimi-ingest-") as tmp:
        workdir = Path(tmp)
        with common.database(args.database_url, workdir) as (db_url, kind):
            seeded = seed(db_url, workdir, args.anklets + probes_n, rng, args.phones)
            probes = seeded["homes"][args.anklets :]
            seeded["homes"] = seeded["homes"][: args.anklets]
            # The throughput phase's pings carry distinct past times, up to 16 minutes
            # old; with the default 10 minutes every anklet would be alerted offline in
            # the middle of the run (a storm of the bench's making: a real anklet keeps
            # reporting), so the silence allowed is an hour here.
            os.environ["JIKIMI_DEVICE_SILENCE_S"] = "3600"
            with common.server(db_url, workdir, split=args.split) as (url, pid):
                thr = throughput(url, seeded, args.seconds, rng, pid, args.clients)
                thr["drain_s"] = None if args.throughput_only else drained(db_url, 600)
                print(
                    f"{kind}: {thr['pings_per_s']:,} pings/s accepted "
                    f"(API {thr['server_cores']} cores, worker {thr.get('worker_cores', '-')}, "
                    f"client {thr['bench_client_cores']}, "
                    f"load {thr['load_average_before']} -> {thr['load_average_after']}); "
                    f"backlog judged in {thr['drain_s']} s; pace {thr['pace']}",
                    flush=True,
                )
                lat: dict[str, Any] = {}
                if not args.throughput_only:
                    lat = latency(
                        url,
                        seeded,
                        args.rate,
                        args.seconds,
                        probes,
                        rng,
                        db_url,
                        pid,
                        args.phone_every,
                    )
                    print(
                        f"{kind}: ping→SSE at {args.rate:,}/s {lat['ping_to_sse_ms']} "
                        f"(API {lat['server_cores']} cores, worker {lat.get('worker_cores', '-')}, "
                        f"bench {lat['bench_client_cores']}; pace {lat['pace']})",
                        flush=True,
                    )
                    for stage, summ in lat["stages"].items():
                        print(f"  {stage}: p50 {summ.get('p50')} p99 {summ.get('p99')}", flush=True)
                    print(f"  victims' phones: {lat['victim_phones']}", flush=True)
            if args.split:
                kind += "-split"
            if not args.phones:
                kind += "-no-phones"
            run = {
                "database": kind,
                "database_version": common.database_version(db_url, kind),
                "anklets": args.anklets,
                "victim_phones": min(args.phones, args.anklets),
                "throughput": thr,
                "latency": lat,
                "targets": {"pings_per_s": 50_000, "p99_ms_at_10k": 250},
                "machine": machine("fastapi", "uvicorn", "sqlalchemy", "numpy"),
                "revision": git_revision(),
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(["python", "bench/ingest.py", *sys.argv[1:]]),
            }
    try:
        results = json.loads(args.out.read_text("utf-8"))
    except (OSError, ValueError):
        results = {"benchmark": "ingest", "runs": {}}
    results["runs"][kind] = run
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    chart(args.out.with_suffix(".png"), results)
    print(json.dumps({k: run[k] for k in ("throughput", "latency")}, default=str)[:2000])


if __name__ == "__main__":
    main()
