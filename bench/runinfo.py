"""What every benchmark records beside its figures: the commit measured and the machine."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def git_revision() -> str:
    """The commit measured, `+dirty` when the tree had changes."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{rev}+dirty" if dirty else rev


def loop_speed_s(steps: int = 10_000_000) -> float:
    """Seconds for a plain Python loop of `steps` steps: how fast this machine runs our
    kind of code (the sessions' machines have differed by 3x in it)."""
    start = time.perf_counter()
    i = 0
    while i < steps:
        i += 1
    return round(time.perf_counter() - start, 3)


def machine(*packages: str) -> dict[str, Any]:
    """Where the figures were taken, how busy it was, and the versions that matter."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": round(mem, 1),
        "loadavg": os.getloadavg(),
        "python_loop_10m_s": loop_speed_s(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: metadata.version(p) for p in packages},
    }


_PACE = """
import sys, time
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    c0 = time.process_time()
    x = 0
    for i in range(60_000):
        x += i
    print(round(1000 * (time.process_time() - c0), 2), flush=True)
    time.sleep(0.5)
"""


class Pace:
    """The machine's speed over a phase: a small process times a fixed loop (CPU time, so
    waiting for a core does not count; a slower core does) every half second, about 1 %
    of a core. Runs of one revision that need more CPU for the same work show it here."""

    def __init__(self, seconds: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _PACE, str(seconds)], stdout=subprocess.PIPE, text=True
        )

    def read(self) -> dict[str, float]:
        """The loop's CPU time in ms: median and worst over the phase."""
        self.proc.terminate()
        out, _ = self.proc.communicate()
        ms = sorted(float(x) for x in out.split())
        if not ms:
            return {}
        return {"pace_loop_ms_p50": ms[len(ms) // 2], "pace_loop_ms_max": ms[-1], "n": len(ms)}
