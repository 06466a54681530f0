"""Helpers for tests against a real server process."""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from jikimi.client.signed import signed_json

T = TypeVar("T")


def h(token: str) -> dict[str, str]:
    """The Authorization header."""
    return {"Authorization": f"Bearer {token}"}


def wait_for(check: Callable[[], T | None], timeout: float = 20.0) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def list_alerts(url: str, token: str) -> list[dict[str, Any]]:
    """Every alert the token may see (up to 1000), newest first."""
    r = httpx.get(f"{url}/api/v1/alerts", params={"limit": 1000}, headers=h(token), timeout=10)
    r.raise_for_status()
    items: list[dict[str, Any]] = r.json()["items"]
    return items


_SUFFIXES = itertools.count(uuid.uuid4().int % 1_000)


def seed_case(url: str, officer: str) -> dict[str, str]:
    """A victim, a perpetrator, a telecom ban in force and an enrolled phone."""
    with httpx.Client(base_url=url, headers=h(officer), timeout=10) as c:
        suffix = next(_SUFFIXES) % 1_000  # distinct numbers for every case of a test
        v = c.post(
            "/api/v1/people",
            json={"name": "김지은", "phones": [f"010-2{suffix:03d}-1{suffix:03d}"]},
        ).json()
        p = c.post(
            "/api/v1/people",
            json={"name": "박가해", "phones": [f"010-3{suffix:03d}-4{suffix:03d}"]},
        ).json()
        case = c.post(
            "/api/v1/cases",
            json={
                "victim_id": v["id"],
                "perpetrator_id": p["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        ).json()
        now = datetime.now(UTC)
        c.post(
            f"/api/v1/cases/{case['id']}/orders",
            json={
                "kind": "stalking.provisional.3",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
            },
        ).raise_for_status()
        dev = c.post(f"/api/v1/cases/{case['id']}/devices", json={"kind": "victim_phone"}).json()
    return {
        "case_id": case["id"],
        "device": dev["token"],
        "key": dev["signing_key"],
        "perp": p["phones"][0],
        "victim": v["phones"][0],
    }


class SseReader:
    """Reads `GET /api/v1/alerts/stream` in a thread and queues each alert."""

    def __init__(self, url: str, token: str) -> None:
        self.alerts: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.connected = threading.Event()
        self.ended = threading.Event()  # the server ended the stream (a clean end of body)
        self._stop = False
        self._thread = threading.Thread(target=self._run, args=(url, token), daemon=True)
        self._thread.start()
        if not self.connected.wait(10):
            raise AssertionError("SSE stream did not connect")

    def _run(self, url: str, token: str) -> None:
        try:
            self._read(url, token)
            self.ended.set()
        except httpx.HTTPError:
            if not self._stop:
                raise

    def _read(self, url: str, token: str) -> None:
        with (
            httpx.Client(timeout=httpx.Timeout(5, read=None)) as c,
            c.stream("GET", f"{url}/api/v1/alerts/stream", headers=h(token)) as r,
        ):
            event, data = "", ""
            for line in r.iter_lines():
                if self._stop:
                    return
                if line.startswith(":"):
                    self.connected.set()
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif line == "" and data:
                    if event == "alert":
                        self.alerts.put((time.monotonic(), json.loads(data)))
                    event, data = "", ""

    def next(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next alert change, or fail."""
        try:
            return self.alerts.get(timeout=timeout)[1]
        except queue.Empty:
            raise AssertionError(f"no alert on the stream within {timeout} s") from None

    def close(self) -> None:
        """Stop reading (the thread ends at the next line)."""
        self._stop = True


def post_signed(c: httpx.Client, case: dict[str, str], *events: dict[str, Any]) -> httpx.Response:
    """Signed events from the case's phone, on an open client."""
    path = "/api/v1/device/contacts"
    body, headers = signed_json(case["device"], case["key"], path, {"events": list(events)})
    return c.post(path, content=body, headers=headers)


def post_feed(c: httpx.Client, feed: tuple[str, str], *events: dict[str, Any]) -> httpx.Response:
    """Signed events from the operator feed, on an open client."""
    path = "/api/v1/feed/contacts"
    body, headers = signed_json(*feed, path, {"events": list(events)})
    return c.post(path, content=body, headers=headers)


def post_feed_locations(
    c: httpx.Client, feed: tuple[str, str], *pings: dict[str, Any]
) -> httpx.Response:
    """Signed anklet pings from the monitoring centre's feed, on an open client."""
    path = "/api/v1/feed/locations"
    body, headers = signed_json(*feed, path, {"pings": list(pings)})
    return c.post(path, content=body, headers=headers)


def seed_geo_case(url: str, officer: str, serial: str) -> tuple[float, float]:
    """A victim with a home, a 100 m approach ban in force and the perpetrator's anklet
    bound by `serial`; returns the home's (lat, lon)."""
    home = (37.5563, 126.9236)
    now = datetime.now(UTC)
    with httpx.Client(base_url=url, headers=h(officer), timeout=10) as c:
        address = {"label": "home", "text": "-", "lat": home[0], "lon": home[1]}
        v = c.post(
            "/api/v1/people", json={"name": "김지은", "phones": [], "addresses": [address]}
        ).json()
        p = c.post("/api/v1/people", json={"name": "박가해", "phones": []}).json()
        case = c.post(
            "/api/v1/cases",
            json={
                "victim_id": v["id"],
                "perpetrator_id": p["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        ).json()
        window = {
            "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=30)).isoformat(),
        }
        c.post(
            f"/api/v1/cases/{case['id']}/orders", json={"kind": "stalking.provisional.2", **window}
        ).raise_for_status()
        c.post(
            f"/api/v1/cases/{case['id']}/devices", json={"kind": "anklet", "serial": serial}
        ).raise_for_status()
    return home


def post_contact(
    url: str,
    case: dict[str, str],
    number: str | None,
    at: datetime | None = None,
    kind: str = "call",
    client: httpx.Client | None = None,
) -> httpx.Response:
    """One signed event from the case's phone."""
    ev = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "number": number,
        "occurred_at": (at or datetime.now(UTC)).isoformat(),
    }
    path = "/api/v1/device/contacts"
    body, headers = signed_json(case["device"], case["key"], path, {"events": [ev]})
    if client is not None:
        return client.post(path, content=body, headers=headers)
    return httpx.post(f"{url}{path}", content=body, headers=headers)
