"""Commands of the proximity feature the bus carries out: imperative names, plain data.

The judge's rules and the tracks' states in memory (one per judging process) are the
handlers' dependencies, bound when the bus is built (`proximity.feature`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JudgePositions:
    """Judge up to `limit` logged positions after the engine's place in the log."""

    limit: int = 5000


@dataclass(frozen=True)
class SaveTrackStates:
    """Write the part of the tracks' snapshot that the database lacks, as of the memory's
    log position."""
