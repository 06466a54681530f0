"""The access trail: who read or changed whose personal data, when, from where, and why.

Records form a hash chain: each record's hash covers its content and the previous hash,
and `n` counts up without gaps, so `verify` finds the first altered, inserted or missing
record. Appends are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    LargeBinary,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from jikimi.audit import flags as audit_flags
from jikimi.audit.canon import canonical, canonical_parts, link, record_hash
from jikimi.audit.tables import AccessRecord
from jikimi.core.access import Principal
from jikimi.core.tables import table_of

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x4A4B4155  # "JKAU"
BULK_WINDOW = timedelta(minutes=10)
_RECORDS = table_of(AccessRecord)
_LAST = select(_RECORDS.c.n, _RECORDS.c.hash).order_by(_RECORDS.c.n.desc()).limit(1)
_INSERT = insert(_RECORDS)
_PREV = _RECORDS.alias("head")
# The append when the head is known: one statement that inserts only if the head is still
# the record `head_n` with `head_hash` (nothing after it), so a head remembered from an
# earlier transaction of this process can never fork or gap the chain; when it inserts
# nothing, the head is read and the record built again.
_APPEND_AFTER = (
    insert(_RECORDS)
    .from_select(
        [c.key for c in _RECORDS.c],
        select(*[bindparam(c.key, type_=c.type) for c in _RECORDS.c]).where(
            exists().where(
                _PREV.c.n == bindparam("head_n"), _PREV.c.hash == bindparam("head_hash")
            ),
            ~exists().where(_PREV.c.n > bindparam("head_n")),
        ),
    )
    .returning(_RECORDS.c.n)
)
# The head each database (by URL) had after this process's last append: a hint only
# (SQLite; PostgreSQL reads the head in the appending statement).
_HEADS: dict[str, tuple[int, str]] = {}
# PostgreSQL: the lock, the head and the append in one statement (one round trip, where a
# lock, then a head, then an INSERT were three while every other append waited). The
# record's hash is computed by the database over the canonical bytes Python built around
# the two values only the head gives: `n` and `prev_hash` (`canonical.canonical_parts`). The
# statement's snapshot can predate the lock (it is taken when the statement starts): a
# writer that waited for the lock may read a head that has since been followed, and then
# its record collides with that follower on the primary key and is not inserted
# (ON CONFLICT DO NOTHING, no error); the same statement run again, the lock now held,
# sees the real head. So the chain never forks or gaps (the key on `n` forbids it whatever
# a snapshot saw) and the lock keeps appenders from retrying in turn.
_PG_APPEND = text(
    """
INSERT INTO access_records (n, at, account_id, token_id, role, agency, source, action,
    resource, resource_id, subjects, purpose, flags, prev_hash, hash)
SELECT head.n + 1, :at, :account_id, :token_id, :role, :agency, :source, :action,
    :resource, :resource_id, :subjects, :purpose, :flags, head.hash,
    encode(sha256(:pre || convert_to((head.n + 1)::text, 'UTF8') || :mid
        || convert_to(head.hash, 'UTF8') || :suf), 'hex')
FROM (
    (SELECT n, hash FROM access_records ORDER BY n DESC LIMIT 1)
    UNION ALL SELECT 0, repeat('0', 64)
    ORDER BY n DESC LIMIT 1
) AS head
WHERE pg_advisory_xact_lock(:k) IS NOT NULL
ON CONFLICT (n) DO NOTHING
RETURNING n, prev_hash, hash
"""
).bindparams(
    *[
        bindparam(c.key, type_=c.type)
        for c in _RECORDS.c
        if c.key not in ("n", "prev_hash", "hash")
    ],
    *[bindparam(k, type_=LargeBinary) for k in ("pre", "mid", "suf")],
    bindparam("k", _PG_AUDIT_LOCK),
)


@dataclass(frozen=True)
class Access:
    """What one access was: the action on a resource and whose data it touched."""

    action: str  # read | create | update | export | denied | break_glass | stream | submit
    # | login | login_failed | lockout | locked | suspended | unknown | logout
    resource: str
    resource_id: str | None = None
    subjects: tuple[str, ...] = ()
    purpose: str | None = None


def _bulk(s: Session, p: Principal | None, at: datetime, new: int, limit: int) -> bool:
    if p is None or p.account_id is None or new == 0:
        return False
    rows = s.scalars(
        select(AccessRecord.subjects).where(
            AccessRecord.account_id == p.account_id,
            AccessRecord.at >= at - BULK_WINDOW,
            AccessRecord.action == "read",
        )
    )
    seen = {x for subjects in rows for x in subjects}
    return len(seen) + new > limit


def append(
    s: Session,
    p: Principal | None,
    access: Access,
    source: str | None,
    *,
    bulk_limit: int = 50,
    extra_flags: tuple[str, ...] = (),
) -> None:
    """Append one record to the chain in the caller's transaction (p None: nobody known,
    e.g. a login attempt for a login name that does not exist); a flagged record is also
    put on its agency's review list (`audit_flags`) in the same transaction."""
    bind = s.get_bind()
    postgres = bind.dialect.name == "postgresql"
    at = datetime.now(UTC)
    flags = list(extra_flags)
    if access.action == "read" and access.subjects and p is not None and p.account_id:
        # The bulk count reads the trail: under the chain's lock, as it always was.
        if postgres:
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
        if _bulk(s, p, at, len(access.subjects), bulk_limit):
            flags.append("bulk_lookup")
    values: dict[str, Any] = {
        "at": at,
        "account_id": p.account_id if p else None,
        "token_id": (p.token_id or None) if p else None,
        "role": p.role.value if p else "anonymous",
        "agency": p.agency if p else None,
        "source": source,
        "action": access.action,
        "resource": access.resource,
        "resource_id": access.resource_id,
        "subjects": sorted(set(access.subjects)),
        "purpose": access.purpose,
        "flags": flags,
    }
    # Plain statements built once, not a flushed ORM object: every write request appends.
    if postgres:
        _append_pg(s, values)
    else:
        _append_sqlite(s, values, str(bind.engine.url))
    if flags:
        audit_flags.mark(s, values["n"], values["agency"])


