"""Several Jikimi processes on one PostgreSQL database: API processes that only store
(`JIKIMI_WORKER=false`) and `jikimi worker` processes that judge, the documented
deployment for load. Used by the multi-process tests and by bench/chaos.py.

Each process connects with its own `application_name`, so a test can tell from
PostgreSQL's own tables which process holds or waits for what.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from jikimi.core.access import Role
from tests.e2e.conftest import ChildProcess, LiveServer

READY_S = 90.0  # a bound for a process to start, never a measured time


def named(database_url: str, name: str) -> str:
    """The URL with `application_name` set, as each process of the cluster connects."""
    url = make_url(database_url)
    return url.update_query_dict({"application_name": name}).render_as_string(hide_password=False)


class WorkerProcess(ChildProcess):
    """`jikimi worker` as a child process; running once it says so (after its warm-up)."""

    def __init__(self, name: str, database_url: str, workdir: Path, env: dict[str, str]) -> None:
        self.name, self.workdir = name, workdir
        self.env = {**os.environ, **env, "JIKIMI_DATABASE_URL": named(database_url, name)}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.log_path = workdir / f"{name}.log"

    def spawn(self) -> None:
        """Start the process and return at once."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115
        self._mark = self.log_path.stat().st_size
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jikimi", "worker"],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_running(self) -> None:
        """Until it reports running (bounded by READY_S)."""
        assert self.proc is not None
        deadline = time.monotonic() + READY_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            with open(self.log_path, "rb") as log:
                log.seek(self._mark)
                if b"worker running" in log.read():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start in {READY_S} s")

    def start(self) -> None:
        """Start and wait until it runs."""
        self.spawn()
        self.wait_running()


@dataclass
class Cluster:
    """`apis` API processes and `workers` worker processes on one database."""

    database_url: str
    workdir: Path
    apis: int = 2
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    # In every process's application_name: this cluster's, among others on the server.
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    api: list[LiveServer] = field(default_factory=list)
    worker: list[WorkerProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The load is the caller's, not an abuse: rate limits would only blur it.
        env = {
            "JIKIMI_RATE_LIMIT_PER_S": "100000",
            "JIKIMI_RATE_LIMIT_BURST": "100000",
            **self.env,
        }
        for i in range(self.apis):
            url = named(self.database_url, f"jikimi-{self.tag}-api-{i}")
            self.api.append(LiveServer(url, self.workdir, **env, JIKIMI_WORKER="false"))
        for i in range(self.workers):
            self.worker.append(
                WorkerProcess(f"jikimi-{self.tag}-worker-{i}", self.database_url, self.workdir, env)
            )

    def start(self) -> None:
        """The first API process (it migrates the database), then the others together."""
        self.api[0].start()
        for server in self.api[1:]:
            server.spawn()
        for worker in self.worker:
            worker.spawn()
        for server in self.api[1:]:
            server.wait_ready()
        for worker in self.worker:
            worker.wait_running()

    def stop(self) -> None:
        """Every process, whatever state it is in."""
        for worker in self.worker:
            worker.stop()
        for server in self.api:
            server.stop()

    def token(self, role: Role) -> str:
        """A staff token of the cluster's agency."""
        return self.api[0].token(role)

    def feed(self) -> tuple[str, str]:
        """A feed token and its signing key."""
        return self.api[0].feed()

    def waiting_for_a_lock(self, db: Engine) -> list[str]:
        """This cluster's processes (application names) that wait for a lock now."""
        q = text(
            "SELECT DISTINCT a.application_name FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.application_name LIKE :names"
        )
        with db.connect() as conn:
            return sorted(conn.scalars(q, {"names": f"jikimi-{self.tag}-%"}))

    def process(self, name: str) -> WorkerProcess | LiveServer:
        """The process that connects as `name`."""
        for worker in self.worker:
            if worker.name == name:
                return worker
        for i, server in enumerate(self.api):
            if name == f"jikimi-{self.tag}-api-{i}":
                return server
        raise LookupError(name)
