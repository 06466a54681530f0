"""The judge's track states between micro-batches, held in memory and written behind.

Reading, decrypting, re-sealing and writing every track's state in every batch cost more
than judging it. So the judge keeps the states here, valid at one position of the log,
and the database keeps a snapshot: the states as of a log position, written with a
batch's commit at most every `checkpoint_s` seconds (and whenever many tracks changed).

A judge whose memory is not at the cursor (a fresh process, a crash, another process
judged meanwhile, a batch whose commit failed) loads the snapshot and re-judges the log
from the snapshot's position to the cursor quietly (`evaluate(quiet=True)`): those fixes'
alerts are committed already, so nothing is raised again, and nothing is lost either (an
episode the replay would open is opened, and raised, by the next fix inside).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from jikimi.domain.proximity import Key, TrackState


@dataclass(eq=False)
class TrackMemory:
    """Track states as of log position `position` (None: not loaded)."""

    checkpoint_s: float = 5.0
    max_dirty: int = 20_000
    position: int | None = None
    states: dict[Key, TrackState] = field(default_factory=dict)
    dirty: set[Key] = field(default_factory=set)
    saved_at: float = -math.inf  # monotonic time of the last snapshot written

    def valid_at(self, position: int) -> bool:
        """Whether these states are the log's, judged up to `position`."""
        return self.position == position

    def load(self, position: int, states: dict[Key, TrackState]) -> None:
        """States as the snapshot and the log at `position` have them. The next batch
        writes the snapshot (the replayed states were not saved; and a database whose
        snapshot has no place of its own yet gets one with its first batch)."""
        self.position, self.states, self.dirty = position, states, set(states)
        self.saved_at = -math.inf

    def forget(self) -> None:
        """Drop everything: the next batch loads the snapshot again."""
        self.position, self.states, self.dirty = None, {}, set()

    def checkpoint_due(self, changed: int) -> bool:
        """Whether the batch about to commit should write the snapshot."""
        late = time.monotonic() - self.saved_at >= self.checkpoint_s
        return late or len(self.dirty) + changed >= self.max_dirty

    def unsaved(self, new: dict[Key, TrackState]) -> dict[Key, TrackState]:
        """Every state the snapshot lacks, with this batch's new states."""
        out = {k: self.states[k] for k in self.dirty if k not in new}
        out.update(new)
        return out

    def advance(self, position: int, new: dict[Key, TrackState], saved: bool) -> None:
        """The batch committed: its states are the memory's, at its position."""
        self.states.update(new)
        self.position = position
        if saved:
            self.dirty = set()
            self.saved_at = time.monotonic()
        else:
            self.dirty.update(new)
