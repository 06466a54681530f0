"""Anklet serials to devices and their wearers, remembered between feed requests.

The monitoring centre names the anklet by its serial in every ping; looking up thousands
of serials on every request of 10,000 pings cost more than storing the pings. Bindings
change rarely, so the directory remembers them, and stays right this way:

- every request first reads a stamp of the anklets (how many, the newest binding), one
  cheap query; a different stamp (an anklet bound or removed, by this process or
  another) drops everything remembered, so a new binding counts from the next request;
- a serial not remembered, known or not, is looked up in the database;
- whatever is remembered is forgotten after `ttl` seconds regardless
  (JIKIMI_AUTH_CACHE_S, as for tokens), for a change the stamp cannot see (a row edited
  in place; nothing in Jikimi does that).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jikimi.devices.tables import Device

_STAMP = select(func.count(), func.max(Device.created_at)).where(Device.kind == "anklet")
_CHUNK = 500


@dataclass(frozen=True)
class Anklet:
    """A bound anklet: its device id and the person who wears it."""

    device_id: str
    person_id: str


def find(s: Session, serials: Iterable[str]) -> dict[str, Anklet]:
    """The anklets these serials are bound to (serials bound to none are left out)."""
    wanted = sorted(set(serials))
    out: dict[str, Anklet] = {}
    for i in range(0, len(wanted), _CHUNK):
        q = select(Device.serial, Device.id, Device.person_id).where(
            Device.kind == "anklet", Device.serial.in_(wanted[i : i + _CHUNK])
        )
        out.update({serial: Anklet(d, p) for serial, d, p in s.execute(q) if serial})
    return out


class AnkletDirectory:
    """Serial → anklet for the feed, remembered while the anklets' stamp holds."""

    def __init__(
        self, ttl: float, size: int = 200_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._known: dict[str, Anklet] = {}
        self._unknown: set[str] = set()
        self._stamp: tuple[Any, ...] | None = None
        self._until = 0.0
        self._lock = threading.Lock()

    def lookup(self, s: Session, serials: Iterable[str]) -> dict[str, Anklet]:
        """The anklets these serials are bound to now, as `find` would say."""
        wanted = set(serials)
        if self.ttl <= 0:
            return find(s, wanted)
        row = s.execute(_STAMP).one()
        stamp = tuple(row)
        with self._lock:
            now = self.clock()
            if stamp != self._stamp or now >= self._until or self._full():
                self._known, self._unknown = {}, set()
                self._stamp, self._until = stamp, now + self.ttl
            known, unknown = self._known, self._unknown
            missing = [x for x in wanted if x not in known and x not in unknown]
        if missing:
            found = find(s, missing)
            with self._lock:
                if self._known is known:  # not reset meanwhile
                    known.update(found)
                    unknown.update(x for x in missing if x not in found)
            known = {**known, **found}
        return {x: known[x] for x in wanted if x in known}

    def _full(self) -> bool:
        return len(self._known) + len(self._unknown) >= self.size

    def clear(self) -> None:
        """Forget everything (e.g. after this process changed a binding)."""
        with self._lock:
            self._known, self._unknown, self._stamp = {}, set(), None
