"""Timeline positions as consoles carry them (SSE ids back as Last-Event-ID)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jikimi.alerts import timeline
from jikimi.alerts.timeline import SeqPosition, SnapshotPosition


def test_a_seq_and_a_snapshot_come_back_as_they_went() -> None:
    for position in (SeqPosition(0), SeqPosition(1234), SnapshotPosition(812, 815, (812, 813))):
        assert timeline.parse(position.token()) == position
    assert timeline.parse("900:900:") == SnapshotPosition(900, 900, ())


def test_what_is_not_a_position_starts_from_now() -> None:
    for token in (
        None,
        "",
        "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes, int() takes them
        "²",
        "12a",
        "-5",
        " 12",
        "9" * 20,  # beyond a 64-bit seq
        "5:3:",  # xmin after xmax
        "3:5:7",  # an in-progress id outside the snapshot
        "0:5:",
        "1:2:3:4",
        "1:" + "9" * 20 + ":",
        "7" * (timeline.MAX_TOKEN + 1),
    ):
        assert timeline.parse(token) is None, token


@given(st.text(max_size=60))
def test_any_text_is_a_position_or_none_never_an_error(token: str) -> None:
    found = timeline.parse(token)
    assert found is None or timeline.parse(found.token()) == found


def test_a_snapshot_with_too_many_transactions_to_carry_falls_back_to_its_oldest() -> None:
    busy = SnapshotPosition(1000, 1000 + 2000, tuple(range(1000, 3000)))
    assert timeline.parse(busy.token()) == SnapshotPosition(1000, 1000, ())


@given(st.binary(max_size=100))
def test_any_header_bytes_are_a_position_or_none(raw: bytes) -> None:
    """The header as the server decodes it (latin-1): "\\xb2" is "²", never a crash."""
    found = timeline.parse(raw.decode("latin-1"))
    assert found is None or raw.isascii()
