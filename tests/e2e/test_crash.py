"""kill -9 the server right after a 202: after restart, every alert is there, none twice."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from jikimi.core.access import Role
from jikimi.core.db import is_sqlite
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    h,
    list_alerts,
    post_contact,
    post_feed,
    post_feed_locations,
    post_signed,
    seed_case,
    seed_geo_case,
    wait_for,
)

pytestmark = pytest.mark.slow


def api_alone(database_url: str) -> dict[str, str]:
    """The server's environment for a test that kills it before it judges anything: on
    PostgreSQL an API process that leaves the judging to a `jikimi worker` (none runs), so
    only the stored inbox can save the event. SQLite has no such process: its one process
    may have judged the event before the kill, or not (its worker thread judges pings
    after the 202), and either way the alert must come once."""
    return {} if is_sqlite(database_url) else {"JIKIMI_WORKER": "false"}


def test_event_accepted_then_killed_before_judging_is_alerted_after_restart(
    tmp_path: Path, database_url: str
) -> None:
    """The 202 was the promise: the event is in the database, the alert comes after restart."""
    server = LiveServer(database_url, tmp_path)
    server.start(**api_alone(database_url))
    try:
        case = seed_case(server.url, server.token(Role.OFFICER))
        dispatcher = server.token(Role.DISPATCHER)
        r = post_contact(server.url, case, case["perp"])
        assert r.status_code == 202
        server.kill9()
        server.start()
        [alert] = wait_for(lambda: list_alerts(server.url, dispatcher))
        assert (alert["kind"], alert["count"]) == ("contact_violation", 1)
    finally:
        server.stop()


def whole(url: str, token: str, alert: dict[str, Any]) -> list[dict[str, Any]]:
    """Every piece of evidence the alert holds."""
    r = httpx.get(f"{url}/api/v1/alerts/{alert['id']}", headers=h(token), timeout=10)
    r.raise_for_status()
    pieces: list[dict[str, Any]] = r.json()["evidence"]
    assert len(pieces) == alert["evidence_total"]
    return pieces


def test_repeated_kill9_under_load_loses_no_acknowledged_event_and_duplicates_no_alert(
    tmp_path: Path,
) -> None:
    """Three kills mid-load from phones and the operator feed. Every event answered 202 ends
    as evidence exactly once, and each case has one alert per kind, not a storm."""
    server = LiveServer(f"sqlite:///{tmp_path}/load.db", tmp_path)
    server.start()
    try:
        officer = server.token(Role.OFFICER)
        dispatcher = server.token(Role.DISPATCHER)
        cases = [seed_case(server.url, officer) for _ in range(4)]
        feed = server.feed()
        acknowledged: set[str] = set()
        base = datetime.now(UTC) - timedelta(minutes=10)
        seq = iter(range(1_000_000))
        for _round in range(3):
            stop = threading.Event()

            def load(stop: threading.Event = stop) -> None:
                with httpx.Client(base_url=server.url, timeout=5) as c:
                    while not stop.is_set():
                        batch = []
                        for case in cases:
                            at = (base + timedelta(milliseconds=next(seq))).isoformat()
                            batch.append((case, at))
                        for i, (case, at) in enumerate(batch):
                            ev = {"id": str(uuid.uuid4()), "kind": "sms", "occurred_at": at}
                            try:
                                if i % 2:  # from the phone: the perpetrator's number
                                    r = post_signed(c, case, {**ev, "number": case["perp"]})
                                else:  # from the operator: a hidden caller
                                    feed_ev = {
                                        **ev,
                                        "number": None,
                                        "victim_number": case["victim"],
                                    }
                                    r = post_feed(c, feed, feed_ev)
                            except httpx.TransportError:
                                return  # the server died under us
                            if r.status_code == 202:
                                acknowledged.add(at)

            worker = threading.Thread(target=load)
            before = len(acknowledged)
            worker.start()
            wait_for(lambda before=before: len(acknowledged) >= before + 40)
            server.kill9()
            stop.set()
            worker.join(10)
            server.start()

        def all_judged() -> list[dict[str, Any]] | None:
            alerts = list_alerts(server.url, dispatcher)
            total = sum(a["count"] for a in alerts)
            return alerts if total >= len(acknowledged) else None

        alerts = wait_for(all_judged, timeout=60)
        # The queue carries each alert's latest pieces of evidence; the alert itself, all.
        evidence = [e["occurred_at"] for a in alerts for e in whole(server.url, dispatcher, a)]
        as_sent = {datetime.fromisoformat(a).astimezone(UTC) for a in acknowledged}
        got = Counter(datetime.fromisoformat(e.replace("Z", "+00:00")) for e in evidence)
        assert as_sent <= set(got), "an event answered 202 was lost"
        assert max(got.values()) == 1, "an event became evidence twice"
        per_case = Counter((a["case_id"], a["kind"], a["status"]) for a in alerts)
        assert set(per_case.values()) == {1}, "more than one open alert for a case and kind"
        assert {a["kind"] for a in alerts} == {"contact_violation", "hidden_number_contact"}
    finally:
        server.stop()


def test_pings_accepted_then_killed_before_judging_are_alerted_after_restart(
    tmp_path: Path, database_url: str
) -> None:
    """The same promise for the anklet feed: a 202'd ping inside the ban is judged after a
    kill -9 and a restart, once."""
    server = LiveServer(database_url, tmp_path)
    server.start(**api_alone(database_url))
    try:
        officer = server.token(Role.OFFICER)
        dispatcher = server.token(Role.DISPATCHER)
        now = datetime.now(UTC)
        home = seed_geo_case(server.url, officer, "EM-CRASH-1")
        feed = server.feed()
        ping = {
            "device": "EM-CRASH-1",
            "lat": home[0] + 40 / 111_320,
            "lon": home[1],
            "accuracy_m": 5,
            "recorded_at": now.isoformat(),
        }
        with httpx.Client(base_url=server.url) as c:
            r = post_feed_locations(c, feed, ping)
        assert r.status_code == 202, r.text
        server.kill9()
        server.start()
        [alert] = wait_for(lambda: list_alerts(server.url, dispatcher))
        assert (alert["kind"], alert["count"]) == ("proximity_violation", 1)
    finally:
        server.stop()
