"""Signed requests for any client of the phone and feed routes (demo, tests, benchmarks)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from jikimi.core.signing import decode_key, signature


def signed_headers(
    token: str, key: str, method: str, path: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """Authorization, timestamp and signature headers for one request."""
    stamp = int(time.time() if now is None else now)
    nonce = secrets.token_hex(16)
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "X-Jikimi-Timestamp": str(stamp),
        "X-Jikimi-Nonce": nonce,
        "X-Jikimi-Signature": signature(decode_key(key), stamp, nonce, method, path, body),
    }


def signed_json(token: str, key: str, path: str, payload: Any) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a signed JSON POST."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return body, signed_headers(token, key, "POST", path, body)
