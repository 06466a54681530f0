"""SQLite's doorbell: a ring reaches every other process on the database, once per channel,
never its own; a process gone without leaving is taken off the register; another user's
datagrams are dropped."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from jikimi.core.doorbell import Doorbell, _address

WAIT_S = 10.0


class Heard:
    """A handler that remembers what it heard."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.event = threading.Event()

    def __call__(self, payload: str) -> None:
        self.calls.append(payload)
        self.event.set()


@pytest.fixture
def bells(tmp_path: Path) -> Iterator[tuple[Doorbell, Doorbell, Heard, Heard]]:
    heard_a, heard_b = Heard(), Heard()
    a = Doorbell(tmp_path / "db-bells", {"alerts": heard_a})
    b = Doorbell(tmp_path / "db-bells", {"alerts": heard_b})
    a.start()
    b.start()
    yield a, b, heard_a, heard_b
    a.stop()
    b.stop()


def test_a_ring_reaches_the_other_process_not_itself(
    bells: tuple[Doorbell, Doorbell, Heard, Heard],
) -> None:
    a, _b, heard_a, heard_b = bells
    a.ring("alerts")
    assert heard_b.event.wait(WAIT_S)
    assert heard_b.calls == [""]  # the payload is empty, as after a LISTEN reconnect
    a.ring("unknown")  # a channel nobody handles is ignored
    assert heard_a.calls == []


def test_a_process_gone_without_leaving_is_taken_off_the_register(
    bells: tuple[Doorbell, Doorbell, Heard, Heard], tmp_path: Path
) -> None:
    a, b, _heard_a, _heard_b = bells
    ghost = tmp_path / "db-bells" / "999999-deadbeef0000"
    ghost.touch()  # registered, but nobody binds its address (killed with -9)
    a.ring("alerts")
    assert not ghost.exists()
    assert {p.name for p in (tmp_path / "db-bells").iterdir()} == {a.name, b.name}


def test_stop_takes_the_process_off_the_register(tmp_path: Path) -> None:
    bell = Doorbell(tmp_path / "db-bells", {})
    bell.start()
    assert bell.listening.is_set()
    bell.stop()
    assert not bell.listening.is_set()
    assert list((tmp_path / "db-bells").iterdir()) == []
    bell.ring("alerts")  # stopped: rings nobody, raises nothing


def test_rings_waiting_together_are_one_call_per_channel(tmp_path: Path) -> None:
    heard = Heard()
    slow = threading.Event()

    def first(payload: str) -> None:  # holds the thread while more rings arrive
        heard("first")
        slow.wait(WAIT_S)

    b = Doorbell(tmp_path / "db-bells", {"alerts": heard, "hold": first})
    a = Doorbell(tmp_path / "db-bells", {})
    a.start()
    b.start()
    try:
        a.ring("hold")
        assert heard.event.wait(WAIT_S)
        heard.event.clear()
        for _ in range(20):
            a.ring("alerts")
        slow.set()
        assert heard.event.wait(WAIT_S)
    finally:
        a.stop()
        b.stop()
    assert heard.calls == ["first", ""]


@pytest.mark.skipif(os.geteuid() != 0, reason="sending as another user needs root")
def test_another_users_datagrams_are_dropped(tmp_path: Path) -> None:
    heard, intruder = Heard(), Heard()
    a = Doorbell(tmp_path / "db-bells", {})
    b = Doorbell(tmp_path / "db-bells", {"alerts": heard, "intruder": intruder})
    a.start()
    b.start()
    try:
        pid = os.fork()
        if pid == 0:  # the child becomes nobody and rings b directly
            try:
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.sendto(b"intruder", _address(b.name))
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        a.ring("alerts")  # ours, queued after the other user's
        assert heard.event.wait(WAIT_S)
    finally:
        a.stop()
        b.stop()
    assert intruder.calls == []
