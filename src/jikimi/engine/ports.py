"""The interfaces the engine needs; store and adapters implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from jikimi.domain.alerts import Alert, Evidence
from jikimi.domain.contacts import CaseFacts
from jikimi.domain.risk import Answers, Assessment, History, Tier
from jikimi.domain.watch import CaseGeo


@dataclass(frozen=True)
class PendingContact:
    """A stored contact event waiting to be judged."""

    id: str
    source: str
    victim_id: str | None
    victim_number: str | None
    kind: str
    number: str | None
    occurred_at: datetime
    hidden: bool = True  # False: a number was reported but could not be read (no match)


class Clock(Protocol):
    """The time now (a port so tests can hold it still)."""

    def now(self) -> datetime:
        """Aware UTC now."""
        ...


class Notifier(Protocol):
    """Tells live listeners (the console's SSE streams) that alerts changed."""

    def alerts_changed(self) -> None:
        """Wake listeners; they read what changed from the store."""
        ...


class ContactRepository(Protocol):
    """The contact inbox."""

    def pending_ids(self, limit: int) -> list[str]:
        """Ids of events not yet judged, oldest first, claimed for this transaction."""
        ...

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event when it still waits to be judged."""
        ...

    def victims_by_number(self, e164: str, at: datetime) -> list[str]:
        """People who are a case's victim and held this number at `at`."""
        ...

    def lock_victim(self, victim_id: str) -> None:
        """Judge one victim's events one transaction at a time (until this one ends), so a
        call reported by her phone and by the operator at the same instant is still found
        to be one contact."""
        ...

    def find_same_contact(self, event: PendingContact, victim_id: str) -> str | None:
        """An already judged event from the other source that reports the same contact."""
        ...

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Record that the event has been judged."""
        ...

    def mark_failed(self, event_id: str, at: datetime, error: str) -> None:
        """Set aside an event that cannot be judged, so it does not block the rest."""
        ...


class CaseRepository(Protocol):
    """What the rules need to know about cases."""

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Every case in which this person is the victim."""
        ...

    def risk_tier(self, case_id: str) -> Tier | None:
        """The effective tier (override applied) of the case's latest risk assessment;
        None when the case was never assessed."""
        ...


class AlertRepository(Protocol):
    """Alerts, their evidence and their timeline."""

    def get(self, alert_id: str) -> Alert | None:
        """One alert, for update."""
        ...

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """The open or acknowledged alert of this kind in this case."""
        ...

    def add(self, alert: Alert) -> None:
        """Store a new alert."""
        ...

    def save(self, alert: Alert) -> None:
        """Store an alert's changed state."""
        ...

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event to an alert."""
        ...

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Mark evidence of `event_id` as also reported by `source`; return alert ids."""
        ...

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the alert's timeline."""
        ...

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose next escalation time has come."""
        ...


@dataclass(frozen=True)
class PendingDeviceEvent:
    """A device-health event or an SOS waiting to be judged."""

    id: str
    device_id: str
    case_id: str
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

    def pending_events(self, limit: int) -> list[PendingDeviceEvent]:
        """Events not yet judged, oldest first, claimed for this transaction."""
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


@dataclass(frozen=True)
class LoggedFix:
    """A position read back from the log (decrypted)."""

    seq: int
    device_id: str
    recorded_at: datetime
    lat: float
    lon: float
    accuracy_m: float


class PositionRepository(Protocol):
    """The position log, the cases it speaks for, and the tracks' saved state."""

    def cursor(self) -> int:
        """Where judging stands in the log."""
        ...

    def still_at(self, position: int) -> bool:
        """Starting the writes: nobody judged past `position` since it was read."""
        ...

    def move_cursor(self, position: int) -> None:
        """The log is judged up to `position` (commits with the alerts)."""
        ...

    def after(self, position: int, limit: int) -> list[LoggedFix]:
        """Fixes logged after `position`, in log order."""
        ...

    def between(self, device_ids: list[str], start: datetime, end: datetime) -> list[LoggedFix]:
        """Fixes of these devices recorded in [start, end], oldest first."""
        ...

    def devices(self, device_ids: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Device id → (kind, the cases it speaks for)."""
        ...

    def cases(self, case_ids: list[str]) -> dict[str, CaseGeo]:
        """What the rules need to know about these cases."""
        ...

    def snapshot(self) -> tuple[int, dict[str, dict[str, Any]]]:
        """The saved track states (JSON, by track key) and the log position they are as
        of (never past the cursor)."""
        ...

    def save_states(self, states: dict[str, dict[str, Any]], at: datetime, position: int) -> None:
        """Save track states (JSON, by track key) as of log `position`, with the batch."""
        ...


class RiskScorer(Protocol):
    """Scores a questionnaire, a note and the case's history (`jikimi.risk.scorer.Scorer`,
    or the checklist fallback in `jikimi.domain.risk`)."""

    version: str

    def score(self, answers: Answers, note: str | None, history: History) -> Assessment:
        """The probability, tier, top factors and model version."""
        ...

    def card(self) -> dict[str, Any]:
        """The model card (no personal data)."""
        ...


@dataclass(frozen=True)
class Override:
    """An officer's raised tier and why."""

    tier: Tier
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StoredAssessment:
    """The latest assessment of a case: what a re-score starts from."""

    id: str
    case_id: str
    tier: Tier
    answers: dict[str, bool | int | None]
    note: str | None
    override: Override | None


class RiskRepository(Protocol):
    """Risk assessments and the durable "re-score due" marks."""

    def mark_rescore_due(self, case_id: str, at: datetime) -> None:
        """The case's history changed: re-score it (commits with the alert)."""
        ...

    def rescore_due(self, limit: int) -> list[str]:
        """Cases waiting for a re-score, claimed for this transaction."""
        ...

    def clear_rescore_due(self, case_id: str) -> None:
        """The re-score is written."""
        ...

    def latest(self, case_id: str) -> StoredAssessment | None:
        """The case's latest assessment."""
        ...

    def history(self, case_id: str, now: datetime) -> History:
        """What Jikimi knows of the case now: reports, violations, extensions."""
        ...

    def add(
        self,
        case_id: str,
        assessment: Assessment,
        source: StoredAssessment,
        at: datetime,
        override: Override | None,
    ) -> str:
        """Store a re-score (trigger `rescore`) with `source`'s answers and note."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything in it commits together or not at all."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository
    devices: DeviceRepository
    positions: PositionRepository
    risk: RiskRepository

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the transaction's changes durable."""
        ...

    def rollback(self) -> None:
        """Discard the transaction's changes."""
        ...

    def unavailable(self, exc: BaseException) -> bool:
        """True when `exc` means the store could not be reached or lost the connection:
        not the work's fault, and worth doing again once the store is back."""
        ...
