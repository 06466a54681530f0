"""The live hub: wakes every SSE stream of this process when alerts change."""

from __future__ import annotations

import asyncio
import threading


class AlertHub:
    """Thread-safe wake-ups for asyncio listeners. Listeners read changes from the store,
    so a missed wake-up costs at most one poll period, never an alert."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._generation = 0

    def generation(self) -> int:
        """How many wake-ups there have been: a reader that saw this number already has
        read everything they announced."""
        return self._generation

    def subscribe(self) -> asyncio.Event:
        """A new listener's event, bound to the running loop."""
        ev = asyncio.Event()
        with self._lock:
            self._listeners.add((asyncio.get_running_loop(), ev))
        return ev

    def unsubscribe(self, ev: asyncio.Event) -> None:
        """Forget a listener."""
        with self._lock:
            self._listeners = {(lp, e) for lp, e in self._listeners if e is not ev}

    def alerts_changed(self) -> None:
        """Called from any thread after a commit that changed alerts."""
        with self._lock:
            self._generation += 1
            listeners = list(self._listeners)
        for loop, ev in listeners:
            if not loop.is_closed():
                loop.call_soon_threadsafe(ev.set)
