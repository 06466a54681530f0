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

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.domain.access import Principal
from jikimi.store import tables as t
from jikimi.store.queries import alerts_json
from jikimi.store.visibility import visible_cases


class TimelineTail:
    """The position of one stream in the alert timeline."""

    def __init__(
        self,
        principal: Principal,
        cursor: int,
        gap_wait: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.p, self.cursor, self.gap_wait, self._now = principal, cursor, gap_wait, monotonic
        self._gap_since: float | None = None

    @property
    def waiting_on_gap(self) -> bool:
        """True while a hole in the timeline is being waited for."""
        return self._gap_since is not None

    def poll(self, s: Session, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        """New alert states the caller may see, each with the seq of its latest change."""
        changes = list(
            s.execute(
                select(t.AlertChange.seq, t.AlertChange.alert_id)
                .where(t.AlertChange.seq > self.cursor)
                .order_by(t.AlertChange.seq)
                .limit(limit)
            )
        )
        usable = self._unbroken(changes)
        if not usable:
            return []
        self.cursor = usable[-1][0]
        last_seq: dict[str, int] = {}
        for seq, alert_id in usable:
            last_seq[alert_id] = seq
        rows = list(
            s.scalars(
                select(t.AlertRow)
                .join(t.Case, t.Case.id == t.AlertRow.case_id)
                .where(t.AlertRow.id.in_(list(last_seq)), visible_cases(self.p))
            )
        )
        out = [(last_seq[a["id"]], a) for a in alerts_json(s, rows)]
        return sorted(out, key=lambda pair: pair[0])

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
