"""The live stream: every change pushed at once, and only to those who may see it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from jikimi.domain.access import Role
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


def test_separate_worker_process_and_api_process_share_the_work(tmp_path: Path) -> None:
    """An API process that judges nothing plus a `jikimi worker` process: the alert still
    reaches the API's stream (the stream tails the shared timeline)."""
    server = LiveServer(f"sqlite:///{tmp_path}/split.db", tmp_path)
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
