"""Request signatures for phones and feeds: HMAC-SHA256 over time, method, path and body.

Shared by the server (verify) and the reference client (sign), so both compute exactly
the same string: `"{timestamp}\\n{nonce}\\n{METHOD}\\n{path}\\n"` followed by the raw body
bytes. The nonce (random, per request) makes two identical requests in one second two
different signatures, so replay detection never refuses a genuine repeat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

WINDOW_S = 300
SCHEME = "v1"


def signature(key: bytes, timestamp: int, nonce: str, method: str, path: str, body: bytes) -> str:
    """The `X-Jikimi-Signature` value for one request."""
    msg = f"{timestamp}\n{nonce}\n{method.upper()}\n{path}\n".encode() + body
    return f"{SCHEME}=" + hmac.new(key, msg, hashlib.sha256).hexdigest()


def matches(expected: str, given: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(expected.encode(), given.encode())


def parse_timestamp(text: str) -> int | None:
    """`X-Jikimi-Timestamp` as whole seconds, or None: only ASCII digits count (a header's
    byte 0xB2 reads as "²", which `str.isdigit` accepts and `int` refuses), and at most
    12 of them (enough for the year 33658; a 400-digit one is no time at all)."""
    if 0 < len(text) <= 12 and text.isascii() and text.isdigit():
        return int(text)
    return None


def valid_nonce(text: str) -> bool:
    """`X-Jikimi-Nonce` is 16-64 ASCII letters or digits."""
    return 16 <= len(text) <= 64 and text.isascii() and text.isalnum()


def fresh(timestamp: int, now: float, window: int = WINDOW_S) -> bool:
    """True when the timestamp lies within the window around now."""
    return abs(now - timestamp) <= window


def decode_key(text: str) -> bytes:
    """A signing key as handed out (URL-safe base64)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_key(key: bytes) -> str:
    """A signing key as handed out (URL-safe base64, no padding)."""
    return base64.urlsafe_b64encode(key).decode().rstrip("=")
