"""SQLite's wake-ups between processes (PostgreSQL has LISTEN/NOTIFY): a datagram to each
process on the same database, heard by a thread that calls the channel's handler."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import struct
import threading
from collections.abc import Callable
from pathlib import Path

from jikimi.core.looping import Looping

log = logging.getLogger(__name__)

_UCRED = struct.Struct("3i")  # pid, uid, gid: who sent a datagram (SO_PASSCRED)
_BATCH = 64  # datagrams drained per wake-up at most (their channels are merged)


def _address(name: str) -> bytes:
    """A socket address in Linux's abstract namespace: no file, gone with its process."""
    return b"\0jikimi-bell-" + name.encode()


class Doorbell(Looping):
    """Rings the other processes on one SQLite database, and hears them ring.

    Each process binds a Unix datagram socket and registers it as an empty file named
    after it in `directory` (beside the database, readable by its owner only). `ring`
    sends the channel's name to every other registered process; one that has gone away
    (its socket refuses) is taken off the register. The thread hears datagrams, merges
    those waiting into one call per channel, and calls the handlers as `PgListener`
    does (same channels, empty payload). Datagrams from another user are dropped (the
    kernel says who sent each); the content is a channel name and nothing else.

    A wake-up only makes a reader look sooner: every listener still polls, so a lost
    datagram or a process that cannot bind costs a poll period, never an alert.
    """

    thread_name = "jikimi-doorbell"

    def __init__(self, directory: Path, handlers: dict[str, Callable[[str], None]]) -> None:
        super().__init__()
        self.directory, self.handlers = directory, handlers
        self.name = f"{os.getpid()}-{secrets.token_hex(6)}"
        self._send: socket.socket | None = None  # while started
        self._hear: socket.socket | None = None
        self.listening = threading.Event()  # set while registered and hearing

    def _peers(self) -> list[str]:
        try:
            return [e.name for e in os.scandir(self.directory) if e.name != self.name]
        except FileNotFoundError:
            return []

    def ring(self, channel: str) -> None:
        """Tell every other process on this database that `channel` has news (once
        started: a process that hears rings are the ones that ring)."""
        send = self._send
        if send is None:
            return
        data = channel.encode()
        for peer in self._peers():
            try:
                send.sendto(data, socket.MSG_DONTWAIT, _address(peer))
            except BlockingIOError:
                pass  # its queue is full: it has wake-ups waiting already
            except (ConnectionRefusedError, FileNotFoundError):
                # Gone without taking itself off (kill -9): nobody listens there.
                (self.directory / peer).unlink(missing_ok=True)
            except OSError:
                log.debug("doorbell: a ring was not sent")

    def start(self) -> None:
        """Bind, register, and hear rings on a thread."""
        hear = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        send = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        try:
            hear.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
            hear.bind(_address(self.name))
            self.directory.mkdir(mode=0o700, exist_ok=True)
            (self.directory / self.name).touch(mode=0o600)
        except OSError:
            hear.close()
            send.close()
            log.warning("doorbell unavailable; other processes' changes are polled for")
            return
        self._hear, self._send = hear, send
        self.listening.set()
        super().start()

    def stop(self) -> None:
        """Stop hearing and take this process off the register."""
        self._stop.set()
        self.listening.clear()
        send, self._send = self._send, None
        if send is not None:  # wake the thread from its wait for a datagram
            with contextlib.suppress(OSError):
                send.sendto(b"", socket.MSG_DONTWAIT, _address(self.name))
            send.close()
        super().stop()
        if self._hear is not None:
            self._hear.close()
            self._hear = None
            (self.directory / self.name).unlink(missing_ok=True)

    def _receive(self, hear: socket.socket, flags: int) -> str | None:
        """One datagram's channel, or None for one from another user."""
        data, ancillary, _flags, _addr = hear.recvmsg(64, socket.CMSG_SPACE(_UCRED.size), flags)
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                _pid, uid, _gid = _UCRED.unpack(value[: _UCRED.size])
                if uid == os.getuid():
                    return data.decode(errors="replace")
        return None

    def _loop(self) -> None:
        hear = self._hear
        assert hear is not None
        while not self._stop.is_set():
            try:
                first = self._receive(hear, 0)
            except OSError:
                if self._stop.is_set():
                    return
                log.warning("doorbell: not hearing other processes; polling meanwhile")
                self._stop.wait(1.0)
                continue
            channels = {first}
            for _ in range(_BATCH):  # others already waiting: one call per channel
                try:
                    channels.add(self._receive(hear, socket.MSG_DONTWAIT))
                except (BlockingIOError, OSError):
                    break
            for channel in channels:
                call = self.handlers.get(channel) if channel else None
                if call is not None:
                    call("")
