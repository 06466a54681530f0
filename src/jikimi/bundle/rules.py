"""The evidence bundle's format, as pure functions: the files it holds, the manifest and
its exact bytes, Korean time for people. No framework, no database, no clock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

FORMAT = "jikimi-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "evidence-key.pem"
PDF = "case.pdf"
CASE = "case.json"
EVENTS = "events.json"
ALERTS = "alerts.json"
ACCESS = "access.json"
VERIFIER = "verify.py"
# The order files are listed and packed in: the reader's first, the machine's, the tools.
ORDER = (PDF, CASE, EVENTS, ALERTS, ACCESS, PUBLIC_KEY, VERIFIER)
SEOUL = ZoneInfo("Asia/Seoul")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def json_bytes(obj: Any) -> bytes:
    """A JSON file of the bundle: UTF-8, keys sorted, indented, ending in a newline."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def manifest(
    files: Mapping[str, bytes],
    *,
    case_id: str,
    made_at: str,
    made_by: Mapping[str, str | None],
    key_id: str,
) -> dict[str, Any]:
    """The manifest of `files` (every file but the manifest and its signature), in the
    bundle's order, each with its SHA-256."""
    unknown = set(files) - set(ORDER)
    if unknown or MANIFEST in files or SIGNATURE in files:
        raise ValueError(f"not a file of the bundle: {sorted(unknown)}")
    return {
        "format": FORMAT,
        "case_id": case_id,
        "made_at": made_at,
        "made_by": dict(made_by),
        "signature": {"algorithm": "Ed25519", "key_id": key_id, "file": SIGNATURE},
        "public_key": PUBLIC_KEY,
        "files": [{"path": p, "sha256": sha256_hex(files[p])} for p in ORDER if p in files],
    }


def kst(value: str | datetime | None, *, seconds: bool = True) -> str:
    """An RFC 3339 time (or a datetime) as Korean time for a reader, e.g.
    `2026-03-01 21:04:05 KST`; empty for none."""
    if value is None or value == "":
        return ""
    at = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return at.astimezone(SEOUL).strftime(fmt) + " KST"
