"""Devices: their events and health, and the position log the proximity rules read."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from jikimi.proximity.rules.watch import CaseGeo


@dataclass(frozen=True)
class PendingDeviceEvent:
    """A device-health event or an SOS waiting to be judged."""

    id: str
    device_id: str
    case_id: str
    victim_id: str  # the case's victim, whose lock judging it takes
    kind: str  # strap_tamper | battery_low | charging | signal_lost | signal_restored | sos
    occurred_at: datetime
    fix: tuple[float, float, float] | None  # SOS: lat, lon, accuracy_m


@dataclass(frozen=True)
class SilentDevice:
    """An anklet under an electronic-monitoring order that has stopped reporting."""

    device_id: str
    case_id: str
    last_fix_at: datetime | None


class DeviceRepository(Protocol):
    """Device events and device health."""

    def pending_events(self, limit: int, skip: Collection[str] = ()) -> list[PendingDeviceEvent]:
        """Events not yet judged, oldest first, claimed for this transaction; none of
        `skip` (events this pass has passed over already)."""
        ...

    def mark_event_processed(self, event_id: str, at: datetime) -> None:
        """Record that the event has been judged."""
        ...

    def set_battery_low(self, device_id: str, at: datetime | None) -> None:
        """Remember (or forget, None) that the device reported a low battery."""
        ...

    def newly_silent(self, now: datetime, silence_s: float) -> list[SilentDevice]:
        """Anklets silent for `silence_s` while monitored, not yet alerted for this silence."""
        ...

    def mark_offline_alerted(self, device_id: str, at: datetime) -> None:
        """This silence has raised its alert; the next needs a fix in between."""
        ...

    def any_anklet_heard_since(self, at: datetime) -> bool:
        """Whether the location feed delivered any anklet fix recorded after `at`."""
        ...


class LoggedFix(NamedTuple):
    """A position read back from the log (decrypted). A named tuple: the judge reads the
    log by the thousand, and a frozen dataclass costs five times as much to make."""

    seq: int
    device_id: str
    recorded_at: datetime
    lat: float
    lon: float
    accuracy_m: float


class PositionRepository(Protocol):
    """The position log, the cases it speaks for, and the tracks' saved state."""

    def cursor(self) -> int | None:
        """Where judging stands in the log, claimed for this transaction (one judge at a
        time); None when another judge holds it now (this pass leaves the log to it)."""
        ...

    def advance(self, old: int, new: int) -> bool:
        """Starting the writes: the log judged up to `new` (commits with the alerts),
        unless another judge moved the cursor from `old` since it was read (False)."""
        ...

    def after(self, position: int, limit: int) -> list[LoggedFix]:
        """Fixes logged after `position`, in log order."""
        ...

    def between(
        self, device_ids: list[str], start: datetime, end: datetime, *, phones: bool
    ) -> list[LoggedFix]:
        """Fixes of these devices recorded in [start, end], oldest first. `phones`: the
        devices are all victims' phones (else all anklets)."""
        ...

    def devices(self, device_ids: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Device id → (kind, the cases it speaks for)."""
        ...

    def cases(self, case_ids: list[str]) -> dict[str, CaseGeo]:
        """What the rules need to know about these cases."""
        ...

    def snapshot(self) -> tuple[int, dict[str, str]]:
        """The saved track states (their text, by track key) and the log position the
        snapshot is complete as of: every track's saved state holds its fixes logged up
        to there (some may hold later ones too). Never past the cursor."""
        ...

    def save_states(
        self, states: dict[str, str], at: datetime, position: int, complete: int
    ) -> bool | None:
        """Save track states (their text, by track key) as of log `position`, and record
        that the snapshot is complete as of `complete` (≤ `position`; never moved back),
        unless judging has moved past `position` (False: nothing saved) or another judge
        holds the log now (None: nothing saved, try again later)."""
        ...

    def newest_recorded(self) -> datetime | None:
        """The newest time a fix in the log was recorded at (None: the log is empty)."""
        ...
