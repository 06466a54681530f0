"""Patrol plans for an agency's shift, their stops at victims' homes (positions sealed like
every other position of a person) and the visits the units record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jikimi.core.sealed import Sealed, SealedRequired
from jikimi.core.tables import Base, UtcDateTime, new_id


class PatrolPlan(Base):
    """One shift's plan: its units (name and start point, a station: not personal), the
    homes it left out, and, once the shift and its grace are over, the cases missed."""

    __tablename__ = "patrol_plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    agency: Mapped[str] = mapped_column(String(100), index=True)
    shift_start: Mapped[datetime] = mapped_column(UtcDateTime())
    shift_end: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    stop_minutes: Mapped[int] = mapped_column(Integer())
    speed_kmh: Mapped[float] = mapped_column(Float())
    seed: Mapped[int] = mapped_column(Integer())
    units: Mapped[list[dict[str, Any]]] = mapped_column(JSON())
    # [{"case_id", "reason"}]: ids and reasons only, nothing that places anyone.
    unvisited: Mapped[list[dict[str, Any]]] = mapped_column(JSON())
    solve_ms: Mapped[int] = mapped_column(Integer())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set by the pass that looks for stops without a visit after the shift's end + grace.
    missed_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    missed: Mapped[list[str] | None] = mapped_column(JSON())


class PatrolStop(Base):
    """A planned visit of a victim's home by one unit, in the unit's order."""

    __tablename__ = "patrol_stops"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("patrol_plans.id"), index=True)
    unit: Mapped[int] = mapped_column(Integer())  # index into the plan's units
    seq: Mapped[int] = mapped_column(Integer())
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    visit: Mapped[int] = mapped_column(Integer())
    tier: Mapped[str] = mapped_column(String(12))
    missed_before: Mapped[bool] = mapped_column(default=False)
    lat_sealed: Mapped[str] = mapped_column("lat", Text())
    lon_sealed: Mapped[str] = mapped_column("lon", Text())
    arrive_at: Mapped[datetime] = mapped_column(UtcDateTime())
    depart_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lat = SealedRequired("lat_sealed", float, repr)
    lon = SealedRequired("lon_sealed", float, repr)


class PatrolVisit(Base):
    """A visit a unit made to a home of the plan, as recorded."""

    __tablename__ = "patrol_visits"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("patrol_plans.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note_sealed: Mapped[str | None] = mapped_column("note", Text())
    recorded_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note = Sealed("note_sealed", str)
