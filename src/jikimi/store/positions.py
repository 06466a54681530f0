"""Storing positions and device events durably, in bulk, and reading them back.

Positions are a log: each insert gets a `seq`, the engine judges the log in `seq` order
and keeps its place in `engine_cursors` in the same transaction as the alerts it raises.
On PostgreSQL the insert takes an advisory lock, so `seq` order is commit order and the
engine can never step over a position that commits later with a smaller `seq`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Insert, bindparam, case, or_, select, text, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from jikimi.engine.ports import LoggedFix as StoredFix
from jikimi.store import crypto
from jikimi.store import tables as t
from jikimi.store.geo_tables import position_key

_PG_POSITIONS_LOCK = 0x4A4B_5053  # "JKPS"
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


def encode_fix(lat: float, lon: float, accuracy_m: float) -> str:
    """The plain text a fix is sealed as."""
    return f"{lat:.7f},{lon:.7f},{accuracy_m:.1f}"


def decode_fix(plain: str) -> tuple[float, float, float]:
    """Back from `encode_fix`."""
    lat, lon, acc = plain.split(",")
    return float(lat), float(lon), float(acc)


_P = t.table_of(t.Position)
_D = t.table_of(t.Device).c
_TOUCH = (
    update(t.table_of(t.Device))
    .where(_D.id == bindparam("device"))
    .values(
        last_seen_at=bindparam("now"),
        last_fix_at=case(
            (or_(_D.last_fix_at.is_(None), _D.last_fix_at < bindparam("at")), bindparam("at")),
            else_=_D.last_fix_at,
        ),
    )
)


def _inserted(result: Any) -> int:
    """Rows an executemany really inserted (a conflict skipped is not counted)."""
    return max(0, int(result.rowcount))


def _upsert(s: Session, model: Any, keys: list[str]) -> Insert:
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=keys)
    return sqlite.insert(model).on_conflict_do_nothing(index_elements=keys)


def serials(s: Session, names: Iterable[str]) -> dict[str, str]:
    """Anklet serial → device id, for the serials Jikimi knows."""
    wanted = sorted(set(names))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        q = select(t.Device.serial, t.Device.id).where(
            t.Device.kind == "anklet", t.Device.serial.in_(wanted[i : i + 500])
        )
        out.update({serial: device_id for serial, device_id in s.execute(q) if serial})
    return out


def store_fixes(s: Session, fixes: Sequence[FixIn], now: datetime) -> tuple[int, int]:
    """Append new fixes to the log (a repeat of (device, recorded_at) is a duplicate);
    return (accepted, duplicates). The caller commits."""
    if not fixes:
        return 0, 0
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_POSITIONS_LOCK})
    unique: dict[str, FixIn] = {}
    for f in fixes:
        unique.setdefault(position_key(f.device_id, f.recorded_at), f)
    rows = list(unique.values())
    sealed = crypto.ring().seal_many(
        [encode_fix(f.lat, f.lon, f.accuracy_m) for f in rows],
        [f"positions.fix:{k}" for k in unique],
    )
    params = [
        {"device_id": f.device_id, "recorded_at": f.recorded_at, "received_at": now, "fix": c}
        for f, c in zip(rows, sealed, strict=True)
    ]
    # Core, not ORM (thousands of rows); the count of rows really inserted is the count
    # accepted, the rest were already there.
    stmt = _upsert(s, _P, ["device_id", "recorded_at"])
    if s.get_bind().dialect.name == "postgresql":  # psycopg's executemany counts no rows
        accepted = len(s.execute(stmt.returning(_P.c.seq), params).all())
    else:
        accepted = _inserted(s.execute(stmt, params))
    newest: dict[str, datetime] = {}
    for f in rows:
        if f.device_id not in newest or f.recorded_at > newest[f.device_id]:
            newest[f.device_id] = f.recorded_at
    # One statement for every device: it was heard now, and its newest fix's time never
    # moves backwards (a late ping changes nothing there).
    s.execute(
        _TOUCH,
        [{"device": d, "at": at, "now": now} for d, at in newest.items()],
    )
    return accepted, len(fixes) - accepted


def store_device_events(
    s: Session, events: Sequence[tuple[str, str, datetime, str | None]], now: datetime
) -> tuple[int, int]:
    """Device events (device id, kind, occurred_at, sealed-able fix text or None) into the
    inbox; a repeat of (device, kind, occurred_at) is a duplicate."""
    if not events:
        return 0, 0
    ids = [t.new_id() for _ in events]
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
    stmt = _upsert(s, t.DeviceEvent, ["device_id", "kind", "occurred_at"]).returning(
        t.DeviceEvent.id
    )
    accepted = len(s.execute(stmt, params).all())
    return accepted, len(events) - accepted


def cursor(s: Session) -> int:
    """Where the engine stands in the log."""
    return int(s.scalar(select(t.EngineCursor.position).where(t.EngineCursor.name == CURSOR)) or 0)


def move_cursor(s: Session, position: int, name: str = CURSOR) -> None:
    """Record that the log up to `position` is judged (in the judging transaction)."""
    row = s.get(t.EngineCursor, name)
    if row is None:
        s.add(t.EngineCursor(name=name, position=position))
    else:
        row.position = max(row.position, position)


def _utc(raw: datetime | str) -> datetime:
    """A stored time as the driver gives it (SQLite: naive UTC text), aware UTC."""
    if isinstance(raw, str):
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)


def _read(rows: Iterable[Any]) -> list[StoredFix]:
    seqs, devices, times, sealed = [], [], [], []
    for seq, device_id, raw, fix in rows:
        seqs.append(seq)
        devices.append(device_id)
        times.append(_utc(raw))
        sealed.append(fix)
    # position_key's text, without its conversion: the times are UTC already
    aads = [
        f"positions.fix:{d}:{at.isoformat(timespec='microseconds')}"
        for d, at in zip(devices, times, strict=True)
    ]
    plain = crypto.ring().open_many(sealed, aads)
    return [
        StoredFix(seq, d, at, *decode_fix(p))
        for seq, d, at, p in zip(seqs, devices, times, plain, strict=True)
    ]


# The time as the driver gives it: the UTC type's per-row conversion is done in _utc.
_COLS = (_P.c.seq, _P.c.device_id, type_coerce(_P.c.recorded_at, NullType()), _P.c.fix)


def after(s: Session, position: int, limit: int) -> list[StoredFix]:
    """Fixes logged after `position`, in log order."""
    q = select(*_COLS).where(_P.c.seq > position).order_by(_P.c.seq).limit(limit)
    return _read(s.execute(q))


def between(
    s: Session, device_ids: Sequence[str], start: datetime, end: datetime, limit: int = 100_000
) -> list[StoredFix]:
    """Fixes of these devices recorded in [start, end], oldest first."""
    if not device_ids:
        return []
    q = (
        select(*_COLS)
        .where(
            t.Position.device_id.in_(list(device_ids)),
            t.Position.recorded_at >= start,
            t.Position.recorded_at <= end,
        )
        .order_by(t.Position.recorded_at)
        .limit(limit)
    )
    return _read(s.execute(q))
