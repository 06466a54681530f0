"""Commands the engine carries out. Imperative names; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from jikimi.alerts.rules import Outcome
from jikimi.ports import PendingContact, RiskScorer
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import Rules


@dataclass(frozen=True)
class JudgeContacts:
    """Judge up to `limit` stored contact events that wait in the inbox."""

    limit: int = 200


@dataclass(frozen=True)
class JudgeStoredContacts:
    """Judge these events, just stored, in the transaction that stores them."""

    events: tuple[PendingContact, ...]


@dataclass(frozen=True)
class EscalateDueAlerts:
    """Raise the level of open alerts that nobody acknowledged in time."""

    limit: int = 500


@dataclass(frozen=True)
class AcknowledgeAlert:
    """A dispatcher or officer has seen the alert."""

    alert_id: str
    actor: str


@dataclass(frozen=True)
class ResolveAlert:
    """Close an alert with its outcome."""

    alert_id: str
    actor: str
    outcome: Outcome
    note: str | None


@dataclass(frozen=True)
class JudgeDeviceEvents:
    """Turn waiting device-health events and SOS presses into alerts."""

    limit: int = 200


@dataclass(frozen=True)
class CheckSilentDevices:
    """Raise device_offline for monitored anklets that stopped reporting."""

    silence_s: float = 600.0
    feed_outage_at: int = 20  # this many silent at once and none heard: the feed is down


@dataclass(frozen=True)
class JudgePositions:
    """Judge up to `limit` logged positions after the engine's place in the log, with the
    tracks' states in `memory` (one per judging process: bootstrap passes the same one to
    every command; a fresh one rebuilds itself from the database)."""

    limit: int = 5000
    rules: Rules = field(default_factory=Rules)
    memory: TrackMemory = field(default_factory=TrackMemory)


@dataclass(frozen=True)
class SaveTrackStates:
    """Write the snapshot of the tracks' states in `memory` (the judge's own) that the
    database lacks, as of the memory's log position."""

    memory: TrackMemory = field(default_factory=TrackMemory)


@dataclass(frozen=True)
class RescoreCases:
    """Re-assess cases whose history changed, with their last answers and note."""

    scorer: RiskScorer
    limit: int = 50


Command = (
    JudgeContacts
    | JudgeStoredContacts
    | EscalateDueAlerts
    | AcknowledgeAlert
    | ResolveAlert
    | JudgeDeviceEvents
    | CheckSilentDevices
    | JudgePositions
    | SaveTrackStates
    | RescoreCases
)
