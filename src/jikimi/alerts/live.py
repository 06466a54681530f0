"""One reading of the alert timeline per process, shared by every live stream.

A 112 situation room has dozens of consoles open. Rather than each stream reading and
rendering every change for itself, the feed reads each change once, for every agency,
renders each alert once, and keeps the latest few thousand changes in memory as numbered
readings; each stream takes the readings after the last one it sent, and from them what its
caller may see.

A reading is everything that committed since the previous one (`store.timeline`): a change
whose transaction took long arrives in the reading after its commit, and a rolled-back one
delays nothing. A console reconnecting with an older position than the feed holds reads
for itself (`catch_up_from`) and then joins the feed where it stood before that read, so
nothing falls between the two (a change may come twice; an alert is sent whole, so twice
is harmless).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cachetools
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.alerts import timeline
from jikimi.alerts.queries import Memo, with_evidence
from jikimi.alerts.tables import AlertChange
from jikimi.cases.tables import Case
from jikimi.cases.visibility import visible_cases
from jikimi.core.access import Principal, sees_whole_agency

MEMO_SIZE = 20_000  # pieces of opened evidence the feed keeps


@dataclass(slots=True)
class Change:
    """An alert as it was after a change (the latest of its changes in one reading)."""

    seq: int
    case_id: str
    agency: str
    alert: dict[str, Any]  # API.md's shape
    rendered: str | None = None  # its JSON, made once by the first stream that sends it


@dataclass(frozen=True, slots=True)
class Mark:
    """A place in the feed: the readings up to `reading` are behind it, and `position`
    is where they leave a reader of the timeline."""

    reading: int
    position: timeline.Position


@dataclass(frozen=True, slots=True)
class _Reading:
    number: int
    position: timeline.Position
    changes: list[Change]


class LiveFeed:
    """The alert timeline as this process's streams see it, read once for all of them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        generation: Callable[[], int],
        *,
        evidence: int | None = None,
        keep: int = 4096,
        max_idle_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`generation` moves whenever alerts may have changed (the hub's wake-ups);
        `evidence` is how many pieces each alert carries; `keep`, how many changes are held."""
        self.sessions, self.generation, self.evidence = sessions, generation, evidence
        self.keep, self.max_idle_s, self._now = keep, max_idle_s, monotonic
        self._lock = threading.Lock()
        self._position: timeline.Position | None = None
        self._readings: deque[_Reading] = deque()
        self._kept_changes = 0  # changes in `_readings`
        self._number = 0  # the newest reading's number (readings that found changes)
        self._dropped = 0  # readings up to this number are no longer held
        self._head = -1
        self._read_generation = -1
        self._read_at = float("-inf")
        self.readings = 0  # database readings so far (a figure for tests and benchmarks)
        # Evidence opened once, reused while its alert keeps growing; the least recently
        # used goes first past `MEMO_SIZE` pieces. Used under `_lock` only: no lock of its own.
        self._memo: Memo = cachetools.LRUCache(MEMO_SIZE)

    @property
    def head(self) -> int:
        """The newest seq the feed has read (-1 before it has read any): a timeline head no
        further along has nothing new for SQLite's streams."""
        return self._head

    def catch_up(self) -> None:
        """Read what committed since the last reading, if anything can have (one reader at
        a time; a stream that finds another one reading waits and then reads nothing)."""
        with self._lock:
            generation = self.generation()
            if (
                self._position is not None
                and generation == self._read_generation
                and self._now() - self._read_at < self.max_idle_s
            ):
                return
            self._read_generation, self._read_at = generation, self._now()
            try:
                with timeline.reading(self.sessions) as s:
                    if self._position is None:  # where the feed starts: nothing before it
                        self._position = timeline.here(s)
                        self._head = max(self._head, _newest_seq(s))
                        return
                    self.readings += 1
                    rows, self._position = timeline.changed_since(s, self._position)
                    changes = self._render(s, rows)
            except BaseException:
                self._read_generation = -1  # not read after all: the next call tries again
                raise
            if changes:
                self._head = max(self._head, max(c.seq for c in changes))
                self._number += 1
                self._readings.append(_Reading(self._number, self._position, changes))
                self._kept_changes += len(changes)
                while self._kept_changes > self.keep and len(self._readings) > 1:
                    old = self._readings.popleft()
                    self._kept_changes -= len(old.changes)
                    self._dropped = old.number

    def _render(self, s: Session, rows: list[Any]) -> list[Change]:
        fields = [timeline.alert_fields(r) for r in rows]
        alerts = with_evidence(s, fields, self.evidence, self._memo)
        return [
            Change(int(r.seq), alert["case_id"], r.agency, alert)
            for r, alert in zip(rows, alerts, strict=True)
        ]

    def mark(self) -> Mark:
        """Where the feed stands now (after at least one `catch_up`)."""
        with self._lock:
            if self._position is None:
                raise RuntimeError("the feed has not read the timeline yet")
            return Mark(self._number, self._position)

    def after(self, reading: int) -> tuple[list[Change], Mark] | None:
        """The changes of the readings after `reading`, each alert once (its latest), in
        the order they committed, and the mark they bring the stream to; None when the feed
        no longer holds them all (the stream must read for itself)."""
        with self._lock:
            if self._position is None or reading < self._dropped:
                return None
            newer = [r for r in self._readings if r.number > reading]
            end = Mark(self._number, self._position)
        latest: dict[str, Change] = {}
        for r in newer:
            for change in r.changes:
                latest.pop(change.alert["id"], None)  # moves to the end: its newest place
                latest[change.alert["id"]] = change
        return list(latest.values()), end


def _newest_seq(s: Session) -> int:
    return int(s.scalar(select(func.coalesce(func.max(AlertChange.seq), 0))) or 0)


def catch_up_from(
    sessions: sessionmaker[Session], p: Principal, since: timeline.Position, evidence: int | None
) -> tuple[list[dict[str, Any]], timeline.Position]:
    """The alerts `p` may see that changed since `since` (a reconnecting console's own
    reading), and the position that brings it to."""
    with timeline.reading(sessions) as s:
        rows, now = timeline.changed_since(s, since, visible_cases(p))
        return with_evidence(s, [timeline.alert_fields(r) for r in rows], evidence), now


def visible_to(s: Session | None, p: Principal, changes: list[Change]) -> list[Change]:
    """The changes of cases `p` may see. Dispatchers and supervisors see their agency's
    whole queue (no query); an officer's cases are asked of the database (assignments
    and break-glass reads change while the stream runs)."""
    if p.agency is None or not changes:
        return []
    mine = [c for c in changes if c.agency == p.agency]
    if sees_whole_agency(p) or not mine:
        return mine
    if s is None:
        raise ValueError("an officer's stream needs a session to check assignments")
    ids = sorted({c.case_id for c in mine})
    seen = set(s.scalars(select(Case.id).where(Case.id.in_(ids), visible_cases(p))))
    return [c for c in mine if c.case_id in seen]
