"""The engine's view of the position log: read it in order, keep its place, and keep
each track's hysteresis state (sealed: it holds recent positions)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jikimi.domain.orders import StatutePack
from jikimi.domain.watch import CaseGeo
from jikimi.engine.ports import LoggedFix
from jikimi.store import positions, zones
from jikimi.store import tables as t


class SqlPositions:
    """Positions, in the unit of work's session."""

    def __init__(self, session: Session, pack: StatutePack, default_warn_m: float) -> None:
        self.s, self.pack, self.default_warn_m = session, pack, default_warn_m

    def cursor(self) -> int:
        """Where judging stands; on PostgreSQL the row is locked, so one worker judges."""
        q = select(t.EngineCursor.position).where(t.EngineCursor.name == positions.CURSOR)
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update()
        return int(self.s.scalar(q) or 0)

    def move_cursor(self, position: int) -> None:
        """Judged up to `position`."""
        positions.move_cursor(self.s, position)

    def after(self, position: int, limit: int) -> list[LoggedFix]:
        """The next fixes in log order."""
        return positions.after(self.s, position, limit)

    def between(self, device_ids: list[str], start: datetime, end: datetime) -> list[LoggedFix]:
        """Fixes of these devices in a time window."""
        return positions.between(self.s, device_ids, start, end)

    def devices(self, device_ids: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Device → (kind, cases)."""
        return zones.cases_of_devices(self.s, device_ids)

    def cases(self, case_ids: list[str]) -> dict[str, CaseGeo]:
        """The cases' bans, places and devices."""
        return zones.cases_geo(self.s, self.pack, case_ids, self.default_warn_m)

    def states(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """Saved states by track key."""
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), 500):
            q = select(t.TrackStateRow).where(t.TrackStateRow.id.in_(keys[i : i + 500]))
            for row in self.s.scalars(q):
                if row.state:
                    out[row.id] = json.loads(row.state)
        return out

    def save_states(self, states: dict[str, dict[str, Any]], at: datetime) -> None:
        """Insert or replace states."""
        keys = sorted(states)
        have = {
            row.id: row
            for i in range(0, len(keys), 500)
            for row in self.s.scalars(
                select(t.TrackStateRow).where(t.TrackStateRow.id.in_(keys[i : i + 500]))
            )
        }
        for key in keys:
            row = have.get(key)
            if row is None:
                row = t.TrackStateRow(id=key, updated_at=at)
                self.s.add(row)
            row.state = json.dumps(states[key], separators=(",", ":"))
            row.updated_at = at
