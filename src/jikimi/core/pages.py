"""Keyset pages: the cursor a list hands out names the last row of a page by its sort
time and id, opaque to clients. Anything but a cursor made here is a 422."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from jikimi.core.errors import Invalid
from jikimi.core.moments import within


def encode(at: datetime, row_id: str) -> str:
    """The cursor after the row sorted at `at` with id `row_id`."""
    raw = f"{at.astimezone(UTC).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, str]:
    """The place a cursor names (a naive or out-of-range time would fail inside the query,
    an id with a NUL in PostgreSQL: both are refused here)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, row_id = raw.split("|", 1)
        at = datetime.fromisoformat(text)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise Invalid("cursor is not one this server gave") from exc
    ours = 0 < len(row_id) <= 64 and row_id.isascii() and row_id.isalnum()
    if not (ours and at.tzinfo is not None and within(at)):
        raise Invalid("cursor is not one this server gave")
    return at, row_id
