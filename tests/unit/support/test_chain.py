"""The ledger entry's canonical form: the same content always gives the same bytes and
hash, in any offset, and every field (the sealed ones in the clear) changes the hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from jikimi.support import chain

KST = timezone(timedelta(hours=9))


def values(**changes: Any) -> dict[str, Any]:
    """An entry's content."""
    base: dict[str, Any] = {
        "n": 7,
        "id": "e" * 32,
        "application_id": "a" * 32,
        "case_id": "c" * 32,
        "agency": "seoul-mapo",
        "kind": "living",
        "amount_krw": 500_000,
        "paid_at": datetime(2026, 3, 2, 10, tzinfo=UTC),
        "reference": "농협 이체 0001",
        "reason": None,
        "recorded_by": "r" * 32,
        "recorded_at": datetime(2026, 3, 2, 10, 5, tzinfo=UTC),
        "prev_hash": "0" * 64,
    }
    return base | changes


def test_the_canonical_bytes_are_sorted_compact_utf8_in_utc() -> None:
    raw = chain.canonical_of(values(paid_at=datetime(2026, 3, 2, 19, tzinfo=KST)))
    assert raw == chain.canonical_of(values())
    text = raw.decode()
    assert text.startswith('{"agency":"seoul-mapo","amount_krw":500000,')
    assert '"paid_at":"2026-03-02T10:00:00+00:00"' in text
    assert '"reference":"농협 이체 0001"' in text


@pytest.mark.parametrize(
    "change",
    [
        {"n": 8},
        {"amount_krw": 500_001},
        {"amount_krw": -500_000},
        {"reference": "농협 이체 0002"},
        {"reason": "회수"},
        {"case_id": "d" * 32},
        {"paid_at": datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)},
        {"prev_hash": "1" * 64},
        {"recorded_by": "s" * 32},
    ],
)
def test_every_field_is_covered_by_the_hash(change: dict[str, Any]) -> None:
    assert chain.entry_hash(values(**change)) != chain.entry_hash(values())
