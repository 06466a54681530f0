"""A real server process on a free loopback port, for end-to-end and crash tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx
import pytest

from jikimi.accounts import logins
from jikimi.accounts.tokens import create_signed_token, create_token
from jikimi.bootstrap import build
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChildProcess:
    """A Jikimi process the tests start, with its output in a log file."""

    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def kill9(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, like a power cut for the process (a
        transaction in flight is cut off)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        """Terminate if running."""
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        self._close_log()


class LiveServer(ChildProcess):
    """`jikimi serve` as a child process on its own database."""

    def __init__(self, database_url: str, workdir: Path, **env: str) -> None:
        self.database_url, self.workdir = database_url, workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "JIKIMI_DATABASE_URL": database_url, **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def spawn(self, **env: str) -> None:
        """Start the process and return at once (it is not ready yet)."""
        self._log = open(self.workdir / f"server-{time.time_ns()}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jikimi", "serve", "--port", str(self.port)],
            env={**self.env, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def start(self, **env: str) -> None:
        """Start and wait until /readyz answers (bounded: 60 s)."""
        self.spawn(**env)
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until /readyz answers 200 (bounded: 60 s; the warm-up takes seconds)."""
        assert self.proc is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become ready in 60 s")

    def log_text(self) -> str:
        """What the server processes started so far have printed."""
        return "".join(
            p.read_text(errors="replace") for p in sorted(self.workdir.glob("server-*.log"))
        )

    def account(self, login: str, password: str, role: Role = Role.DISPATCHER) -> str:
        """A person's console account; returns the authenticator secret."""
        c = build(Settings(database_url=self.database_url, worker=False))
        try:
            with transaction(c.sessions) as s:
                return logins.create_staff(
                    s,
                    login=login,
                    password=password,
                    role=role,
                    name=f"{role.value}-e2e",
                    agency="seoul-mapo",
                    now=datetime.now(UTC),
                )[1]
        finally:
            c.close()

    def feed(self) -> tuple[str, str]:
        """A feed token and its signing key, written straight into the server's database."""
        c = build(Settings(database_url=self.database_url, worker=False))
        try:
            with transaction(c.sessions) as s:
                return create_signed_token(s, Role.FEED, name="feed-e2e")
        finally:
            c.close()

    def token(self, role: Role, agency: str = "seoul-mapo", name: str | None = None) -> str:
        """A staff token written straight into the server's database."""
        c = build(Settings(database_url=self.database_url, worker=False))
        try:
            with transaction(c.sessions) as s:
                return create_token(s, role, name=name or f"{role.value}-e2e", agency=agency)
        finally:
            c.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A running server on a fresh SQLite database, escalation every 60 s, the scheduling
    pass every second."""
    server = LiveServer(f"sqlite:///{tmp_path}/live.db", tmp_path, JIKIMI_TASK_PLAN_S="1")
    server.start()
    yield server
    server.stop()
