"""A TCP relay between a server process and PostgreSQL that can play a database restart."""

from __future__ import annotations

import contextlib
import socket
import threading

# PostgreSQL's wire protocol: psycopg commits with this simple query, and the database
# answers it only once the commit is durable.
_COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class _Link:
    """One relayed connection: the app's socket (Jikimi's end) and PostgreSQL's."""

    def __init__(self, app: socket.socket, db: socket.socket) -> None:
        self.app, self.db = app, db
        self.tail = b""  # the end of what the app sent last, for a marker split in two
        self.marked = False  # the app sent the trap's marker on this connection
        self.committing = False  # its COMMIT went through: the next answer is the trap's
        self._pumps_left = 2
        self._lock = threading.Lock()

    def sever(self) -> None:
        """Both directions end now; blocked reads wake up (shutdown, not close)."""
        for s in (self.app, self.db):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def pump_done(self) -> None:
        """The last of the two pumps closes the sockets, so no read races a close."""
        with self._lock:
            self._pumps_left -= 1
            last = self._pumps_left == 0
        if last:
            self.app.close()
            self.db.close()


class DbProxy:
    """Relays connections to PostgreSQL until told the database is away.

    `cut()` severs every relayed connection and, until `resume()`, drops each new one as
    soon as it arrives: the server sees its connections end, with whatever transaction
    they carried (PostgreSQL rolls those back), and new ones end before the database says
    a word — what a restarting PostgreSQL looks like from outside. `cut_at_commit()` makes
    the cut fall at the worst instant: as the server commits a given write.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._trap: tuple[bytes, bool, threading.Event] | None = None
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def cut(self) -> int:
        """The database goes away: every open connection ends, new ones are dropped.
        Returns how many connections were cut."""
        with self._lock:
            self._up.clear()
            links = list(self._links)
        for link in links:
            link.sever()
        return len(links)

    def cut_at_commit(self, marker: bytes, *, committed: bool) -> threading.Event:
        """Arm a one-time cut: on the connection that sends `marker` (an event's id, in
        its INSERT), the next COMMIT starts the outage. Before the COMMIT reaches
        PostgreSQL (the write is lost), or with `committed` after PostgreSQL has committed
        and before the server hears it (the write is kept). The returned event is set
        once every connection is cut (the server may answer a moment before)."""
        sprung = threading.Event()
        self._trap = (marker, committed, sprung)
        return sprung

    def resume(self) -> None:
        """The database is back: new connections reach it again."""
        self._up.set()

    def close(self) -> None:
        """Stop relaying (a shut-down listener wakes the accepting thread on Linux)."""
        self.cut()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._accepting.join(5)

    def _accept(self) -> None:
        while True:
            try:
                app, _ = self._listener.accept()
            except OSError:
                return  # closed
            if not self._up.is_set():
                app.close()
                continue
            try:
                db = socket.create_connection(self.target, timeout=5)
            except OSError:
                app.close()
                continue
            db.settimeout(None)
            link = _Link(app, db)
            with self._lock:
                self._links.add(link)
                if not self._up.is_set():  # cut while we were connecting
                    link.sever()
            for src, dst in ((app, db), (db, app)):
                threading.Thread(target=self._pump, args=(link, src, dst), daemon=True).start()

    def _pump(self, link: _Link, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if not self._relay(link, src is link.app, data):
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            link.sever()  # either side ending ends the connection, as a database would
            with self._lock:
                self._links.discard(link)
            link.pump_done()

    def _relay(self, link: _Link, from_app: bool, data: bytes) -> bool:
        """Whether to pass `data` on; an armed trap springs (and swallows it) here."""
        trap = self._trap
        if trap is None:
            return True
        marker, committed, sprung = trap
        if from_app:
            seen, link.tail = link.tail + data, data[-len(marker) :]
            if marker in seen:
                link.marked = True
            elif link.marked and _COMMIT in data:
                if committed:
                    link.committing = True
                    return True
                self._spring(sprung)
                return False
        elif link.committing:
            self._spring(sprung)
            return False
        return True

    def _spring(self, sprung: threading.Event) -> None:
        self._trap = None
        self.cut()
        sprung.set()
