"""Last-Event-ID: what the stream sent comes back as its position; anything else is no
header at all, never an exception that would cut the stream."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.api.sse_ids import MAX_DIGITS, parse_last_event_id


@given(st.integers(0, 10**MAX_DIGITS - 1))
def test_every_id_the_stream_sends_comes_back_as_its_position(seq: int) -> None:
    """The stream sends `str(seq)`."""
    assert parse_last_event_id(str(seq)) == seq


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "\u0663",  # Arabic-Indic three: isdigit, and int() would take it
        "\u00b3",  # superscript three (the header byte 0xB3): isdigit, int() refuses it
        "1\u00b2",
        " 12",
        "12 ",
        "+12",
        "-1",
        "1_000",
        "0x10",
        "1" * (MAX_DIGITS + 1),
        "9" * 400,
    ],
)
def test_anything_else_is_no_header(value: str | None) -> None:
    """Finding 12: a non-ASCII digit cut the stream with a traceback."""
    assert parse_last_event_id(value) is None


@given(st.text(max_size=500))
def test_any_text_is_a_position_or_none(value: str) -> None:
    """Never an exception; a position only from ASCII digits."""
    got = parse_last_event_id(value)
    assert got is None or (value.isascii() and value.isdigit() and got == int(value))


def test_a_position_past_the_newest_counts_as_the_newest() -> None:
    """A console cannot be left waiting for changes never made; the ones before it stay."""
    assert parse_last_event_id("900", newest=120) == 120
    assert parse_last_event_id("100", newest=120) == 100
    assert parse_last_event_id("x", newest=120) is None


@given(st.binary(max_size=100))
def test_any_header_bytes_are_a_position_or_none(raw: bytes) -> None:
    """The header as the server decodes it (latin-1): "\\xb2" is "²", never a crash."""
    got = parse_last_event_id(raw.decode("latin-1"))
    assert got is None or raw.isdigit()
