"""One reading of the alert timeline per process, shared by every live stream.

A 112 situation room has dozens of consoles open. Each stream used to read and render every
change for itself: the same two queries, the same decryption and the same JSON once per
console, and again when any wake-up came (the worker's, the timeline watcher's). The feed
reads each change once, for every agency, renders each alert once, and keeps the latest
few thousand changes in memory; each stream takes from it what its caller may see.

A stream further behind than the feed holds (a console reconnecting with an old
Last-Event-ID) reads for itself (`TimelineTail`) until it has caught up.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.domain.access import Principal, sees_whole_agency
from jikimi.store import tables as t
from jikimi.store.alert_views import Memo, latest_seq, with_evidence
from jikimi.store.tail import ALERT_COLUMNS, UnbrokenRun, alert_fields
from jikimi.store.tx import peeking
from jikimi.store.visibility import visible_cases

_CH, _A, _C = t.table_of(t.AlertChange).c, t.table_of(t.AlertRow).c, t.table_of(t.Case).c
_PAGE = 500
_CHANGES = (
    select(_CH.seq, _CH.alert_id, _C.agency, *ALERT_COLUMNS)
    .select_from(
        t.table_of(t.AlertChange)
        .join(t.table_of(t.AlertRow), _A.id == _CH.alert_id)
        .join(t.table_of(t.Case), _C.id == _A.case_id)
    )
    .order_by(_CH.seq)
    .limit(_PAGE)
)


@dataclass(slots=True)
class Change:
    """An alert as it was after a change (the latest of its changes in one reading)."""

    seq: int
    case_id: str
    agency: str
    alert: dict[str, Any]  # API.md's shape
    rendered: str | None = None  # its JSON, made once by the first stream that sends it


class LiveFeed:
    """The alert timeline as this process's streams see it, read once for all of them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        generation: Callable[[], int],
        *,
        evidence: int | None = None,
        keep: int = 4096,
        gap_wait: float = 3.0,
        max_idle_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`generation` moves whenever alerts may have changed (the hub's wake-ups);
        `evidence` is how many pieces each alert carries; `keep`, how many changes are held."""
        self.sessions, self.generation, self.evidence = sessions, generation, evidence
        self.keep, self.max_idle_s, self._now = keep, max_idle_s, monotonic
        self._gap_wait = gap_wait
        self._lock = threading.Lock()
        self._run: UnbrokenRun | None = None
        self._changes: deque[Change] = deque()
        self._floor = 0  # every change after this seq is held (or superseded by one held)
        self._read_generation = -1
        self._read_at = float("-inf")
        self.readings = 0  # database readings so far (a figure for tests and benchmarks)
        self._memo: Memo = {}  # evidence opened once, reused while its alert keeps growing

    @property
    def head(self) -> int:
        """The timeline position the feed has read up to (-1 before its first reading)."""
        return -1 if self._run is None else self._run.cursor

    def catch_up(self) -> None:
        """Read what changed since the last reading, if anything can have (one reader at a
        time; a stream that finds another one reading waits and then reads nothing)."""
        with self._lock:
            generation = self.generation()
            run = self._run
            if (
                run is not None
                and generation == self._read_generation
                and not run.waiting_on_gap
                and self._now() - self._read_at < self.max_idle_s
            ):
                return
            self._read_generation, self._read_at = generation, self._now()
            try:
                with peeking(self.sessions) as s:
                    if run is None:
                        run = self._run = UnbrokenRun(latest_seq(s), self._gap_wait, self._now)
                        self._floor = run.cursor
                        return
                    self.readings += 1
                    while self._read_page(s, run):
                        pass
            except BaseException:
                self._read_generation = -1  # not read after all: the next call tries again
                raise

    def _read_page(self, s: Session, run: UnbrokenRun) -> bool:
        """One page of changes; True when a full page came and more may follow."""
        rows = list(s.execute(_CHANGES.where(_CH.seq > run.cursor)))
        usable = run._unbroken(rows)
        if not usable:
            return False
        run.cursor = usable[-1][0]
        last: dict[str, Any] = {}
        for row in rows[: len(usable)]:
            last[row.alert_id] = row  # the alert's latest change in this page
        ordered = sorted(last.values(), key=lambda row: int(row.seq))
        alerts = with_evidence(s, [alert_fields(row) for row in ordered], self.evidence, self._memo)
        for row, alert in zip(ordered, alerts, strict=True):
            self._changes.append(Change(int(row.seq), alert["case_id"], row.agency, alert))
        while len(self._changes) > self.keep:
            self._floor = self._changes.popleft().seq
        return len(rows) == _PAGE and len(usable) == len(rows)

    def after(self, cursor: int) -> list[Change] | None:
        """The changes after `cursor`, each alert once (its latest), by seq; None when the
        feed no longer holds them all (the stream must read for itself)."""
        with self._lock:
            if self._run is None or cursor < self._floor:
                return None
            newer: list[Change] = []
            for change in reversed(self._changes):
                if change.seq <= cursor:
                    break
                newer.append(change)
        seen: set[str] = set()
        out = []
        for change in newer:  # newest first: the first of each alert is its latest
            if change.alert["id"] not in seen:
                seen.add(change.alert["id"])
                out.append(change)
        out.reverse()
        return out


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
    seen = set(s.scalars(select(t.Case.id).where(t.Case.id.in_(ids), visible_cases(p))))
    return [c for c in mine if c.case_id in seen]
