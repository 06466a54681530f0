"""PostgreSQL notifications: one connection per process listens, handlers run on its thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

from jikimi.core.looping import Looping

log = logging.getLogger(__name__)


def conninfo(url: str) -> str:
    """A libpq connection string from an SQLAlchemy URL (`postgresql+psycopg://…`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener(Looping):
    """LISTENs on fixed channels and calls each one's handler with the payload.

    Notifications speed things up; they are not relied on: whoever listens also polls, so a
    dropped connection (reconnected after `retry_s`) costs a poll period, never an alert.
    After each (re)connection every handler is called once with an empty payload, for what
    may have happened while nobody listened. Notifications sent by a server process for
    which `ignore_from(pid)` is true are dropped: this process's own changes, which it has
    acted on already (each one woke this process's worker or streams a second time).
    """

    thread_name = "jikimi-listen"

    def __init__(
        self,
        url: str,
        handlers: dict[str, Callable[[str], None]],
        retry_s: float = 1.0,
        connect_timeout_s: int = 5,
        ignore_from: Callable[[int], bool] = lambda _pid: False,
    ) -> None:
        super().__init__()
        self.url, self.handlers, self.retry_s = url, handlers, retry_s
        self.ignore_from = ignore_from
        self.connect_timeout_s = connect_timeout_s
        self.listening = threading.Event()  # set while the LISTENs are in place

    def _listen_once(self) -> None:
        with psycopg.connect(
            conninfo(self.url), autocommit=True, connect_timeout=self.connect_timeout_s
        ) as conn:
            for channel in self.handlers:
                conn.execute(f"LISTEN {channel}")  # fixed names of ours, never user input
            for handler in self.handlers.values():
                handler("")
            self.listening.set()
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    call = self.handlers.get(note.channel)
                    if call is not None and not self.ignore_from(note.pid):
                        call(note.payload)
                    if self._stop.is_set():
                        break

    def _loop(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                self._listen_once()
            except Exception:
                if not failing:  # once per outage, not once per retry
                    log.warning("not listening for database notifications; polling meanwhile")
                failing = True
            finally:
                self.listening.clear()
            self._stop.wait(self.retry_s)
