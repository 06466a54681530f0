"""Commands the engine carries out. Imperative names; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from jikimi.domain.alerts import Outcome
from jikimi.domain.proximity import Rules
from jikimi.engine.ports import PendingContact, RiskScorer
from jikimi.engine.proximity_memory import TrackMemory


@dataclass(eq=False)
class Claims:
    """What a worker's batches of one inbox took over one pass. `passed_over`: rows left
    in the inbox because another transaction holds their victim (a judge elsewhere, or
    one that stalled); the pass claims past them, so the other victims' work is not held
    up, and they wait for the next pass. `claimed`: how much the last batch took (none:
    what is left is another worker's or passed over, so the pass moves on)."""

    passed_over: set[str] = field(default_factory=set)
    claimed: int = 0

    def begin_pass(self) -> None:
        """A new pass tries everything again."""
        self.passed_over.clear()
        self.claimed = 0


@dataclass(frozen=True)
class JudgeContacts:
    """Judge up to `limit` stored contact events that wait in the inbox."""

    limit: int = 200
    claims: Claims = field(default_factory=Claims)


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
    claims: Claims = field(default_factory=Claims)


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
    claims: Claims = field(default_factory=Claims)


@dataclass(frozen=True)
class SaveTrackStates:
    """Write the snapshot of the tracks' states in `memory` (the judge's own) that the
    database lacks, as of the memory's log position."""

    memory: TrackMemory = field(default_factory=TrackMemory)
    claims: Claims = field(default_factory=Claims)


@dataclass(frozen=True)
class RescoreCases:
    """Re-assess cases whose history changed, with their last answers and note."""

    scorer: RiskScorer
    limit: int = 50
    claims: Claims = field(default_factory=Claims)


# What a worker's inboxes run, batch after batch: each says what it claimed.
InboxCommand = JudgeContacts | JudgeDeviceEvents | JudgePositions | SaveTrackStates | RescoreCases

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
