"""Ping-zone checks per second per core: our numpy kernel against the usual tools.

One seeded workload (anklets around Seoul, 1-3 static zones each plus the victim's live
position), one run. Every method decides the same ping-zone pairs (inside, possibly
inside, warning, outside) and is scored against geodesic ground truth (geographiclib):
how many decisions differ and the largest distance error. Per core = checks divided by
the CPU seconds the method used (client and server), the median of several runs.

    .venv/bin/python bench/geofence.py            # ~3 min; --help lists the knobs

Redis (127.0.0.1:6379) and PostgreSQL with PostGIS (127.0.0.1:5432) are optional: a
method whose server is not there is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jikimi.proximity.rules import (
    Level,
    PairBatch,
    Rules,
    TrackState,
    classify,
    evaluate,
    levels,
)
from jikimi.proximity.rules.geometry import WGS84_A, WGS84_E2, distance_m
from runinfo import git_revision, machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEOUL = (37.5665, 126.9780)
Arr = npt.NDArray[Any]


class Workload:
    """Anklets, their zones, their pings and the ping-zone pairs to decide."""

    def __init__(self, anklets: int, pings_each: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.anklets, self.pings_each, self.seed = anklets, pings_each, seed
        # Victims' addresses across Seoul (about 30 x 30 km).
        nz = rng.integers(1, 4, anklets)
        self.zone_owner = np.repeat(np.arange(anklets), nz)
        z = len(self.zone_owner)
        self.zone_lat = rng.uniform(37.43, 37.70, z)
        self.zone_lon = rng.uniform(126.80, 127.18, z)
        self.zone_radius = rng.choice([50.0, 100.0, 200.0], z, p=[0.2, 0.6, 0.2])
        self.zone_warn = rng.choice([500.0, 1000.0], z, p=[0.3, 0.7])
        first = np.concatenate([[0], np.cumsum(nz)[:-1]])
        # Pings: 70 % anywhere in the city, 20 % within 2 km of one of the anklet's zones, 10 %
        # within 1.5 radii of one (so decisions near the line are tested too).
        n = anklets * pings_each
        self.track = np.repeat(np.arange(anklets), pings_each)
        self.t = np.tile(np.arange(pings_each) * 30.0, anklets) + rng.uniform(0, 5, n)
        near_zone = first[self.track] + rng.integers(0, nz[self.track])
        kind = rng.choice(3, n, p=[0.7, 0.2, 0.1])
        spread = np.where(kind == 1, 2000.0, 1.5 * self.zone_radius[near_zone])
        bearing = rng.uniform(0, 2 * np.pi, n)
        reach = spread * np.sqrt(rng.uniform(0, 1, n))
        lat_n, lon_n = shift(
            self.zone_lat[near_zone],
            self.zone_lon[near_zone],
            reach * np.sin(bearing),
            reach * np.cos(bearing),
        )
        self.lat = np.where(kind == 0, rng.uniform(37.43, 37.70, n), lat_n)
        self.lon = np.where(kind == 0, rng.uniform(126.80, 127.18, n), lon_n)
        self.acc = np.clip(rng.lognormal(math.log(12), 0.6, n), 3, 300)
        # The victim's fresh position per ping: within 3 km of the victim's first address.
        vb = rng.uniform(0, 2 * np.pi, n)
        vr = 3000 * np.sqrt(rng.uniform(0, 1, n))
        self.victim_lat, self.victim_lon = shift(
            self.zone_lat[first[self.track]],
            self.zone_lon[first[self.track]],
            vr * np.sin(vb),
            vr * np.cos(vb),
        )
        # Pairs: each ping with each of the anklet's static zones, then with the victim.
        per_ping = nz[self.track]
        p_static = np.repeat(np.arange(n), per_ping)
        offs = np.arange(len(p_static)) - np.repeat(np.cumsum(per_ping) - per_ping, per_ping)
        z_static = first[self.track][p_static] + offs
        self.ping = np.concatenate([p_static, np.arange(n)])
        self.zone = np.concatenate([z_static, np.full(n, -1)])  # -1: the victim's live position
        vic = self.zone < 0
        self.z_lat = np.where(vic, self.victim_lat[self.ping], self.zone_lat[self.zone])
        self.z_lon = np.where(vic, self.victim_lon[self.ping], self.zone_lon[self.zone])
        self.radius = np.where(vic, 100.0, self.zone_radius[self.zone])
        self.warn = np.where(vic, 1000.0, self.zone_warn[self.zone])
        order = np.argsort(self.ping, kind="stable")
        for name in ("ping", "zone", "z_lat", "z_lon", "radius", "warn"):
            setattr(self, name, getattr(self, name)[order])
        self.p_lat, self.p_lon = self.lat[self.ping], self.lon[self.ping]
        self.p_acc = self.acc[self.ping]

    @property
    def pairs(self) -> int:
        """How many ping-zone checks one pass makes."""
        return len(self.ping)


def shift(lat: Arr, lon: Arr, north: Arr, east: Arr) -> tuple[Arr, Arr]:
    """Points moved by metres north and east (local radii; exact enough for a workload)."""
    s = np.sin(np.radians(lat))
    w = 1 - WGS84_E2 * s * s
    m = WGS84_A * (1 - WGS84_E2) / w**1.5
    nn = WGS84_A / np.sqrt(w)
    return lat + np.degrees(north / m), lon + np.degrees(east / (nn * np.cos(np.radians(lat))))


def ground_truth(w: Workload) -> Arr:
    """Geodesic distances of every pair (geographiclib, about 10 s)."""
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84
    inv = g.Inverse
    return np.array(
        [
            inv(a, b, c, d, Geodesic.DISTANCE)["s12"]
            for a, b, c, d in zip(
                w.p_lat.tolist(),
                w.p_lon.tolist(),
                w.z_lat.tolist(),
                w.z_lon.tolist(),
                strict=True,
            )
        ]
    )


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median CPU seconds and wall seconds of fn over repeats, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), out


# --- the contenders -----------------------------------------------------------------------


def ours_kernel(w: Workload) -> Arr:
    """The level of every pair, as evaluate decides it before any Python (`levels`: pairs
    further apart in latitude alone than the zone reaches are outside unmeasured)."""
    return levels(w.p_lat, w.p_lon, w.z_lat, w.z_lon, w.p_acc, w.radius, w.warn)


def ours_every_pair(w: Workload) -> tuple[Arr, Arr]:
    """The previous kernel: the distance of every pair, then its level."""
    d = distance_m(w.p_lat, w.p_lon, w.z_lat, w.z_lon)
    return d, classify(d, w.p_acc, w.radius, w.warn)


def micro_batches(w: Workload, batch_pings: int) -> list[PairBatch]:
    """The workload as the integrator would hand it over: pings in arrival (time) order,
    batch_pings at a time, each with its pairs."""
    order = np.argsort(w.t, kind="stable")
    counts = np.bincount(w.ping, minlength=len(w.t))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    zone_keys = w.zone.tolist()
    tracks = w.track.tolist()
    out = []
    for s in range(0, len(order), batch_pings):
        pings = np.sort(order[s : s + batch_pings])
        c = counts[pings]
        idx = np.repeat(starts[pings], c) + (np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c))
        out.append(
            PairBatch(
                track=[tracks[p] for p in pings.tolist()],
                lat=w.lat[pings],
                lon=w.lon[pings],
                accuracy_m=w.acc[pings],
                t=w.t[pings],
                ping=np.repeat(np.arange(len(pings)), c),
                zone=[zone_keys[i] for i in idx.tolist()],
                zone_lat=w.z_lat[idx],
                zone_lon=w.z_lon[idx],
                radius_m=w.radius[idx],
                warn_m=w.warn[idx],
                role=np.where(w.zone[idx] < 0, 1, 0).astype(np.int8),
            )
        )
    return out


def ours_evaluate(batches: list[PairBatch]) -> int:
    """The whole rules engine over the micro-batches, carrying track state: events."""
    states: dict[int | str, TrackState] = {}
    rules = Rules()
    events = 0
    for batch in batches:
        got, new = evaluate(batch, states, rules)
        states.update(new)
        events += len(got)
    return events


def pure_python(w: Workload, limit: int) -> tuple[list[float], list[int]]:
    """The same formula and decision, one pair at a time in Python."""
    dists: list[float] = []
    levels: list[int] = []
    rad, a, e2 = math.pi / 180, WGS84_A, WGS84_E2
    for la1, lo1, la2, lo2, acc, r, wr in zip(
        w.p_lat[:limit].tolist(),
        w.p_lon[:limit].tolist(),
        w.z_lat[:limit].tolist(),
        w.z_lon[:limit].tolist(),
        w.p_acc[:limit].tolist(),
        w.radius[:limit].tolist(),
        w.warn[:limit].tolist(),
        strict=True,
    ):
        mid = (la1 + la2) * 0.5 * rad
        s = math.sin(mid)
        ww = 1 - e2 * s * s
        sw = math.sqrt(ww)
        d = math.hypot(
            (la2 - la1) * rad * a * (1 - e2) / (ww * sw), (lo2 - lo1) * rad * a * math.cos(mid) / sw
        )
        dists.append(d)
        levels.append(
            3 if d <= r else 2 if d - max(acc, 0.0) <= r else 1 if wr > 0 and d <= wr else 0
        )
    return dists, levels


def shapely_strtree(w: Workload) -> tuple[Arr, Arr]:
    """A planar GIS approach: one local projection for the city, an STRtree of the zones
    (the victims' live positions of this batch included, so it is rebuilt per batch), a dwithin
    query at the largest warning radius, own zones kept, then distances and levels."""
    import shapely

    lat0 = math.radians(SEOUL[0])
    k_lat, k_lon = 6371008.8 * math.pi / 180, 6371008.8 * math.pi / 180 * math.cos(lat0)

    def project(lat: Arr, lon: Arr) -> Arr:
        return shapely.points((lon - SEOUL[1]) * k_lon, (lat - SEOUL[0]) * k_lat)

    zone_pts = np.concatenate(
        [project(w.zone_lat, w.zone_lon), project(w.victim_lat, w.victim_lon)]
    )
    ping_pts = project(w.lat, w.lon)
    tree = shapely.STRtree(zone_pts)
    search = float(max(w.warn.max(), (w.radius + w.p_acc).max()))
    hit_ping, hit_geom = tree.query(ping_pts, predicate="dwithin", distance=search)
    # The pair's zone as a geometry index: static zone id, or len(zones) + ping for the victim's.
    want = np.where(w.zone >= 0, w.zone, len(w.zone_lat) + w.ping)
    key_hits = hit_ping.astype(np.int64) * len(zone_pts) + hit_geom
    key_want = w.ping.astype(np.int64) * len(zone_pts) + want
    found = np.isin(key_want, key_hits)
    d = np.full(w.pairs, np.inf)
    d[found] = shapely.distance(ping_pts[w.ping[found]], zone_pts[want[found]])
    return d, classify(d, w.p_acc, w.radius, w.warn)


def redis_geosearch(w: Workload, limit_pings: int, url: str) -> dict[str, Any]:
    """GEOSEARCH per ping in a geo set per anklet (the victim's position GEOADDed first), pipelined;
    client classifies what comes back. CPU of client and server (INFO) both count."""
    import redis

    r = redis.Redis.from_url(url)
    prefix = f"jikimi-bench-geo:{os.getpid()}:"
    pipe = r.pipeline(transaction=False)
    for z in range(len(w.zone_lat)):
        pipe.geoadd(
            f"{prefix}{w.zone_owner[z]}", (float(w.zone_lon[z]), float(w.zone_lat[z]), f"z{z}")
        )
    pipe.execute()
    n = min(limit_pings, len(w.lat))
    n_pairs = int(np.searchsorted(w.ping, n))
    ps, pe = (
        np.searchsorted(w.ping, np.arange(n)),
        np.searchsorted(w.ping, np.arange(n), side="right"),
    )
    search = np.maximum(1000.0, 200.0 + w.acc[:n])

    def server_cpu() -> float:
        info = r.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])

    # Plain Python values: numpy scalars would slow the client down for nothing.
    lon, lat, acc = w.lon.tolist(), w.lat.tolist(), w.acc.tolist()
    vlon, vlat, track = w.victim_lon.tolist(), w.victim_lat.tolist(), w.track.tolist()
    zone, radius, warn = w.zone.tolist(), w.radius.tolist(), w.warn.tolist()
    radii, ps_l, pe_l = search.tolist(), ps.tolist(), pe.tolist()
    lv: list[int] = [0] * n_pairs
    ds: list[float] = [math.inf] * n_pairs
    s0, c0, w0 = server_cpu(), time.process_time(), time.perf_counter()
    for start in range(0, n, 1000):
        pipe = r.pipeline(transaction=False)
        for i in range(start, min(n, start + 1000)):
            key = f"{prefix}{track[i]}"
            pipe.geoadd(key, (vlon[i], vlat[i], "v"))
            pipe.geosearch(
                key, longitude=lon[i], latitude=lat[i], radius=radii[i], unit="m", withdist=True
            )
        replies = pipe.execute()[1::2]
        for i, found in zip(range(start, min(n, start + 1000)), replies, strict=True):
            got = {m.decode(): d for m, d in found}
            for j in range(ps_l[i], pe_l[i]):
                d = got.get("v" if zone[j] < 0 else f"z{zone[j]}")
                if d is None:
                    continue
                ds[j] = d
                rad = radius[j]
                lv[j] = 3 if d <= rad else 2 if d - acc[i] <= rad else 1 if d <= warn[j] else 0
    wall = time.perf_counter() - w0
    client = time.process_time() - c0
    server = server_cpu() - s0
    keys = list(r.scan_iter(match=f"{prefix}*", count=10_000))
    for s in range(0, len(keys), 1000):
        r.delete(*keys[s : s + 1000])
    return {
        "pairs": n_pairs,
        "wall_s": wall,
        "client_cpu_s": client,
        "server_cpu_s": server,
        "dists": np.array(ds),
        "levels": np.array(lv, dtype=np.int8),
    }


def postgis_dwithin(w: Workload, limit_pairs: int, url: str, repeats: int) -> dict[str, Any]:
    """ST_DWithin on geography (spheroid) over a table of the pairs, set-based, in a
    database of its own; the backend's CPU from /proc (same machine)."""
    import psycopg

    db = "jikimi_bench_geo"
    with psycopg.connect(url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone():
            admin.execute(f"CREATE DATABASE {db}")
    own = url.rsplit("/", 1)[0] + "/" + db
    n = min(limit_pairs, w.pairs)
    with psycopg.connect(own, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        version = con.execute("SELECT postgis_lib_version()").fetchone()[0]
        con.execute("DROP TABLE IF EXISTS pairs")
        con.execute(
            "CREATE TABLE pairs (id int PRIMARY KEY, p geography(Point, 4326), "
            "z geography(Point, 4326), acc float8, radius float8, warn float8)"
        )
        with con.cursor() as cur, cur.copy("COPY pairs FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(
                    (
                        i,
                        f"SRID=4326;POINT({w.p_lon[i]} {w.p_lat[i]})",
                        f"SRID=4326;POINT({w.z_lon[i]} {w.z_lat[i]})",
                        float(w.p_acc[i]),
                        float(w.radius[i]),
                        float(w.warn[i]),
                    )
                )
        con.execute("VACUUM ANALYZE pairs")
        # Fixed SQL of our own: no input reaches it.
        level_sql = (
            "CASE WHEN ST_DWithin(p, z, radius) THEN 3 WHEN ST_DWithin(p, z, radius + acc) THEN 2"
            " WHEN warn > 0 AND ST_DWithin(p, z, warn) THEN 1 ELSE 0 END"
        )
        by_level = f"SELECT {level_sql} AS l, count(*) FROM pairs GROUP BY l"  # noqa: S608
        with_distance = f"SELECT {level_sql}, ST_Distance(p, z) FROM pairs ORDER BY id"  # noqa: S608
        pid = con.execute("SELECT pg_backend_pid()").fetchone()[0]

        def backend_cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        con.execute(by_level)  # warm
        runs = []
        for _ in range(repeats):
            s0, w0 = backend_cpu(), time.perf_counter()
            con.execute(by_level).fetchall()
            runs.append((backend_cpu() - s0, time.perf_counter() - w0))
        rows = con.execute(with_distance).fetchall()
        con.execute("DROP TABLE pairs")
    return {
        "pairs": n,
        "postgis": version,
        "server_cpu_s": statistics.median(r[0] for r in runs),
        "wall_s": statistics.median(r[1] for r in runs),
        "levels": np.array([r[0] for r in rows], dtype=np.int8),
        "dists": np.array([r[1] for r in rows]),
    }


# --- scoring and the record ---------------------------------------------------------------


def score(levels: Arr, dists: Arr, truth_levels: Arr, truth: Arr, warn: Arr) -> dict[str, Any]:
    """Decisions that differ from ground truth, and distance errors where a distance is
    reported (pairs within the warning radius)."""
    near = truth <= warn
    err = np.abs(dists[near] - truth[near])
    err = err[np.isfinite(err)]
    return {
        "decisions": len(levels),
        "decisions_differing": int((levels != truth_levels).sum()),
        "inside_differing": int(((levels == Level.INSIDE) != (truth_levels == Level.INSIDE)).sum()),
        "max_distance_error_m": float(err.max()) if err.size else None,
        "p99_distance_error_m": float(np.quantile(err, 0.99)) if err.size else None,
    }


def chart(record: dict[str, Any], path: Path) -> None:
    """Checks/s per core (log scale) and the largest distance error, per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = [m for m, v in record["methods"].items() if "checks_per_core_s" in v]
    rate = [record["methods"][m]["checks_per_core_s"] for m in methods]
    err = [record["methods"][m]["accuracy"]["max_distance_error_m"] or 1e-4 for m in methods]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    bars = a.barh(
        methods, rate, color=["#1f6f3f" if m.startswith("ours") else "#888" for m in methods]
    )
    a.set_xscale("log")
    a.axvline(5e6, color="#c33", ls="--", lw=1, label="target 5 M/s/core")
    a.set_xlabel("ping-zone checks per second per core (median)")
    a.bar_label(
        bars,
        labels=[f"{r / 1e6:.3g} M" if r >= 1e6 else f"{r / 1e3:.3g} k" for r in rate],
        padding=3,
    )
    a.invert_yaxis()
    a.legend(loc="lower right")
    bars = b.barh(methods, err, color="#557")
    b.set_xscale("log")
    b.set_xlabel("largest distance error vs the WGS84 geodesic, pairs within warn_m (m)")
    b.bar_label(bars, labels=[f"{e:.3g} m" for e in err], padding=3)
    b.invert_yaxis()
    fig.suptitle(
        f"bench/geofence.py: {record['workload']['pairs']:,} pairs, "
        f"seed {record['workload']['seed']}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Run every method on the workload, write bench/results/geofence.json and .png."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--anklets", type=int, default=5000)
    ap.add_argument("--pings", type=int, default=20, help="pings per anklet")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--repeats", type=int, default=21, help="runs of the numpy kernel")
    ap.add_argument("--batch", type=int, default=5000, help="pings per micro-batch for evaluate")
    ap.add_argument("--python-pairs", type=int, default=100_000)
    ap.add_argument("--redis-pings", type=int, default=20_000)
    ap.add_argument("--postgis-pairs", type=int, default=100_000)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    command = "python bench/geofence.py " + " ".join(sys.argv[1:])

    w = Workload(args.anklets, args.pings, args.seed)
    print(f"workload: {w.pairs:,} pairs of {len(w.lat):,} pings; ground truth...", flush=True)
    truth = ground_truth(w)
    truth_levels = classify(truth, w.p_acc, w.radius, w.warn)
    out: dict[str, Any] = {}
    load0 = os.getloadavg()

    def record(
        name: str, pairs: int, cpu: float, wall: float, acc: dict[str, Any] | None, **extra: Any
    ) -> None:
        out[name] = {
            "pairs": pairs,
            "cpu_s": cpu,
            "wall_s": wall,
            "checks_per_core_s": pairs / cpu,
            "checks_per_wall_s": pairs / wall,
            "accuracy": acc,
            **extra,
        }
        print(
            f"{name:>18}: {pairs / cpu / 1e6:10.3f} M checks/s/core "
            f"{pairs / wall / 1e6:8.3f} M/s wall",
            flush=True,
        )

    cpu, wall, lv = timed(lambda: ours_kernel(w), args.repeats)
    # The distances evaluate reports (offsets_m, measured only for pairs it looks at).
    d = distance_m(w.p_lat, w.p_lon, w.z_lat, w.z_lon)
    record(
        "ours (kernel)",
        w.pairs,
        cpu,
        wall,
        score(lv, d, truth_levels, truth, w.warn),
        repeats=args.repeats,
    )
    cpu, wall, (d0, lv0) = timed(lambda: ours_every_pair(w), args.repeats)
    record(
        "ours (every pair measured)",
        w.pairs,
        cpu,
        wall,
        score(lv0, d0, truth_levels, truth, w.warn),
        repeats=args.repeats,
    )
    batches = micro_batches(w, args.batch)
    cpu, wall, events = timed(lambda: ours_evaluate(batches), 3)
    record(
        "ours (evaluate)",
        w.pairs,
        cpu,
        wall,
        score(lv, d, truth_levels, truth, w.warn),
        repeats=3,
        batch_pings=args.batch,
        events=events,
    )
    k = min(args.python_pairs, w.pairs)
    cpu, wall, (pd, pl) = timed(lambda: pure_python(w, k), 3)
    record(
        "pure Python loop",
        k,
        cpu,
        wall,
        score(np.array(pl), np.array(pd), truth_levels[:k], truth[:k], w.warn[:k]),
        repeats=3,
    )
    cpu, wall, (sd, sl) = timed(lambda: shapely_strtree(w), 3)
    record(
        "shapely STRtree", w.pairs, cpu, wall, score(sl, sd, truth_levels, truth, w.warn), repeats=3
    )
    try:
        r = redis_geosearch(w, args.redis_pings, args.redis_url)
        n = r["pairs"]
        record(
            "Redis GEOSEARCH",
            n,
            r["client_cpu_s"] + r["server_cpu_s"],
            r["wall_s"],
            score(r["levels"], r["dists"], truth_levels[:n], truth[:n], w.warn[:n]),
            client_cpu_s=r["client_cpu_s"],
            server_cpu_s=r["server_cpu_s"],
            server_only_checks_per_core_s=n / r["server_cpu_s"],
        )
    except Exception as exc:  # a missing server is a skipped method, not a failed run
        out["Redis GEOSEARCH"] = {"skipped": repr(exc)}
        print(f"Redis skipped: {exc!r}")
    try:
        g = postgis_dwithin(w, args.postgis_pairs, args.database_url, 3)
        n = g["pairs"]
        record(
            "PostGIS ST_DWithin",
            n,
            g["server_cpu_s"],
            g["wall_s"],
            score(g["levels"], g["dists"], truth_levels[:n], truth[:n], w.warn[:n]),
            postgis=g["postgis"],
        )
    except Exception as exc:
        out["PostGIS ST_DWithin"] = {"skipped": repr(exc)}
        print(f"PostGIS skipped: {exc!r}")

    ours = out["ours (kernel)"]["checks_per_core_s"]
    for name in ("Redis GEOSEARCH", "PostGIS ST_DWithin", "pure Python loop", "shapely STRtree"):
        if "checks_per_core_s" in out.get(name, {}):
            out[name]["ours_kernel_is_x_faster"] = ours / out[name]["checks_per_core_s"]
    rec = {
        "command": command,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": machine("numpy") | {"loadavg_before": load0},
        "workload": {
            "anklets": w.anklets,
            "pings": len(w.lat),
            "pairs": w.pairs,
            "seed": w.seed,
            "zones": len(w.zone_lat),
            "truth": "geographiclib WGS84 geodesic, every pair",
        },
        "targets": {"checks_per_core_s": 5e6, "x_faster_than_redis_and_postgis": 100},
        "methods": out,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "geofence.json").write_text(json.dumps(rec, indent=2) + "\n")
    chart(rec, RESULTS / "geofence.png")
    print(
        json.dumps(
            {
                k: {
                    kk: v
                    for kk, v in m.items()
                    if kk in ("checks_per_core_s", "accuracy", "ours_kernel_is_x_faster", "skipped")
                }
                for k, m in out.items()
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
