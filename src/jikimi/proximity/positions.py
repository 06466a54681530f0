"""Storing positions and device events durably, in bulk, and reading them back.

Positions are a log: each insert gets a `seq`, the engine judges the log in `seq` order
and keeps its place in `engine_cursors` in the same transaction as the alerts it raises.
On PostgreSQL the insert takes an advisory lock, so `seq` order is commit order and the
engine can never step over a position that commits later with a smaller `seq`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Insert, func, select, text, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from jikimi.core import sealing as crypto
from jikimi.core.db import SQLITE_JSON
from jikimi.core.tables import new_id, table_of
from jikimi.devices.tables import DeviceEvent
from jikimi.ports import LoggedFix as StoredFix
from jikimi.proximity.tables import EngineCursor, Position
from jikimi.proximity.writer import Fixes, stamp, write_fixes
from jikimi.proximity.writer import encode_fix as encode_fix  # where it always was

CURSOR = "positions"
STATES = "positions.states"  # the log position the saved track states are as of
WATCH = "watch.version"  # bumped by triggers when what the watch reads of cases changes


@dataclass(frozen=True)
class FixIn:
    """One position as it arrived, for a known device."""

    device_id: str
    recorded_at: datetime
    lat: float
    lon: float
    accuracy_m: float


def decode_fix(plain: str) -> tuple[float, float, float]:
    """Back from `encode_fix`; SealBroken, without quoting it, for a value sealed with our
    key that holds no position."""
    try:
        lat, lon, acc = plain.split(",")
        return float(lat), float(lon), float(acc)
    except ValueError:
        raise crypto.SealBroken("a sealed fix holds no position") from None


def _upsert(s: Session, model: Any, keys: list[str]) -> Insert:
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=keys)
    return sqlite.insert(model).on_conflict_do_nothing(index_elements=keys)


def store_fixes(s: Session, fixes: Sequence[FixIn], now: datetime) -> tuple[int, int]:
    """Append new fixes of the victim's phone to the log (a repeat of (device,
    recorded_at) is a duplicate); return (accepted, duplicates). The caller commits.
    (The anklets' come in bulk through `position_writer.write_fixes`.)"""
    at = [f.recorded_at for f in fixes]
    batch = Fixes(
        [f.device_id for f in fixes],
        at,
        [stamp(x) for x in at],
        [f.lat for f in fixes],
        [f.lon for f in fixes],
        [f.accuracy_m for f in fixes],
    )
    return write_fixes(s, batch, now, phone=True)


def store_device_events(
    s: Session, events: Sequence[tuple[str, str, datetime, str | None]], now: datetime
) -> tuple[int, int]:
    """Device events (device id, kind, occurred_at, sealed-able fix text or None) into the
    inbox; a repeat of (device, kind, occurred_at) is a duplicate."""
    if not events:
        return 0, 0
    ids = [new_id() for _ in events]
    ring = crypto.ring()
    params = [
        {
            "id": i,
            "device_id": d,
            "kind": k,
            "occurred_at": at,
            "received_at": now,
            "fix_sealed": ring.seal(fix, f"device_events.fix:{i}"),
        }
        for i, (d, k, at, fix) in zip(ids, events, strict=True)
    ]
    stmt = _upsert(s, DeviceEvent, ["device_id", "kind", "occurred_at"]).returning(DeviceEvent.id)
    accepted = len(s.execute(stmt, params).all())
    return accepted, len(events) - accepted


def cursor(s: Session) -> int:
    """Where the engine stands in the log."""
    return int(s.scalar(select(EngineCursor.position).where(EngineCursor.name == CURSOR)) or 0)


def advance_cursor(s: Session, old: int, new: int, name: str = CURSOR) -> bool:
    """Move the cursor from `old` to `new` in one statement (the write transaction's
    first, on SQLite taking the write lock); False when it no longer stands at `old`
    (another judge moved it: the caller writes nothing)."""
    moved = s.execute(
        update(EngineCursor)
        .where(EngineCursor.name == name, EngineCursor.position == old)
        .values(position=new)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount:  # type: ignore[attr-defined]
        return True
    if old:
        return False
    # The first batch ever judged: the row is written now (unless another judge has).
    if s.get(EngineCursor, name) is not None:
        return False
    s.add(EngineCursor(name=name, position=new))
    return True


def move_cursor(s: Session, position: int, name: str = CURSOR) -> None:
    """Record that the log up to `position` is judged (in the judging transaction)."""
    row = s.get(EngineCursor, name)
    if row is None:
        s.add(EngineCursor(name=name, position=position))
    else:
        row.position = max(row.position, position)


def _read(rows: Iterable[Any]) -> list[StoredFix]:
    """Fixes as the driver gives them: SQLite's times are UtcDateTime's naive UTC text
    ("YYYY-MM-DD HH:MM:SS.ffffff"), PostgreSQL's aware datetimes. One pass, each fix
    opened as it comes (the judge reads the log by the thousand)."""
    opened = crypto.ring().opener()
    out = []
    for seq, device_id, raw, fix in rows:
        if raw.__class__ is str and len(raw) == 26:
            # position_key's text, straight from the stored one
            iso = f"{raw[:10]}T{raw[11:]}+00:00"
            at = datetime.fromisoformat(iso)
        else:
            at = _aware(raw)
            iso = at.isoformat(timespec="microseconds")
        plain = opened(fix, f"positions.fix:{device_id}:{iso}".encode())
        out.append(StoredFix(seq, device_id, at, *decode_fix(plain)))
    return out


def _aware(raw: datetime | str) -> datetime:
    """Any other stored time, as aware UTC."""
    if isinstance(raw, str):
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)


_P = table_of(Position)
# The time as the driver gives it: the UTC type's per-row conversion is done in _utc.
_COLS = (_P.c.seq, _P.c.device_id, type_coerce(_P.c.recorded_at, NullType()), _P.c.fix)


# SQLite: the batch as one JSON value, one step (store.db.SQLITE_JSON says why).
_SQLITE_AFTER = text(
    "SELECT json_group_array(json_array(seq, device_id, recorded_at, fix)) FROM "
    "(SELECT seq, device_id, recorded_at, fix FROM positions WHERE seq > :after "
    "ORDER BY seq LIMIT :n)"
)


def after(s: Session, position: int, limit: int) -> list[StoredFix]:
    """Fixes logged after `position`, in log order."""
    if SQLITE_JSON and s.get_bind().dialect.name == "sqlite":
        blob = s.execute(_SQLITE_AFTER, {"after": position, "n": limit}).scalar()
        rows = sorted(json.loads(blob or "[]"))  # in seq order, whatever the aggregate did
        return _read(rows)
    q = select(*_COLS).where(_P.c.seq > position).order_by(_P.c.seq).limit(limit)
    return _read(s.execute(q))


# As the phones' partial index says it: a planner uses that index only for the same text.
_PHONE, _ANKLET = text("phone"), text("NOT phone")


def between(
    s: Session,
    device_ids: Sequence[str],
    start: datetime,
    end: datetime,
    limit: int = 100_000,
    *,
    phones: bool,
) -> list[StoredFix]:
    """Fixes of these devices recorded in [start, end], oldest first.

    `phones`: the devices are victims' phones, read through their own index by device;
    anklets' fixes are read through the time key (migration 0007): the window's keys of
    every anklet are walked, and those of these devices kept."""
    if not device_ids:
        return []
    q = (
        select(*_COLS)
        .where(
            _PHONE if phones else _ANKLET,
            Position.device_id.in_(list(device_ids)),
            Position.recorded_at >= start,
            Position.recorded_at <= end,
        )
        .order_by(Position.recorded_at)
        .limit(limit)
    )
    return _read(s.execute(q))


def newest_recorded(s: Session) -> datetime | None:
    """The newest `recorded_at` in the log (read off the end of its time key)."""
    newest: datetime | None = s.scalar(select(func.max(Position.recorded_at)))
    return newest
