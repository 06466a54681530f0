"""The judge's track states between micro-batches, held in memory and written behind.

Reading, decrypting, re-sealing and writing every track's state in every batch cost more
than judging it. So the judge keeps the states here, valid at one position of the log,
and the database keeps a snapshot, written by its own command (`SaveTrackStates`) after
the batches' alerts are committed and told. Beside the states it keeps each device's
newest fixes (proximity.recent): the perpetrator's fresh position for the victim's fixes,
and the victim's for the perpetrator's.

The snapshot is written in rounds, a few hundred states between two batches, so writing
thousands never holds the judge up for long. A round begins at most every
`checkpoint_s` seconds (or when many tracks changed) at the memory's position R, with the
tracks changed since they were last written; each part writes some of them as they are
then (at R or later); the last part records that the snapshot is complete as of R. That
is sound because a late fix changes no state (proximity.rules): a state written after
R, replayed from R, skips the fixes it already holds as late, and judges the rest. The
first round after the memory is loaded is written whole, in one part: judges that take
turns on the log (several workers on PostgreSQL) each reload before their batch and
would otherwise drop every round part-way, and the snapshot's place would never move.

A judge whose memory is not at the cursor (a fresh process, a crash, another process
judged meanwhile, a batch whose commit failed) loads the snapshot and re-judges the log
from the snapshot's position to the cursor quietly (`evaluate(quiet=True)`): those fixes'
alerts are committed already, so nothing is raised again, and nothing is lost either (an
episode the replay would open is opened, and raised, by the next fix inside).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from jikimi.ports import LoggedFix
from jikimi.proximity.recent import RecentFixes
from jikimi.proximity.rules import Key, TrackState


@dataclass(eq=False)
class TrackMemory:
    """Track states as of log position `position` (None: not loaded)."""

    checkpoint_s: float = 5.0
    max_dirty: int = 20_000
    part: int = 500  # states written between two batches
    part_gap_s: float = 0.05  # with no batch between, parts at most this often
    position: int | None = None
    states: dict[Key, TrackState] = field(default_factory=dict)
    dirty: set[Key] = field(default_factory=set)  # changed since they were last written
    round_began: float = -math.inf  # monotonic time the last round began
    round_began_at: int | None = None  # the log position the last round began at
    complete: int = 0  # the log position the database's snapshot is complete as of
    round_at: int | None = None  # the log position the round under way began at
    round_left: set[Key] = field(default_factory=set)  # its tracks not yet written
    part_at: float = -math.inf  # monotonic time of the last part written
    judged_since_part: bool = False  # judged a batch since the last part
    next_round_whole: bool = False  # the next round in one part (the first after a load)
    recent: RecentFixes = field(default_factory=RecentFixes)

    def valid_at(self, position: int) -> bool:
        """Whether these states are the log's, judged up to `position`."""
        return self.position == position

    def load(
        self,
        position: int,
        states: dict[Key, TrackState],
        newest: datetime | None,
        complete: int,
    ) -> None:
        """States as the snapshot (complete as of `complete`) and the log at `position`
        have them; `newest`: the newest time the log holds (anklets' fixes are held from
        after it). The next round writes them all (the replayed states were not saved;
        and a database whose snapshot has no place of its own yet gets one)."""
        self.position, self.states, self.dirty = position, states, set(states)
        self.round_began, self.round_began_at, self.complete = -math.inf, None, complete
        self.round_at, self.round_left, self.next_round_whole = None, set(), True
        self.recent.reset(newest)

    def forget(self) -> None:
        """Drop everything: the next batch loads the snapshot again."""
        self.position, self.states, self.dirty = None, {}, set()
        self.round_began_at, self.round_at, self.round_left = None, None, set()
        self.recent.forget()

    def checkpoint_due(self) -> bool:
        """Whether a part of the snapshot should be written now: a round is under way and
        a batch was judged since its last part (or `part_gap_s` passed); or the snapshot
        is behind the memory, and the last round began `checkpoint_s` ago or many tracks
        changed since."""
        if self.position is None:
            return False
        if self.round_at is not None:
            return self.judged_since_part or time.monotonic() - self.part_at >= self.part_gap_s
        if self.position == self.round_began_at:
            return False
        late = time.monotonic() - self.round_began >= self.checkpoint_s
        return late or len(self.dirty) >= self.max_dirty

    def next_part(self) -> tuple[dict[Key, TrackState], int]:
        """The states to write now (a round begins here if none is under way), and the
        log position the snapshot will be complete as of once they are written."""
        assert self.position is not None
        if self.round_at is None:
            self.round_at, self.round_left = self.position, set(self.dirty)
            self.round_began, self.round_began_at = time.monotonic(), self.position
        size = len(self.round_left) if self.next_round_whole else max(1, self.part)
        keys = list(itertools.islice(self.round_left, size))
        last = len(keys) == len(self.round_left)
        return {k: self.states[k] for k in keys}, (self.round_at if last else self.complete)

    def advance(
        self, position: int, new: dict[Key, TrackState], fixes: Iterable[LoggedFix]
    ) -> None:
        """The batch committed: its states are the memory's, at its position, and its
        fixes are held."""
        self.states.update(new)
        self.dirty.update(new)
        self.position = position
        self.judged_since_part = True
        self.recent.add(fixes)

    def saved(self, position: int, written: set[Key], complete: int) -> None:
        """A part is written: the states of `written` as of `position`, the snapshot
        complete as of `complete`."""
        if self.position != position:
            return
        self.dirty -= written
        self.round_left -= written
        self.complete = max(self.complete, complete)
        self.judged_since_part, self.part_at = False, time.monotonic()
        if not self.round_left:
            self.round_at, self.next_round_whole = None, False