def _append_sqlite(s: Session, values: dict[str, Any], key: str) -> None:
    """Append `values` after the head this process remembers for database `key`, or,
    when that is not the head any more, after the head read now."""
    head = _HEADS.get(key)
    if head is not None:
        link(values, head)
        params = {**values, "head_n": head[0], "head_hash": head[1]}
        if s.execute(_APPEND_AFTER, params).first() is not None:
            _HEADS[key] = (values["n"], values["hash"])
            return
    last = s.execute(_LAST).first()
    link(values, (last.n, last.hash) if last else (0, GENESIS))
    s.execute(_INSERT, values)
    _HEADS[key] = (values["n"], values["hash"])


def _append_pg(s: Session, values: dict[str, Any]) -> None:
    """Append `values` after the head, as one statement (see `_PG_APPEND`)."""
    pre, mid, suf = canonical_parts(values)
    params = {**values, "pre": pre, "mid": mid, "suf": suf}
    for _ in range(3):  # the second run holds the lock, so it sees the real head
        row = s.execute(_PG_APPEND, params).first()
        if row is not None:
            break
    else:
        raise RuntimeError("the access trail's head kept moving under its lock")
    # The database hashed what Python would have: checked, so a difference in the two
    # renderings of the record can never enter the chain (the transaction fails instead).
    link(values, (row.n - 1, row.prev_hash))
    if values["hash"] != row.hash:
        raise RuntimeError("the access record's hash differs from its canonical form")


@dataclass(frozen=True)
class Verdict:
    """The chain's state: intact, or where it first breaks."""

    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str | None = None


def verify(s: Session, batch: int = 5000) -> Verdict:
    """Walk the chain from the start; report the first broken or missing record."""
    prev, expected, checked = GENESIS, 1, 0
    while True:
        rows = list(
            s.scalars(
                select(AccessRecord)
                .where(AccessRecord.n >= expected)
                .order_by(AccessRecord.n)
                .limit(batch)
            )
        )
        if not rows:
            return Verdict(True, checked)
        for r in rows:
            if r.n != expected:
                return Verdict(False, checked, expected, f"record {expected} is missing")
            if r.prev_hash != prev:
                return Verdict(False, checked, r.n, "does not follow the previous record")
            if record_hash(r) != r.hash:
                return Verdict(False, checked, r.n, "content does not match its hash")
            prev, expected, checked = r.hash, expected + 1, checked + 1


def export(s: Session, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Records as JSON objects, oldest first."""
    q = select(AccessRecord).order_by(AccessRecord.n)
    if since is not None:
        q = q.where(AccessRecord.at >= since)
    for r in s.scalars(q.execution_options(yield_per=1000)):
        yield json.loads(canonical(r)) | {"hash": r.hash}


def of_case(s: Session, case_id: str, people: list[str], since: datetime) -> list[dict[str, Any]]:
    """The records about one case since `since`, oldest first, as `export` gives them:
    those of the case itself and those whose subjects name one of its `people`."""
    subjects = cast(AccessRecord.subjects, Text)
    q = (
        select(AccessRecord)
        .where(
            AccessRecord.at >= since,
            or_(
                AccessRecord.resource_id == case_id,
                *[subjects.like(f'%"{person}"%') for person in people],
            ),
        )
        .order_by(AccessRecord.n)
    )
    return [json.loads(canonical(r)) | {"hash": r.hash} for r in s.scalars(q)]


def flagged(s: Session, agency: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Records flagged for review, newest first, for a supervisor of `agency` (the first
    page of `audit_flags.page`)."""
    items: list[dict[str, Any]] = audit_flags.page(s, agency, limit=limit)["items"]
    return items


def count(s: Session) -> int:
    """How many records the chain holds."""
    return int(s.scalar(select(func.count()).select_from(AccessRecord)) or 0)
