"""Writing positions in bulk: thousands of fixes a request, sealed and inserted through the
database driver, with no per-row work in SQLAlchemy.

The rows are exactly what the ORM would write (`UtcDateTime` on SQLite stores naive UTC
as `YYYY-MM-DD HH:MM:SS.ffffff`; tests/integration/test_position_writer.py reads them back
through the mapped table), each fix sealed as `encode_fix` text bound to
`positions.fix:{position_key(device_id, recorded_at)}`.

PostgreSQL: one `INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING` under the
positions advisory lock (so `seq` order stays commit order), one `UPDATE … FROM unnest`
for the devices. SQLite: the driver's `executemany` with prepared tuples.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import repeat
from typing import Any

from sqlalchemy.orm import Session

from jikimi.core import sealing as crypto
from jikimi.core.db import SQLITE_JSON

_PG_POSITIONS_LOCK = 0x4A4B_5053  # "JKPS", the lock the log's readers rely on
_AAD = "positions.fix:"

_SQLITE_INSERT = (
    "INSERT INTO positions (device_id, recorded_at, received_at, fix, phone) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (recorded_at, device_id) DO NOTHING"
)
# Heard now; the newest fix's time never moves backwards (a late ping changes nothing).
_SQLITE_TOUCH = (
    "UPDATE devices SET last_seen_at = ?1, last_fix_at = CASE "
    "WHEN last_fix_at IS NULL OR last_fix_at < ?2 THEN ?2 ELSE last_fix_at END WHERE id = ?3"
)
# SQLite 3.38+: the whole batch as one JSON parameter, one statement each (store.db).
_SQLITE_JSON_INSERT = (
    "INSERT INTO positions (device_id, recorded_at, received_at, fix, phone) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?1, "
    "json_extract(value, '$[2]'), ?3 FROM json_each(?2) WHERE true "
    "ON CONFLICT (recorded_at, device_id) DO NOTHING"
)
_SQLITE_JSON_TOUCH = (
    "UPDATE devices SET last_seen_at = ?1, last_fix_at = CASE "
    "WHEN last_fix_at IS NULL OR last_fix_at < x.at THEN x.at ELSE last_fix_at END "
    "FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS at "
    "FROM json_each(?2)) AS x WHERE devices.id = x.id"
)
_SQLITE_JSON = SQLITE_JSON
_PG_INSERT = (
    "WITH new AS (INSERT INTO positions (device_id, recorded_at, received_at, fix, phone) "
    "SELECT x.d, x.r, %s, x.f, %s FROM unnest(%s::text[], %s::timestamptz[], %s::text[]) "
    "AS x(d, r, f) ON CONFLICT (recorded_at, device_id) DO NOTHING RETURNING 1) "
    "SELECT count(*) FROM new"
)
_PG_TOUCH = (
    "UPDATE devices AS d SET last_seen_at = %s, last_fix_at = GREATEST(d.last_fix_at, x.at) "
    "FROM unnest(%s::text[], %s::timestamptz[]) AS x(id, at) WHERE d.id = x.id"
)


def encode_fix(lat: float, lon: float, accuracy_m: float) -> str:
    """The plain text a fix is sealed as (`positions.decode_fix` reads it back)."""
    return f"{lat:.7f},{lon:.7f},{accuracy_m:.1f}"


def stamp(at: datetime) -> str:
    """`at` in UTC as ISO 8601 with microseconds, as `position_key` writes it."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def sqlite_time(iso: str) -> str:
    # "2026-03-01T12:04:05.000000+00:00" -> "2026-03-01 12:04:05.000000", UtcDateTime's form.
    return f"{iso[:10]} {iso[11:26]}"


@dataclass(frozen=True)
class Fixes:
    """Fixes of known devices, in columns. `stamps[i]` is `stamp(recorded_at[i])`."""

    device_ids: list[str]
    recorded_at: list[datetime]
    stamps: list[str]
    lat: list[float]
    lon: list[float]
    accuracy_m: list[float]

    def __len__(self) -> int:
        return len(self.device_ids)

    def take(self, rows: list[int]) -> Fixes:
        """Only these rows, in this order."""
        return Fixes(
            [self.device_ids[i] for i in rows],
            [self.recorded_at[i] for i in rows],
            [self.stamps[i] for i in rows],
            [self.lat[i] for i in rows],
            [self.lon[i] for i in rows],
            [self.accuracy_m[i] for i in rows],
        )


