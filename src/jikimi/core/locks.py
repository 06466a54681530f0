"""Victims' locks: who may write a victim's alerts and case rows now.

Every pass that raises or grows alerts (contacts on ingest and in the worker, device
events, silent anklets, the position judge) and the risk re-score take the locks of the
victims whose cases they will write, all at once, before any of those rows: on PostgreSQL
a transaction-scoped advisory lock per victim, taken in one statement in the order of the
lock keys, so that no two transactions ever take two victims' locks in opposite orders
(docs/architecture.md, "Lock order"). SQLite has one writer at a time already.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Text

# The key as it has always been (`hashtext` of the name): a process of an older build
# still excludes a newer one. Sorted by the key itself, so that two victims whose names
# hash alike are still taken in one order; PostgreSQL evaluates the volatile lock calls
# after the sort (the Result above the Sort in the plan).
_IDS = bindparam("ids", type_=ARRAY(Text()))
_TRY = text(
    "SELECT v, pg_try_advisory_xact_lock(hashtext('jikimi:victim:' || v)) "
    "FROM unnest(:ids) AS v ORDER BY hashtext('jikimi:victim:' || v), v"
).bindparams(_IDS)
_WAIT = text(
    "SELECT v, pg_advisory_xact_lock(hashtext('jikimi:victim:' || v)) IS NULL "
    "FROM unnest(:ids) AS v ORDER BY hashtext('jikimi:victim:' || v), v"
).bindparams(_IDS)


class SqlVictimLocks:
    """The victims' locks, in the unit of work's transaction (held until it ends)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._pg = session.get_bind().dialect.name == "postgresql"

    def take(self, victim_ids: Iterable[str], *, wait: bool = False) -> set[str]:
        """Lock these victims, in the one order; return those now held. Without `wait`,
        a victim another transaction holds is left out at once (the caller passes over
        its work); with it, wait for each in turn (the position judge, which must judge
        its log in order)."""
        ids = sorted(set(victim_ids))
        if not self._pg or not ids:
            return set(ids)
        rows = self.s.execute(_WAIT if wait else _TRY, {"ids": ids})
        return {victim for victim, held in rows if held}


_TRY_ONE = text("SELECT pg_try_advisory_xact_lock(hashtext(:name))")


def try_pass_lock(session: Session, name: str) -> bool:
    """Take the transaction-scoped lock of a periodic pass (`name`), or learn that another
    process's pass holds it: one such pass runs at a time across workers on PostgreSQL
    (SQLite has one process and one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(_TRY_ONE, {"name": f"jikimi:pass:{name}"}))
