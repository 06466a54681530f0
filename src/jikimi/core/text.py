"""Text any database can hold."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` with what no database can hold (NUL, and surrogates that pair with nothing,
    as a JSON "\\ud800" escape decodes to) replaced by U+FFFD: kept, never refused."""
    return _UNSTORABLE.sub("\ufffd", text) if _UNSTORABLE.search(text) else text
