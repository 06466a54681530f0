"""The access record's canonical bytes and hash: what the audit chain links and
`audit.verify` checks. Keys sorted, compact JSON, UTF-8; `at` in UTC ISO 8601."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from jikimi.audit.tables import AccessRecord

FIELDS = (
    "n",
    "account_id",
    "token_id",
    "role",
    "agency",
    "source",
    "action",
    "resource",
    "resource_id",
    "subjects",
    "purpose",
    "flags",
    "prev_hash",
)


def canonical_of(values: dict[str, Any]) -> bytes:
    """The bytes a record with these values is hashed over."""
    body = {name: values[name] for name in FIELDS}
    body["at"] = values["at"].astimezone(UTC).isoformat()
    body["subjects"], body["flags"] = list(body["subjects"]), list(body["flags"])
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def canonical_parts(values: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    """The canonical bytes of `values` around its `n` and its `prev_hash`: the record is
    pre + str(n) + mid + prev_hash + suf (keys are sorted, so both sit in the middle)."""
    body = {name: values[name] for name in FIELDS if name not in ("n", "prev_hash")}
    body["at"] = values["at"].astimezone(UTC).isoformat()
    body["subjects"], body["flags"] = list(body["subjects"]), list(body["flags"])
    before = json.dumps(
        {k: v for k, v in body.items() if k < "n"},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    after = json.dumps(
        {k: v for k, v in body.items() if k > "prev_hash"},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return (before[:-1] + ',"n":').encode(), b',"prev_hash":"', ('",' + after[1:]).encode()


# `canonical_parts` needs every other field to sort before "n" or after "prev_hash".
assert all(
    not "n" <= name <= "prev_hash" for name in (*FIELDS, "at") if name not in ("n", "prev_hash")
)


def canonical(r: AccessRecord) -> bytes:
    """The bytes a stored record is hashed over."""
    return canonical_of({name: getattr(r, name) for name in (*FIELDS, "at")})


def record_hash(r: AccessRecord) -> str:
    """The hash a record must carry."""
    return hashlib.sha256(canonical(r)).hexdigest()


def link(values: dict[str, Any], head: tuple[int, str]) -> None:
    """Make `values` the record after `head` (n, hash), and seal it with its hash."""
    values["n"], values["prev_hash"] = head[0] + 1, head[1]
    values["hash"] = hashlib.sha256(canonical_of(values)).hexdigest()
