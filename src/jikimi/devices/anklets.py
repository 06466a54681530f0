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

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jikimi.core.caches import SharedCache, ttl_cache
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
        self.ttl = ttl
        # A serial bound to no anklet is remembered too, as None.
        self._cache: SharedCache[str, Anklet | None] = ttl_cache(ttl, size, clock)

    def lookup(self, s: Session, serials: Iterable[str]) -> dict[str, Anklet]:
        """The anklets these serials are bound to now, as `find` would say."""
        wanted = set(serials)
        if self.ttl <= 0:
            return find(s, wanted)
        stamp = tuple(s.execute(_STAMP).one())
        self._cache.sync(stamp)
        known = self._cache.get_many(wanted)
        missing = [x for x in wanted if x not in known]
        if missing:
            found = find(s, missing)
            self._cache.put_many({x: found.get(x) for x in missing}, read_at=stamp)
            known |= found
        return {x: a for x, a in known.items() if a is not None}

    def clear(self) -> None:
        """Forget everything (e.g. after this process changed a binding)."""
        self._cache.clear()
