"""The judge's memory writes its snapshot in parts, one between two batches, so a round
of thousands of states never holds the judge up for long (engine.proximity_memory)."""

from __future__ import annotations

from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import TrackState

MOVED = TrackState.of([(1.0, 37.5, 127.0, 5.0)])


def _write_part(mem: TrackMemory) -> tuple[set[str], int]:
    """What the handler does: take a part, write it (here: nowhere), note it written."""
    part, complete = mem.next_part()
    mem.saved(mem.position or 0, set(part), complete)
    return {str(k) for k in part}, complete


def _running(n: int, part: int) -> TrackMemory:
    """A memory loaded at position 10 whose first round is written, then every track
    changed by a batch at position 11."""
    mem = TrackMemory(part=part, part_gap_s=3600, checkpoint_s=3600)
    mem.load(10, {f"t{i}": TrackState() for i in range(n)}, None, complete=4)
    _write_part(mem)
    mem.advance(11, {f"t{i}": MOVED for i in range(n)}, [])
    return mem


def test_the_first_round_after_a_load_is_written_whole() -> None:
    """Judges taking turns on the log reload before each batch: a round of many parts
    would never end, and the snapshot's place would never move."""
    mem = TrackMemory(part=2, part_gap_s=3600, checkpoint_s=3600)
    mem.load(10, {f"t{i}": TrackState() for i in range(5)}, None, complete=4)
    assert mem.checkpoint_due()  # loaded: every state to be written
    written, complete = _write_part(mem)
    assert written == {f"t{i}" for i in range(5)}
    assert complete == 10
    assert mem.round_at is None
    assert not mem.dirty


def test_a_round_is_written_a_part_per_batch_and_complete_only_with_its_last() -> None:
    mem = _running(5, part=2)
    mem.checkpoint_s = 0
    assert mem.checkpoint_due()
    mem.checkpoint_s = 3600
    written: list[str] = []
    completes = []
    while True:
        part, complete = _write_part(mem)
        assert len(part) <= 2
        written += part
        completes.append(complete)
        if mem.round_at is None:
            break
        assert not mem.checkpoint_due()  # not again before the judge's next batch
        mem.advance((mem.position or 0) + 1, {}, [])  # a batch judged
        assert mem.checkpoint_due()
    assert sorted(written) == [f"t{i}" for i in range(5)]
    # Until the last part, the snapshot stays complete where it was; then as of the
    # position the round began at, though later parts wrote later states.
    assert completes == [10, 10, 11]
    assert mem.complete == 11
    assert not mem.checkpoint_due()  # the next round waits for checkpoint_s


def test_with_no_batch_between_parts_they_come_at_the_gap() -> None:
    mem = _running(3, part=1)
    mem.checkpoint_s = 0
    _write_part(mem)
    assert mem.round_at is not None
    assert not mem.checkpoint_due()  # no batch came, and the gap has not passed
    mem.part_gap_s = 0.0
    assert mem.checkpoint_due()  # no batch came, but the gap has passed


def test_a_track_changed_after_its_part_is_written_in_the_next_round() -> None:
    mem = _running(3, part=1)
    (first,), _ = _write_part(mem)
    mem.advance(12, {first: TrackState.of([(2.0, 37.5, 127.0, 5.0)])}, [])
    while mem.round_at is not None:
        part, _ = _write_part(mem)
        assert first not in part  # this round has written it
    assert mem.dirty == {first}  # still owed to the snapshot
    mem.checkpoint_s = 0
    assert mem.checkpoint_due()
    part, _ = _write_part(mem)
    assert part == {first}


def test_a_part_noted_at_another_position_is_not_counted() -> None:
    mem = _running(2, part=1)
    part, complete = mem.next_part()
    mem.advance(12, {}, [])  # (the handler notes it at once; the memory guards anyway)
    mem.saved(11, set(part), complete)
    assert mem.dirty == {"t0", "t1"}
    assert mem.complete == 10


def test_forgetting_drops_the_round() -> None:
    mem = _running(3, part=1)
    mem.checkpoint_s = 0
    _write_part(mem)
    assert mem.round_at is not None
    mem.forget()
    assert mem.round_at is None
    assert not mem.checkpoint_due()
