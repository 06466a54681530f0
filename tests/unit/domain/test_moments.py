"""The span of times a client may send, and text any database can hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from jikimi.domain.moments import EARLIEST, EARLIEST_HISTORY, LATEST, storable, within

OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-(24 * 60 - 1), 24 * 60 - 1)
)


@given(st.datetimes(timezones=OFFSETS))
def test_within_never_raises_and_agrees_with_utc(at: datetime) -> None:
    """Year 1 at +14:00 has no UTC form: outside, not an OverflowError."""
    try:
        utc = at.astimezone(UTC)
    except OverflowError:
        assert not within(at)
        return
    assert within(at) == (EARLIEST <= utc <= LATEST)


def test_the_span_s_edges() -> None:
    """Both ends belong to it; a time without an offset never does."""
    assert within(EARLIEST)
    assert within(LATEST)
    assert not within(EARLIEST - timedelta(microseconds=1))
    assert not within(LATEST + timedelta(microseconds=1))
    assert within(datetime(2000, 1, 1, 9, tzinfo=timezone(timedelta(hours=9))))
    assert not within(datetime(2026, 3, 1))
    assert within(datetime(1950, 1, 1, tzinfo=UTC), earliest=EARLIEST_HISTORY)


# Any character, with lone surrogates and NULs common (plain st.text() holds neither).
CHARACTERS = (
    st.characters(exclude_categories=())
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
    | st.just("\x00")
)


@given(st.text(CHARACTERS))
def test_storable_text_encodes_and_keeps_everything_else(text: str) -> None:
    """Lone surrogates and NULs become U+FFFD, one for one; every other character stays."""
    out = storable(text)
    out.encode("utf-8")  # a lone surrogate would raise here
    assert "\x00" not in out
    assert len(out) == len(text)
    assert all(a == b or b == "\ufffd" for a, b in zip(text, out, strict=True))


def test_a_broken_sms_keeps_its_words() -> None:
    """What a JSON "\\ud800" escape decodes to, between Korean words."""
    assert storable("문 열어\ud800 집 앞이야\x00") == "문 열어\ufffd 집 앞이야\ufffd"
    assert storable("\U0001f600 fine") == "\U0001f600 fine"
