"""The ids of the alert stream's events, as a reconnecting console sends them back."""

from __future__ import annotations

MAX_DIGITS = 18
"""Every timeline position fits (a BIGINT holds 19 digits; 18 are always below its top)."""


def parse_last_event_id(value: str | None, newest: int | None = None) -> int | None:
    """The timeline position in a `Last-Event-ID` header, or None to start from now.

    Only what the stream itself sends counts: 1-18 ASCII digits. Anything else (empty,
    a sign, spaces, "٣" or "²", which `str.isdigit` accepts and `int` may refuse, or more
    digits than any position has) is treated as no header at all: the console still gets
    every change from now on, never a broken stream. A position past `newest` (the
    timeline's newest, when the caller knows it) counts as `newest`: waiting for changes
    never made would leave the console silent, while a change sent twice is harmless.
    """
    if value is None or not 0 < len(value) <= MAX_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    position = int(value)
    return position if newest is None else min(position, newest)
