"""The victim-phone reference client: a durable spool on disk and retries with backoff.

Every event is written to disk (fsync, atomic rename) before any attempt to send it, and
removed only after the server answered 202 — which means the server stored it durably.
So an event survives the app being killed, the phone being offline, or the server being
down; sending it twice is harmless because the server deduplicates by the event's id.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BATCH = 100
RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


@dataclass
class FlushResult:
    """What one flush did."""

    sent: int = 0
    rejected: int = 0
    pending: int = 0
    attempts: int = 0


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
    ) -> None:
        self.spool = spool
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
        """Send everything spooled; back off exponentially (with jitter) on failure."""
        result = FlushResult()
        failures = 0
        while True:
            files = self.pending()[:BATCH]
            if not files:
                break
            events = [json.loads(f.read_text("utf-8")) for f in files]
            result.attempts += 1
            status = self._post(events)
            if status == 202:
                for f in files:
                    f.unlink()
                result.sent += len(files)
                failures = 0
                continue
            if status is not None and status not in RETRYABLE:
                # The server will never take these as they are: keep them for inspection.
                for f in files:
                    f.rename(self.spool / "rejected" / f.name)
                result.rejected += len(files)
                continue
            failures += 1
            if failures >= max_attempts:
                break
            self._sleep(min(60.0, base_delay * 2 ** (failures - 1)) * (0.5 + random.random()))
        result.pending = len(self.pending())
        return result

    def _post(self, events: list[dict[str, Any]]) -> int | None:
        try:
            return self._http.post("/api/v1/device/contacts", json={"events": events}).status_code
        except httpx.TransportError:
            return None

    def status(self) -> dict[str, Any]:
        """What protects her now, as the server sees it."""
        response = self._http.get("/api/v1/device/status")
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data
