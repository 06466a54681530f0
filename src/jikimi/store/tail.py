"""Following the alert timeline for one live stream, without ever skipping a change.

`alert_changes.seq` is assigned at insert, not at commit: on PostgreSQL a change with a
smaller seq can become visible after a larger one. A tail that jumped to the largest seq
it saw would skip the late one for good. So the tail advances only through an unbroken
run of seqs; a hole is waited for (it is a transaction still committing) and passed over
only after `gap_wait` (then it was rolled back and will never fill). On SQLite writes are
serial and holes do not occur.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jikimi.domain.access import Principal
from jikimi.store import crypto
from jikimi.store import tables as t
from jikimi.store.alert_views import with_evidence
from jikimi.store.times import iso
from jikimi.store.visibility import visible_cases

_CHANGES, _ALERTS = t.table_of(t.AlertChange), t.table_of(t.AlertRow)
_CASES = t.table_of(t.Case)
_CH, _A = _CHANGES.c, _ALERTS.c
ALERT_COLUMNS = [c for c in _ALERTS.c if c.key != "open_key"]
_TIMES = ("first_at", "last_at", "opened_at", "acknowledged_at", "resolved_at")
_PLAIN = ("id", "case_id", "kind", "severity", "status", "escalation_level", "count")


def alert_fields(row: Any) -> dict[str, Any]:
    """An alert row as API.md shows it (but its evidence)."""
    m = row._mapping
    out = {k: m[_A[k]] for k in _PLAIN}
    out.update({k: iso(m[_A[k]]) for k in _TIMES})
    out["acknowledged_by"] = m[_A.acknowledged_by]
    out["resolved_by"] = m[_A.resolved_by]
    out["outcome"] = m[_A.outcome]
    # Opened as the model's attribute would (same associated data).
    out["note"] = crypto.ring().open(m[_A.note], f"alerts.note:{out['id']}")
    return out


class UnbrokenRun:
    """A position in the alert timeline that advances only through unbroken runs of seqs."""

    def __init__(
        self, cursor: int, gap_wait: float = 3.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.cursor, self.gap_wait, self._now = cursor, gap_wait, monotonic
        self._gap_since: float | None = None

    @property
    def waiting_on_gap(self) -> bool:
        """True while a hole in the timeline is being waited for."""
        return self._gap_since is not None

    def _unbroken(self, changes: list[Any]) -> list[tuple[int, str]]:
        """The changes up to the first hole still worth waiting for."""
        pairs = [(int(c[0]), str(c[1])) for c in changes]
        if pairs and pairs[0][0] == self.cursor + 1:
            self._gap_since = None  # the hole we waited on has filled (or there was none)
        expected = self.cursor + 1
        for i, (seq, _) in enumerate(pairs):
            if seq != expected:
                if self._gap_since is None:
                    self._gap_since = self._now()
                if self._now() - self._gap_since < self.gap_wait:
                    return pairs[:i]
                # The hole never filled: a rolled-back transaction. Step over it.
                self._gap_since = None
            expected = seq + 1
        return pairs


class TimelineTail(UnbrokenRun):
    """The position of one stream in the alert timeline, reading for itself (a stream
    further behind than the process's shared `LiveFeed` holds)."""

    def __init__(
        self,
        principal: Principal,
        cursor: int,
        gap_wait: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
        latest: int | None = None,
    ) -> None:
        super().__init__(cursor, gap_wait, monotonic)
        self.p, self.latest = principal, latest

    def poll(self, s: Session, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        """New alert states the caller may see, each with the seq of its latest change.

        Two queries: the changes with their alerts' rows (NULL where the caller may not see
        the case), then the evidence of those alerts (the `latest` pieces of each).
        """
        changes = list(
            s.execute(
                select(_CH.seq, _CH.alert_id, _CASES.c.id, *ALERT_COLUMNS)
                .select_from(
                    _CHANGES.outerjoin(_ALERTS, _A.id == _CH.alert_id).outerjoin(
                        _CASES, and_(_CASES.c.id == _A.case_id, visible_cases(self.p))
                    )
                )
                .where(_CH.seq > self.cursor)
                .order_by(_CH.seq)
                .limit(limit)
            )
        )
        usable = self._unbroken(changes)
        if not usable:
            return []
        self.cursor = usable[-1][0]
        last: dict[str, tuple[int, Any]] = {}
        for row in changes[: len(usable)]:
            if row[2] is not None:  # a case the caller may see
                last[row.alert_id] = (row.seq, row)
        if not last:
            return []
        alerts = with_evidence(s, [alert_fields(row) for _, row in last.values()], self.latest)
        return sorted(((last[a["id"]][0], a) for a in alerts), key=lambda pair: pair[0])
