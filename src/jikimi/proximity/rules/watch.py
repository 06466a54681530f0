"""What the proximity watch knows about a case: its approach bans with their radii, the
victim's places, and the devices that speak for each side. Pure data."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from jikimi.cases.orders import OrderWindow


@dataclass(frozen=True)
class Ban:
    """An approach ban: its window and radii."""

    window: OrderWindow
    radius_m: float
    warn_m: float

    def in_force_at(self, at: datetime) -> bool:
        """Judged at the fix's own time."""
        return self.window.in_force_at(at)


@dataclass(frozen=True)
class Place:
    """One of the victim's addresses with coordinates (home, work, school…)."""

    key: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CaseGeo:
    """One case, as the proximity watch sees it."""

    case_id: str
    agency: str
    victim_id: str
    perpetrator_id: str
    bans: tuple[Ban, ...]
    monitoring: tuple[OrderWindow, ...]  # electronic-monitoring orders
    places: tuple[Place, ...]
    victim_devices: tuple[str, ...]
    anklets: tuple[str, ...]

    def bans_at(self, at: datetime) -> list[Ban]:
        """The approach bans in force at `at`."""
        return [b for b in self.bans if b.in_force_at(at)]

    def radii_at(self, at: datetime) -> tuple[float, float] | None:
        """(radius, warning radius) of the approach bans in force at `at` (the widest of
        each when several are), or None when none is. The same between two edges (a ban
        begins, ends or is revoked at an edge, and counts from it), so worked out once
        per span: the judge asks for every case in every batch."""
        span = bisect.bisect_right(self._edges, at)
        if span not in self._radii:
            bans = self.bans_at(at)
            self._radii[span] = (
                (max(b.radius_m for b in bans), max(b.warn_m for b in bans)) if bans else None
            )
        return self._radii[span]

    def radii_at_ts(self, at: float) -> tuple[float, float] | None:
        """`radii_at` for a time in epoch seconds (`datetime.timestamp()`, which keeps
        the order of aware times to the microsecond): the judge has its fixes' times so."""
        span = bisect.bisect_right(self._edge_ts, at)
        if span not in self._radii:
            return self.radii_at(datetime.fromtimestamp(at, UTC))
        return self._radii[span]

    def bans_change_between(self, start: datetime, end: datetime) -> bool:
        """Whether a ban begins, ends or is revoked in (start, end]: only then must each
        fix of a batch be judged by its own time rather than by the batch's."""
        edges = self._edges
        return bisect.bisect_right(edges, end) > bisect.bisect_right(edges, start)

    @cached_property
    def place_columns(
        self,
    ) -> tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], dict[str, str]]:
        """The places as columns (keys, latitudes, longitudes) and labels by key, for
        making a batch's pairs without a loop over the places."""
        return (
            tuple(p.key for p in self.places),
            tuple(p.lat for p in self.places),
            tuple(p.lon for p in self.places),
            {p.key: p.label for p in self.places},
        )

    @cached_property
    def _edges(self) -> tuple[datetime, ...]:
        """Every instant a ban begins, ends or is revoked, in order."""
        return tuple(
            sorted(
                edge
                for b in self.bans
                for edge in (b.window.starts_at, b.window.ends_at, b.window.revoked_at)
                if edge is not None
            )
        )

    @cached_property
    def _edge_ts(self) -> tuple[float, ...]:
        """The edges in epoch seconds."""
        return tuple(e.timestamp() for e in self._edges)

    @cached_property
    def _radii(self) -> dict[int, tuple[float, float] | None]:
        """radii_at's answers by span between edges."""
        return {}
