"""Text any database can hold: repaired, one character for one, never refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jikimi.core.text import storable

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
