"""Where a reader stands in the alert timeline: by what has committed, not by seq alone.

`alert_changes.seq` is handed out at insert, not at commit. On PostgreSQL a change with a
smaller seq can commit seconds after a larger one (a judging transaction waiting on a
lock), or never (a rolled-back one), so "everything after seq N" is not a position. There
a position is the database snapshot the last reading saw, and the next reading takes every
change whose writing transaction (`alert_changes.txid`) that snapshot did not count as
committed: a transaction at or past its `xmax`, or one of its in-progress `xip`. A long
transaction's change arrives as soon as it commits; a rolled-back one is never waited for.

On SQLite one writer commits at a time, in seq order, so a position is the last seq read.

A position travels to consoles as the SSE event id and comes back as Last-Event-ID:
`"1234"` (a seq) or `"812:815:812,813"` (a snapshot: xmin, xmax, in-progress ids).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from jikimi.alerts.tables import AlertChange, AlertRow
from jikimi.cases.tables import Case
from jikimi.core import sealing as crypto
from jikimi.core.tables import table_of
from jikimi.core.times import iso

_CHANGES, _ALERTS, _CASES = (
    table_of(AlertChange),
    table_of(AlertRow),
    table_of(Case),
)
_CH, _A, _C = _CHANGES.c, _ALERTS.c, _CASES.c
ALERT_COLUMNS = [c for c in _ALERTS.c if c.key != "open_key"]
_TIMES = ("first_at", "last_at", "opened_at", "acknowledged_at", "resolved_at")
_PLAIN = ("id", "case_id", "kind", "severity", "status", "escalation_level", "count")

# A token longer than a header can sensibly carry is replaced by a coarser one (see
# `SnapshotPosition.token`); a client's token beyond these bounds is not a position.
MAX_TOKEN = 4096
_MAX_XID = 2**63 - 1
_SEQ = re.compile(r"[0-9]{1,19}")
_SNAPSHOT = re.compile(r"([0-9]{1,19}):([0-9]{1,19}):((?:[0-9]{1,19},)*[0-9]{1,19})?")


@dataclass(frozen=True, slots=True)
class SeqPosition:
    """After this seq (SQLite's positions; on PostgreSQL only a client's old token)."""

    seq: int

    def token(self) -> str:
        """The position as an SSE event id."""
        return str(self.seq)

    def unseen(self) -> ColumnElement[bool]:
        """The changes a reader at this position has not read."""
        return _CH.seq > self.seq


@dataclass(frozen=True, slots=True)
class SnapshotPosition:
    """After every change this PostgreSQL snapshot saw committed."""

    xmin: int
    xmax: int
    xip: tuple[int, ...] = ()

    def token(self) -> str:
        """The position as an SSE event id; with too many transactions in flight to carry,
        `xmin:xmin:` (everything from the oldest of them read again: never less)."""
        whole = f"{self.xmin}:{self.xmax}:{','.join(map(str, self.xip))}"
        return whole if len(whole) <= MAX_TOKEN else f"{self.xmin}:{self.xmin}:"

    def unseen(self) -> ColumnElement[bool]:
        """The changes a reader at this position has not read."""
        later = _CH.txid >= self.xmax
        return or_(later, _CH.txid.in_(self.xip)) if self.xip else later


Position = SeqPosition | SnapshotPosition


def parse(token: str | None) -> Position | None:
    """A position from a Last-Event-ID, or None when it is not one (ASCII digits only)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    if _SEQ.fullmatch(token):
        return SeqPosition(int(token))
    m = _SNAPSHOT.fullmatch(token)
    if m is None:
        return None
    xmin, xmax = int(m[1]), int(m[2])
    xip = tuple(sorted({int(x) for x in m[3].split(",")})) if m[3] else ()
    if not 0 < xmin <= xmax <= _MAX_XID or any(not xmin <= x < xmax for x in xip):
        return None
    return SnapshotPosition(xmin, xmax, xip)


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only session whose statements all see one snapshot (PostgreSQL: REPEATABLE
    READ, so the position it reports and the changes it reads agree)."""
    session = sessions()
    try:
        if session.get_bind().dialect.name == "postgresql":
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
            session.connection(execution_options=options)
        yield session
    finally:
        session.rollback()
        session.close()


def here(s: Session) -> Position:
    """The position of everything committed as the session sees it."""
    if s.get_bind().dialect.name == "postgresql":
        found = parse(s.scalar(text("SELECT pg_current_snapshot()::text")))
        if not isinstance(found, SnapshotPosition):
            raise ValueError("PostgreSQL returned a snapshot that is not one")
        return found
    return SeqPosition(int(s.scalar(select(func.coalesce(func.max(_CH.seq), 0))) or 0))


def changed_since(
    s: Session, since: Position, where: ColumnElement[bool] | None = None
) -> tuple[list[Any], Position]:
    """The alerts changed since `since`, each once with its latest change (`seq`, `alert_id`,
    the case's `agency`, the alert's columns), by seq; and the position they bring the
    reader to. `where` narrows the cases (a caller's visibility). Read in a session from
    `reading` so that both halves of the answer come from one snapshot."""
    # The position first: on SQLite each statement may see a newer state than the last,
    # so the changes read are bounded by it (a later one waits for the next reading).
    now = here(s)
    seen = since.unseen()
    if isinstance(now, SeqPosition):
        seen = seen & (_CH.seq <= now.seq)
    latest = select(func.max(_CH.seq).label("seq")).where(seen).group_by(_CH.alert_id).subquery()
    q = (
        select(_CH.seq, _CH.alert_id, _C.agency, *ALERT_COLUMNS)
        .select_from(
            _CHANGES.join(latest, latest.c.seq == _CH.seq)
            .join(_ALERTS, _A.id == _CH.alert_id)
            .join(_CASES, _C.id == _A.case_id)
        )
        .order_by(_CH.seq)
    )
    if where is not None:
        q = q.where(where)
    return list(s.execute(q)), now


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
