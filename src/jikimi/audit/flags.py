"""Flagged access records for the supervisors' review: marked as they are appended, listed
a page at a time through their own index, reviewed once with who, when and a note.

The review lives in `access_flags`, beside the hash chain: the records and their hashes
never change, so `audit.verify` holds whatever is reviewed.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jikimi.audit.canon import canonical
from jikimi.audit.tables import AccessFlag, AccessRecord
from jikimi.core.access import Principal
from jikimi.core.errors import Conflict, Forbidden, Invalid, NotFound
from jikimi.core.tables import table_of
from jikimi.core.times import iso

_FLAGS = table_of(AccessFlag)
_MARK = insert(_FLAGS)
_ID = re.compile(r"[0-9]{1,18}")  # a record number; longer would overflow a BIGINT


def mark(s: Session, n: int, agency: str | None) -> None:
    """Put record `n` (just appended, with flags) on its agency's review list."""
    s.execute(_MARK, {"n": n, "agency": agency, "reviewed": False})


def _cursor_encode(n: int) -> str:
    return base64.urlsafe_b64encode(f"flag|{n}".encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, n = raw.split("|", 1)
        if kind != "flag" or not _ID.fullmatch(n):
            raise ValueError(kind)
        return int(n)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid("cursor is not one this server gave") from exc


def flag_json(record: AccessRecord, flag: AccessFlag) -> dict[str, Any]:
    """A flagged record as the supervisors read it: the record as chained (with its
    hash), its flag's `id`, and the review (null until there is one)."""
    review = None
    if flag.reviewed:
        review = {
            "by": flag.reviewed_by,
            "by_name": flag.reviewed_by_name,
            "at": iso(flag.reviewed_at),
            "note": flag.review_note,
        }
    chained: dict[str, Any] = json.loads(canonical(record))
    return chained | {
        "hash": record.hash,
        "id": flag.id,
        "reviewed": flag.reviewed,
        "review": review,
    }


def page(
    s: Session,
    agency: str | None,
    *,
    reviewed: bool | None = None,
    limit: int = 200,
    cursor: str | None = None,
) -> dict[str, Any]:
    """The agency's flagged records, newest first, a page at a time (`reviewed` filters
    by review state). A supervisor with no agency has none to review."""
    if agency is None:
        return {"items": [], "next": None}
    q = (
        select(AccessRecord, AccessFlag)
        .join(AccessFlag, AccessFlag.n == AccessRecord.n)
        .where(AccessFlag.agency == agency)
    )
    if reviewed is not None:
        q = q.where(AccessFlag.reviewed == reviewed)
    if cursor:
        q = q.where(AccessFlag.n < _cursor_decode(cursor))
    rows = s.execute(q.order_by(AccessFlag.n.desc()).limit(limit + 1)).all()
    nxt = _cursor_encode(rows[limit - 1][1].n) if len(rows) > limit else None
    return {"items": [flag_json(r, f) for r, f in rows[:limit]], "next": nxt}


def review(
    s: Session, p: Principal, flag_id: str, note: str | None, now: datetime
) -> tuple[AccessRecord, AccessFlag]:
    """Mark a flag of the supervisor's agency reviewed, once, by someone other than the
    one whose access it flags."""
    flag = None
    if _ID.fullmatch(flag_id) and p.agency is not None:
        flag = s.get(AccessFlag, int(flag_id), with_for_update=True)
    if flag is None or flag.agency != p.agency:
        raise NotFound("flag")
    record = s.get(AccessRecord, flag.n)
    assert record is not None  # the flag's key refers to it
    if p.account_id is not None and record.account_id == p.account_id:
        raise Forbidden("a flag on one's own access is reviewed by another supervisor")
    if flag.reviewed:
        raise Conflict("the flag is already reviewed")
    flag.reviewed, flag.reviewed_at = True, now
    flag.reviewed_by, flag.reviewed_by_name = p.account_id, p.label
    flag.review_note = note
    s.flush()
    return record, flag