_UNSAFE = re.compile(r'[{}"\\\s]')


def _pg_array(values: list[str]) -> str | list[str]:
    """`values` as one PostgreSQL array literal when no element needs quoting (ids,
    times and sealed values never do): psycopg's own list adaptation checks each element
    with a regular expression, which cost more than sealing. Otherwise the list itself."""
    joined = ",".join(values)
    if joined.count(",") != max(0, len(values) - 1) or _UNSAFE.search(joined) or not all(values):
        return values
    if any(v.upper() == "NULL" for v in set(values)):  # unquoted, it would mean NULL
        return values
    return "{" + joined + "}"


def _driver(s: Session) -> Any:
    """The session's DBAPI connection, inside the session's transaction."""
    return s.connection().connection.dbapi_connection


def _newest(fixes: Fixes) -> dict[str, str]:
    """Each device's newest fix time (as its stamp: same order as the times, all UTC)."""
    newest: dict[str, str] = {}
    get = newest.get
    for d, st in zip(fixes.device_ids, fixes.stamps, strict=True):
        old = get(d)
        if old is None or st > old:
            newest[d] = st
    return newest


@dataclass(frozen=True)
class Sealed:
    """Fixes ready to insert: a repeat within the batch dropped, each sealed, and each
    device's newest time. Made before the write transaction begins (sealing is CPU, and
    on SQLite the write lock is held from the transaction's first statement)."""

    rows: Fixes
    sealed: list[str]
    newest: dict[str, str]
    given: int  # fixes as they came, repeats included


def seal_fixes(fixes: Fixes) -> Sealed:
    """Drop repeats within the batch and seal the rest."""
    keys = [f"{d}:{st}" for d, st in zip(fixes.device_ids, fixes.stamps, strict=True)]
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    rows = fixes
    if len(first) < len(keys):
        rows = fixes.take(list(first.values()))
        keys = list(first)
    sealed = crypto.ring().seal_many(
        list(map(encode_fix, rows.lat, rows.lon, rows.accuracy_m)), [_AAD + k for k in keys]
    )
    return Sealed(rows, sealed, _newest(rows), len(fixes))


def write_fixes(
    s: Session, fixes: Fixes | Sealed, now: datetime, *, phone: bool
) -> tuple[int, int]:
    """Append new fixes to the log (a repeat of (device, recorded_at), in this batch or
    before, is a duplicate) and mark their devices heard; return (accepted, duplicates).
    `phone`: the victim's phone reported them (else anklets). The caller commits."""
    ready = fixes if isinstance(fixes, Sealed) else seal_fixes(fixes)
    if not ready.given:
        return 0, 0
    rows, sealed, newest = ready.rows, ready.sealed, ready.newest
    raw = _driver(s)
    if s.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_POSITIONS_LOCK,))
            arrays = (_pg_array(rows.device_ids), _pg_array(rows.stamps), _pg_array(sealed))
            cur.execute(_PG_INSERT, (now, phone, *arrays))
            accepted = int(cur.fetchone()[0])
            devices = sorted(newest)  # one lock order for every writer
            times = [newest[d] for d in devices]
            cur.execute(_PG_TOUCH, (now, _pg_array(devices), _pg_array(times)))
    else:
        at_now = sqlite_time(stamp(now))
        cur = raw.cursor()
        try:
            if _SQLITE_JSON:
                batch = json.dumps(
                    list(zip(rows.device_ids, map(sqlite_time, rows.stamps), sealed, strict=True)),
                    separators=(",", ":"),
                )
                cur.execute(_SQLITE_JSON_INSERT, (at_now, batch, phone))
                accepted = max(0, int(cur.rowcount))
                heard = [(d, sqlite_time(st)) for d, st in newest.items()]
                cur.execute(_SQLITE_JSON_TOUCH, (at_now, json.dumps(heard)))
                return accepted, ready.given - accepted
            cur.executemany(
                _SQLITE_INSERT,
                zip(
                    rows.device_ids,
                    map(sqlite_time, rows.stamps),
                    repeat(at_now),
                    sealed,
                    repeat(phone),
                ),
            )
            accepted = max(0, int(cur.rowcount))
            cur.executemany(
                _SQLITE_TOUCH, [(at_now, sqlite_time(st), d) for d, st in newest.items()]
            )
        finally:
            cur.close()
    return accepted, ready.given - accepted
