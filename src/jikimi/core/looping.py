"""A daemon thread that runs a loop until told to stop (the watcher, the listener)."""

from __future__ import annotations

import threading


class Looping:
    """Subclasses implement `_loop`, checking `self._stop`; `stop` waits for the thread,
    so nothing it does outlives the engine it uses."""

    thread_name = "jikimi-loop"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        """Start the loop on a thread of its own."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread (at most 10 s)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
