"""The victim-phone reference client: a durable spool on disk and retries with backoff.

Every event is written to disk (fsync, atomic rename) before any attempt to send it, and
removed only after the server answered 202 — which means the server stored it durably.
So an event survives the app being killed, the phone being offline, or the server being
down; sending it twice is harmless because the server deduplicates by the event's id.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from jikimi.core.signing import decode_key, signature

BATCH = 100
# The server refused the content: send smaller batches, then set aside the one event it
# refuses. Everything else that is not a 202 (5xx, 408, 429, a captive portal's 200 or
# 302, a 404 from a proxy) may pass: keep the events and try again later.
CONTENT_REFUSED = {400, 413, 422}
AUTH_FAILED = {401, 403}


@dataclass
class FlushResult:
    """What one flush did."""

    sent: int = 0
    rejected: int = 0
    pending: int = 0
    attempts: int = 0
    auth_failed: bool = False


class DeviceClient:
    """Plays the victim's phone against a Jikimi server."""

    def __init__(
        self,
        server: str,
        token: str,
        spool: Path,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        signing_key: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.spool = spool
        self._key = decode_key(signing_key) if signing_key else None
        self._clock = clock
        (spool / "pending").mkdir(parents=True, exist_ok=True)
        (spool / "rejected").mkdir(parents=True, exist_ok=True)
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=server.rstrip("/"),
            transport=transport,
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
        )

    def close(self) -> None:
        """Release the connection."""
        self._http.close()

    def record(
        self,
        kind: str,
        number: str | None,
        occurred_at: datetime | None = None,
        text: str | None = None,
    ) -> str:
        """Put an event on the durable spool; return its id."""
        at = occurred_at or datetime.now(UTC)
        if at.tzinfo is None:
            raise ValueError("occurred_at needs its UTC offset (the server refuses naive times)")
        event = {
            "id": str(uuid.uuid4()),
            "kind": kind,
            "number": number,
            "occurred_at": at.isoformat(),
            "text": text,
        }
        name = f"{time.time_ns():020d}-{event['id']}.json"
        tmp = self.spool / "pending" / (name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(event, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.rename(self.spool / "pending" / name)
        return str(event["id"])

    def pending(self) -> list[Path]:
        """Spooled events, oldest first."""
        return sorted((self.spool / "pending").glob("*.json"))

    def flush(self, max_attempts: int = 8, base_delay: float = 0.5) -> FlushResult:
        """Send everything spooled; back off exponentially (with jitter) on failure.

        A 401/403 stops the flush and keeps every event: a revoked or mistyped token is
        fixed by re-enrolling, and the evidence must not be thrown away meanwhile.
        """
        result = FlushResult()
        with self._exclusive() as mine:
            if not mine:  # another flush of this spool is sending right now
                result.pending = len(self.pending())
                return result
            failures = 0
            while files := self.pending()[:BATCH]:
                items = self._load(files, result)
                if not items:
                    continue
                outcome = self._send(items, result)
                if outcome == "ok":
                    failures = 0
                    continue
                if outcome == "auth":
                    result.auth_failed = True
                    break
                failures += 1
                if failures >= max_attempts:
                    break
                delay = min(60.0, base_delay * 2 ** (failures - 1))
                self._sleep(delay * (0.5 + random.random()))
        result.pending = len(self.pending())
        return result

    @contextmanager
    def _exclusive(self) -> Iterator[bool]:
        with open(self.spool / ".flush.lock", "a+b") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _load(self, files: list[Path], result: FlushResult) -> list[tuple[Path, dict[str, Any]]]:
        items = []
        for f in files:
            try:
                items.append((f, json.loads(f.read_text("utf-8"))))
            except (ValueError, OSError):
                # A torn or unreadable file: set it aside so it cannot block the rest.
                self._set_aside(f)
                result.rejected += 1
        return items

    def _set_aside(self, f: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            f.rename(self.spool / "rejected" / f.name)

    def _send(self, items: list[tuple[Path, dict[str, Any]]], result: FlushResult) -> str:
        """Post a batch; on a content refusal split it until the refused event is alone."""
        result.attempts += 1
        status = self._post([event for _, event in items])
        if status == 202:
            for f, _ in items:
                f.unlink(missing_ok=True)
            result.sent += len(items)
            return "ok"
        if status in AUTH_FAILED:
            return "auth"
        if status not in CONTENT_REFUSED:
            return "retry"
        if len(items) == 1:
            self._set_aside(items[0][0])
            result.rejected += 1
            return "ok"
        half = len(items) // 2
        first = self._send(items[:half], result)
        if first != "ok":
            return first
        return self._send(items[half:], result)

    def _post(self, events: list[dict[str, Any]]) -> int | None:
        try:
            body = json.dumps({"events": events}, ensure_ascii=False).encode("utf-8")
            path = "/api/v1/device/contacts"
            headers = {"Content-Type": "application/json", **self._signed("POST", path, body)}
            return self._http.post(path, content=body, headers=headers).status_code
        except httpx.TransportError:
            return None

    def _signed(self, method: str, path: str, body: bytes) -> dict[str, str]:
        """Signature headers; every attempt signs anew (the server refuses replays)."""
        if self._key is None:
            return {}
        stamp, nonce = int(self._clock()), secrets.token_hex(16)
        return {
            "X-Jikimi-Timestamp": str(stamp),
            "X-Jikimi-Nonce": nonce,
            "X-Jikimi-Signature": signature(self._key, stamp, nonce, method, path, body),
        }

    def heartbeat(self) -> bool:
        """Tell the server this phone is alive (an empty batch); True when it answered 202."""
        return self._post([]) == 202

    def status(self) -> dict[str, Any]:
        """What protects the victim now, as the server sees it."""
        path = "/api/v1/device/status"
        response = self._http.get(path, headers=self._signed("GET", path, b""))
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data
