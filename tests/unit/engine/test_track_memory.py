"""The judge's memory writes its snapshot in parts, one between two batches, so a round
of thousands of states never holds the judge up for long (engine.proximity_memory)."""

from __future__ import annotations

from jikimi.domain.proximity import TrackState
from jikimi.engine.proximity_memory import TrackMemory


def _loaded(n: int, part: int) -> TrackMemory:
    mem = TrackMemory(part=part, part_gap_s=3600, checkpoint_s=3600)
    mem.load(10, {f"t{i}": TrackState() for i in range(n)}, None, complete=4)
    return mem


def test_a_round_is_written_a_part_per_batch_and_complete_only_with_its_last() -> None:
    mem = _loaded(5, part=2)
    assert mem.checkpoint_due()  # loaded: every state to be written
    written: list[str] = []
    completes = []
    while True:
        part, complete = mem.next_part()
        assert len(part) <= 2
        mem.saved(mem.position or 0, set(part), complete)
        written += [str(k) for k in part]
        completes.append(complete)
        if mem.round_at is None:
            break
        assert not mem.checkpoint_due()  # not again before the judge's next batch
        mem.advance((mem.position or 0) + 1, {}, [])  # a batch judged
        assert mem.checkpoint_due()
    assert sorted(written) == [f"t{i}" for i in range(5)]
    # Until the last part, the snapshot stays complete where it was; then as of the
    # position the round began at, though later parts wrote later states.
    assert completes == [4, 4, 10]
    assert mem.complete == 10
    assert not mem.checkpoint_due()  # the next round waits for checkpoint_s


def test_a_track_changed_after_its_part_is_written_in_the_next_round() -> None:
    mem = _loaded(3, part=1)
    part, complete = mem.next_part()
    (first,) = part
    mem.saved(10, {first}, complete)
    mem.advance(11, {first: TrackState.of([(1.0, 37.5, 127.0, 5.0)])}, [])
    while mem.round_at is not None:
        part, complete = mem.next_part()
        assert first not in part  # this round has written it
        mem.saved(11, set(part), complete)
    assert mem.dirty == {first}  # still owed to the snapshot
    mem.checkpoint_s = 0
    assert mem.checkpoint_due()
    part, _ = mem.next_part()
    assert set(part) == {first}
