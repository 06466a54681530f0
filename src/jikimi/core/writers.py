"""SQLite's one writer at a time: queued in the process (`WriterQueue`, with a fast lane
for alerts) and between processes (`FileLock`), so no writer sleeps in SQLite's busy
handler."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path


class WriterQueue:
    """SQLite's one writer at a time, queued in the process, with a fast lane.

    Writers marked urgent (the engine judging what was stored: alerts) go before writers
    that are not, so a flood of ingest requests, each holding the write lock for its
    insert and commit, cannot keep an alert waiting behind all of them; but never twice
    in a row while others wait, so a judge with a backlog cannot starve ingest either.
    With both waiting the lanes alternate: an alert waits for at most one other writer.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._last_urgent = False  # the writer holding or last holding it was urgent
        self._waiting = {True: 0, False: 0}  # waiting writers by lane

    @property
    def waiting(self) -> int:
        """Writers waiting, urgent or not."""
        return self._waiting[True] + self._waiting[False]

    def _may_go(self, urgent: bool) -> bool:
        if self._held:
            return False
        if urgent:  # unless it was the fast lane's turn just now and others wait
            return not (self._last_urgent and self._waiting[False])
        return not (self._waiting[True] and not self._last_urgent)

    def acquire(self, urgent: bool, timeout: float) -> bool:
        """Wait for the write lock (False: not within timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._waiting[urgent] += 1
            try:
                while not self._may_go(urgent):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self._held, self._last_urgent = True, urgent
                return True
            finally:
                self._waiting[urgent] -= 1
                self._cond.notify_all()  # who may go has changed

    def release(self) -> None:
        """Let the next writer in."""
        with self._cond:
            self._held = False
            self._cond.notify_all()


class FileLock:
    """The write lock between processes on one SQLite database: an exclusive `flock` on a
    file beside it, taken before `BEGIN IMMEDIATE` and let go after the COMMIT.

    Without it a second process (`jikimi worker` beside `jikimi serve`, a CLI command)
    met a writer of the first in SQLite's busy handler, which sleeps 1, 2, 5 ... 100 ms
    between tries: each meeting could cost a request tens of milliseconds. Here a waiting
    process tries again after 0.1 ms, then twice as long each time up to `poll_s` (2 ms):
    a wait as long as one transaction costs a few tries, not one every 0.1 ms (each try
    takes the GIL from the process's other threads). The file is opened for each hold and
    closed after it, so the kernel lets the lock go with its holder, even one killed with
    `kill -9`, and two engines of one process exclude each other too. Only one thread of
    an engine waits here at a time: its `WriterQueue` comes first.
    """

    def __init__(self, path: Path, poll_s: float = 0.002) -> None:
        self.path, self.poll_s = path, poll_s
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Take the lock (False: other processes held it for `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        pause = 0.0001
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        return False
                    time.sleep(pause)
                    pause = min(2 * pause, self.poll_s)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        """Let the next process's writer in (closing the file lets go of the lock)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
