"""Commands of the proximity feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from jikimi.core.claims import Claims
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import Rules


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
