"""The live stream: every change pushed at once, and only to those who may see it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from jikimi import schema as t
from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import SseReader, h, post_contact, seed_case

pytestmark = pytest.mark.slow


def _contact(url: str, case: dict[str, str], number: str | None) -> None:
    assert post_contact(url, case, number).status_code == 202


def test_stream_pushes_open_grow_ack_to_the_right_agency_only(live_server: LiveServer) -> None:
    """Opened, grew, acknowledged arrive in order; another agency's stream never sees them."""
    url = live_server.url
    mapo = seed_case(url, live_server.token(Role.OFFICER, "seoul-mapo"))
    busan = seed_case(url, live_server.token(Role.OFFICER, "busan-haeundae"))
    mapo_dispatcher = live_server.token(Role.DISPATCHER, "seoul-mapo")
    mine = SseReader(url, mapo_dispatcher)
    theirs = SseReader(url, live_server.token(Role.DISPATCHER, "busan-haeundae"))
    try:
        _contact(url, mapo, mapo["perp"])
        opened = mine.next()
        assert (opened["case_id"], opened["count"], opened["status"]) == (
            mapo["case_id"],
            1,
            "open",
        )
        _contact(url, mapo, mapo["perp"])
        assert mine.next()["count"] == 2
        httpx.post(f"{url}/api/v1/alerts/{opened['id']}/acknowledge", headers=h(mapo_dispatcher))
        assert mine.next()["status"] == "acknowledged"
        # Busan's own alert comes after Mapo's on the shared timeline: had Mapo's leaked,
        # it would have arrived first.
        _contact(url, busan, busan["perp"])
        assert theirs.next()["case_id"] == busan["case_id"]
    finally:
        mine.close()
        theirs.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_separate_worker_process_and_api_process_share_the_work(
    tmp_path: Path, database_url: str
) -> None:
    """On PostgreSQL, an API process that judges nothing plus a `jikimi worker` process:
    the alert still reaches the API's stream (the stream tails the shared timeline). On
    SQLite neither starts (tests/unit/cli/test_serving.py)."""
    server = LiveServer(database_url, tmp_path)
    server.start(JIKIMI_WORKER="false")
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "jikimi", "worker"],
        env=server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    reader = None
    try:
        case = seed_case(server.url, server.token(Role.OFFICER))
        reader = SseReader(server.url, server.token(Role.DISPATCHER))
        _contact(server.url, case, case["perp"])
        assert reader.next(timeout=15)["case_id"] == case["case_id"]
    finally:
        if reader is not None:
            reader.close()
        worker.terminate()
        worker.wait(10)
        log.close()
        server.stop()


def _read_alerts(url: str, token: str, last_event_id: str, n: int) -> tuple[list[Any], str]:
    """Open the stream from `last_event_id`, read `n` alerts and the last id sent."""
    alerts: list[Any] = []
    last_id = ""
    headers = {**h(token), "Last-Event-ID": last_event_id}
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=20)) as c,
        c.stream("GET", f"{url}/api/v1/alerts/stream", headers=headers) as r,
    ):
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("id:"):
                last_id = line[3:].strip()
            elif line.startswith("data:"):
                alerts.append(json.loads(line[5:]))
                if len(alerts) == n:
                    return alerts, last_id
    raise AssertionError(f"the stream ended after {len(alerts)} alerts")


def test_a_replay_and_each_push_are_on_the_access_trail_with_whose_data(tmp_path: Path) -> None:
    """Last-Event-ID: 0 replays the agency's alerts: recorded with every person concerned,
    and past the bulk limit flagged, as the same alerts read through GET /alerts would be;
    a live push is recorded too."""
    server = LiveServer(f"sqlite:///{tmp_path}/trail.db", tmp_path, JIKIMI_AUDIT_BULK_LIMIT="4")
    server.start()
    try:
        url = server.url
        cases = [seed_case(url, server.token(Role.OFFICER)) for _ in range(3)]
        for case in cases:
            _contact(url, case, case["perp"])
        dispatcher = server.token(Role.DISPATCHER)
        replayed, last_id = _read_alerts(url, dispatcher, "0", 3)
        assert {a["case_id"] for a in replayed} == {c["case_id"] for c in cases}
        assert last_id  # the replay's position: resuming from it replays nothing again
        watcher = SseReader(url, dispatcher)
        try:
            _contact(url, cases[0], cases[0]["perp"])
            assert watcher.next()["count"] == 2
        finally:
            watcher.close()
        engine = create_engine(f"sqlite:///{tmp_path}/trail.db")
        try:
            with Session(engine) as s:
                trail = list(
                    s.scalars(
                        select(t.AccessRecord)
                        .where(t.AccessRecord.resource == "alert_stream")
                        .order_by(t.AccessRecord.n)
                    )
                )
                people = {
                    pid
                    for row in s.execute(select(t.Case.victim_id, t.Case.perpetrator_id))
                    for pid in row
                }
                first_case = s.get(t.Case, cases[0]["case_id"])
                assert first_case is not None
                first_people = {first_case.victim_id, first_case.perpetrator_id}
        finally:
            engine.dispose()
        replay = [r for r in trail if r.resource_id == "replay"]
        pushes = [r for r in trail if r.resource_id == "live"]
        assert len(replay) == 1
        assert set(replay[0].subjects) == people
        assert "bulk_lookup" in (replay[0].flags or [])
        assert pushes
        assert set(pushes[-1].subjects) == first_people
    finally:
        server.stop()
