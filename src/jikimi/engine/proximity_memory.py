"""The judge's track states between micro-batches, held in memory and written behind.

Reading, decrypting, re-sealing and writing every track's state in every batch cost more
than judging it. So the judge keeps the states here, valid at one position of the log,
and the database keeps a snapshot: the states as of a log position, written by its own
command (`SaveTrackStates`) after the batches' alerts are committed and told, at most every
`checkpoint_s` seconds (and whenever many tracks changed). Beside the states it keeps each
device's newest fixes (engine.proximity_recent): his fresh position for her fixes, hers
for his.

A judge whose memory is not at the cursor (a fresh process, a crash, another process
judged meanwhile, a batch whose commit failed) loads the snapshot and re-judges the log
from the snapshot's position to the cursor quietly (`evaluate(quiet=True)`): those fixes'
alerts are committed already, so nothing is raised again, and nothing is lost either (an
episode the replay would open is opened, and raised, by the next fix inside).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from jikimi.domain.proximity import Key, TrackState
from jikimi.engine.ports import LoggedFix
from jikimi.engine.proximity_recent import RecentFixes


@dataclass(eq=False)
class TrackMemory:
    """Track states as of log position `position` (None: not loaded)."""

    checkpoint_s: float = 5.0
    max_dirty: int = 20_000
    position: int | None = None
    states: dict[Key, TrackState] = field(default_factory=dict)
    dirty: set[Key] = field(default_factory=set)
    saved_at: float = -math.inf  # monotonic time of the last snapshot written
    saved_position: int | None = None  # the log position of the last snapshot written
    recent: RecentFixes = field(default_factory=RecentFixes)

    def valid_at(self, position: int) -> bool:
        """Whether these states are the log's, judged up to `position`."""
        return self.position == position

    def load(self, position: int, states: dict[Key, TrackState], newest: datetime | None) -> None:
        """States as the snapshot and the log at `position` have them; `newest`: the
        newest time the log holds (anklets' fixes are held from after it). The next
        checkpoint writes the snapshot (the replayed states were not saved; and a database
        whose snapshot has no place of its own yet gets one)."""
        self.position, self.states, self.dirty = position, states, set(states)
        self.saved_at, self.saved_position = -math.inf, None
        self.recent.reset(newest)

    def forget(self) -> None:
        """Drop everything: the next batch loads the snapshot again."""
        self.position, self.states, self.dirty = None, {}, set()
        self.saved_position = None
        self.recent.forget()

    def checkpoint_due(self) -> bool:
        """Whether the snapshot should be written now: it is behind the memory, and the
        last was written `checkpoint_s` ago or many tracks changed since."""
        if self.position is None or self.position == self.saved_position:
            return False
        late = time.monotonic() - self.saved_at >= self.checkpoint_s
        return late or len(self.dirty) >= self.max_dirty

    def unsaved(self) -> dict[Key, TrackState]:
        """Every state the snapshot lacks."""
        return {k: self.states[k] for k in self.dirty}

    def advance(
        self, position: int, new: dict[Key, TrackState], fixes: Iterable[LoggedFix]
    ) -> None:
        """The batch committed: its states are the memory's, at its position, and its
        fixes are held."""
        self.states.update(new)
        self.dirty.update(new)
        self.position = position
        self.recent.add(fixes)

    def saved(self, position: int, dirty: set[Key]) -> None:
        """The snapshot as of `position` is written, holding the states of `dirty`."""
        if self.position == position:
            self.dirty -= dirty
            self.saved_at, self.saved_position = time.monotonic(), position
