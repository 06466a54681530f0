"""The engine's view of the position log: read it in order, keep its place, and keep
each track's hysteresis state (sealed: it holds recent positions)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jikimi.cases.orders import StatutePack
from jikimi.core import sealing as crypto
from jikimi.core.db import SQLITE_JSON
from jikimi.ports import LoggedFix
from jikimi.proximity import positions, zones
from jikimi.proximity.rules.watch import CaseGeo
from jikimi.proximity.tables import EngineCursor, TrackStateRow
from jikimi.proximity.writer import sqlite_time, stamp

T = TypeVar("T")


class Memo(Protocol):
    """A short-lived cache (bootstrap gives a `core.caches.SharedCache`)."""

    def get(self, key: str) -> Any:
        """The value, if present and fresh."""
        ...

    def put(self, key: str, value: Any) -> None:
        """Remember `value` for a while."""
        ...

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The fresh values of these keys."""
        ...

    def put_many(self, values: dict[str, Any]) -> None:
        """Remember these for a while."""
        ...

    def sync(self, version: int) -> None:
        """Forget everything read at another version of the data."""
        ...


_SQLITE_SAVE = text(
    "INSERT INTO track_states (id, state, updated_at) SELECT json_extract(value, '$[0]'), "
    "json_extract(value, '$[1]'), :at FROM json_each(:batch) WHERE true "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)


class SqlPositions:
    """Positions, in the unit of work's session."""

    def __init__(
        self,
        session: Session,
        pack: StatutePack,
        default_warn_m: float,
        cache: Memo | None = None,
        reader: Session | None = None,
    ) -> None:
        self.s, self.pack, self.default_warn_m = session, pack, default_warn_m
        # On SQLite, reads use their own read-only session: the write session's first
        # statement would take the database's write lock for the whole batch. PostgreSQL
        # reads in the write transaction (the cursor row's lock makes one judge at a time).
        pg = session.get_bind().dialect.name == "postgresql"
        self.r = session if pg or reader is None else reader
        # What the rules know of a case changes rarely (an order, an address) and costs
        # decryption to read: kept across batches until `watch.version` moves (database
        # triggers bump it with any such change; migration 0005), for a minute at most.
        self.cache = cache
        self._synced = False

    def cursor(self) -> int | None:
        """Where judging stands. On PostgreSQL the row is claimed (SKIP LOCKED), so one
        worker judges at a time and the others pass the log by instead of waiting: None
        while another holds it."""
        return self._claim(self.r)

    def _claim(self, s: Session) -> int | None:
        q = select(EngineCursor.position).where(EngineCursor.name == positions.CURSOR)
        if self.s.get_bind().dialect.name != "postgresql":
            return int(s.scalar(q) or 0)
        claimed = s.execute(q.with_for_update(skip_locked=True)).first()
        if claimed is not None:
            return int(claimed[0])
        # No row to claim: nothing judged yet (0), or another judge holds it (None).
        return None if s.scalar(q) is not None else 0

    def advance(self, old: int, new: int) -> bool:
        """In the write transaction: judged up to `new`, unless another judge moved the
        cursor from `old` since it was read (False: write nothing)."""
        return positions.advance_cursor(self.s, old, new)

    def after(self, position: int, limit: int) -> list[LoggedFix]:
        """The next fixes in log order."""
        return positions.after(self.r, position, limit)

    def between(
        self, device_ids: list[str], start: datetime, end: datetime, *, phones: bool
    ) -> list[LoggedFix]:
        """Fixes of these devices in a time window."""
        return positions.between(self.r, device_ids, start, end, phones=phones)

    def devices(self, device_ids: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Device → (kind, cases)."""
        return self._cached("device", device_ids, lambda ids: zones.cases_of_devices(self.r, ids))

    def cases(self, case_ids: list[str]) -> dict[str, CaseGeo]:
        """The cases' bans, places and devices."""
        return self._cached(
            "case",
            case_ids,
            lambda ids: zones.cases_geo(self.r, self.pack, ids, self.default_warn_m),
        )

    def _cached(
        self, kind: str, keys: list[str], load: Callable[[list[str]], dict[str, T]]
    ) -> dict[str, T]:
        if self.cache is None:
            return load(keys)
        if not self._synced:  # once per unit of work, before the first read of the cache
            q = select(EngineCursor.position).where(EngineCursor.name == positions.WATCH)
            self.cache.sync(int(self.r.scalar(q) or 0))
            self._synced = True
        prefix = f"{kind}:"
        names = [prefix + key for key in keys]
        hits = self.cache.get_many(names)
        if len(hits) == len(names):  # all known: the usual case, by the thousand
            return {key: hits[name] for key, name in zip(keys, names, strict=True)}
        out: dict[str, T] = {}
        missing = []
        for key, name in zip(keys, names, strict=True):
            hit = hits.get(name)
            if hit is None:
                missing.append(key)
            else:
                out[key] = hit
        fresh = load(missing) if missing else {}
        self.cache.put_many({prefix + key: value for key, value in fresh.items()})
        return out | fresh

    def snapshot(self) -> tuple[int, dict[str, str]]:
        """Every saved track state and the log position the snapshot is complete as of.
        With no place recorded: a database written before snapshots had their own place
        saved its states with every batch (the cursor's place); one with no state saved
        yet has judged nothing, or crashed before its first snapshot (the log's start)."""
        q = select(EngineCursor.position).where(EngineCursor.name == positions.STATES)
        at = self.r.scalar(q)
        out = {row.id: row.state for row in self.r.scalars(select(TrackStateRow)) if row.state}
        if at is None:
            return ((self.cursor() or 0) if out else 0), out
        return int(at), out

    def save_states(
        self, states: dict[str, str], at: datetime, position: int, complete: int
    ) -> bool | None:
        """Insert or replace states, sealed as the model's attribute would be, in one
        statement, and move the snapshot's place up to `complete`; unless the cursor is
        no longer at `position` (False: nothing written) or another judge holds it now
        (None: nothing written). Sealed before the first statement, which on SQLite takes
        the write lock."""
        keys = sorted(states)
        sealed = crypto.ring().seal_many(
            [states[k] for k in keys], [f"track_states.state:{k}" for k in keys]
        )
        pg = self.s.get_bind().dialect.name == "postgresql"
        judged = self._claim(self.s)
        if judged is None:
            return None
        if judged != position:
            return False
        positions.move_cursor(self.s, complete, positions.STATES)
        if not states:
            return True
        if SQLITE_JSON and not pg:
            # One statement step for thousands of tracks (store.db.SQLITE_JSON).
            batch = json.dumps(list(zip(keys, sealed, strict=True)), separators=(",", ":"))
            self.s.execute(_SQLITE_SAVE, {"at": sqlite_time(stamp(at)), "batch": batch})
            return True
        rows = [
            {"id": k, "state_sealed": v, "updated_at": at}
            for k, v in zip(keys, sealed, strict=True)
        ]
        stmt = (postgresql if pg else sqlite).insert(TrackStateRow)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={"state": stmt.excluded.state, "updated_at": stmt.excluded.updated_at},
        )
        self.s.execute(stmt, rows)
        return True

    def newest_recorded(self) -> datetime | None:
        """The newest time any fix in the log was recorded at."""
        return positions.newest_recorded(self.r)
