"""The support ledger's hash chain: an entry's canonical bytes and hash, appending after
the head, and `verify`, which walks the chain and names the first entry that was changed,
removed or put in.

An entry's hash covers its content as written (the sealed reference and reason in the
clear, so re-sealing under a new key changes no hash) and the previous entry's hash.
Appends are serialised: PostgreSQL takes an advisory lock for the transaction, SQLite
writes one transaction at a time (BEGIN IMMEDIATE). The access trail records every
payment with its entry's id, so `verify` also finds an entry missing from the end.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jikimi.audit.tables import AccessRecord
from jikimi.support.tables import LedgerEntry

GENESIS = "0" * 64
_PG_LEDGER_LOCK = 0x4A4B5350  # "JKSP"
RESOURCE = "support_payment"  # the access trail's name for a ledger entry

FIELDS = (
    "n",
    "id",
    "application_id",
    "case_id",
    "agency",
    "kind",
    "amount_krw",
    "paid_at",
    "reference",
    "reason",
    "recorded_by",
    "recorded_at",
    "prev_hash",
)


def canonical_of(values: dict[str, Any]) -> bytes:
    """The bytes an entry with these values is hashed over: keys sorted, compact JSON,
    UTF-8, times in UTC ISO 8601."""
    body = {name: values[name] for name in FIELDS}
    for name in ("paid_at", "recorded_at"):
        body[name] = body[name].astimezone(UTC).isoformat()
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def values_of(e: LedgerEntry) -> dict[str, Any]:
    """A stored entry's content, its sealed fields opened."""
    return {name: getattr(e, name) for name in FIELDS}


def entry_hash(values: dict[str, Any]) -> str:
    """The hash an entry with these values must carry."""
    return hashlib.sha256(canonical_of(values)).hexdigest()


def head(s: Session) -> tuple[int, str]:
    """(n, hash) of the last entry, after taking the ledger's lock (PostgreSQL) for the
    rest of the transaction; (0, GENESIS) on an empty ledger."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LEDGER_LOCK})
    last = s.execute(
        select(LedgerEntry.n, LedgerEntry.hash).order_by(LedgerEntry.n.desc()).limit(1)
    ).first()
    return (last.n, last.hash) if last is not None else (0, GENESIS)


def append(s: Session, entry: LedgerEntry) -> LedgerEntry:
    """Chain `entry` (its id, content and sealed fields set) after the head and add it."""
    n, prev = head(s)
    entry.n, entry.prev_hash = n + 1, prev
    entry.hash = entry_hash(values_of(entry))
    s.add(entry)
    s.flush()
    return entry


@dataclass(frozen=True)
class Verdict:
    """The ledger's state: intact, or the first entry where it breaks and why."""

    ok: bool
    checked: int
    first_bad: int | None = None
    entry_id: str | None = None
    reason: str | None = None


def _recorded_ids(s: Session) -> list[str]:
    """The ids of the entries the access trail saw written, oldest first."""
    q = (
        select(AccessRecord.resource_id)
        .where(AccessRecord.resource == RESOURCE, AccessRecord.action == "create")
        .order_by(AccessRecord.n)
    )
    return [i for i in s.scalars(q) if i is not None]


def verify(s: Session, batch: int = 2000) -> Verdict:
    """Walk the chain from the first entry; report the first changed, missing or
    misplaced entry, then any entry the access trail saw written but the ledger lacks."""
    prev, expected, seen = GENESIS, 1, set[str]()
    while True:
        rows = list(
            s.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.n >= expected)
                .order_by(LedgerEntry.n)
                .limit(batch)
            )
        )
        if not rows:
            break
        for e in rows:
            checked = expected - 1
            if e.n != expected:
                return Verdict(False, checked, expected, None, f"entry {expected} is missing")
            if e.prev_hash != prev:
                return Verdict(False, checked, e.n, e.id, "does not follow the entry before it")
            if entry_hash(values_of(e)) != e.hash:
                return Verdict(False, checked, e.n, e.id, "content does not match its hash")
            prev, expected = e.hash, expected + 1
            seen.add(e.id)
    checked = expected - 1
    for entry_id in _recorded_ids(s):
        if entry_id not in seen:
            return Verdict(
                False, checked, None, entry_id, "recorded in the access trail, not in the ledger"
            )
    return Verdict(True, checked)
