"""The bundle's format: the manifest lists every file in one order with its hash, refuses
what is not a file of the bundle, and people read Korean time."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.bundle import rules

FILES = {p: p.encode() * 3 for p in rules.ORDER}
BY = {"account_id": "a1", "name": "김경관", "role": "officer", "agency": "seoul-mapo"}


def test_the_manifest_lists_every_file_in_the_bundles_order_with_its_sha256() -> None:
    """Whatever order the files come in, the manifest's is the bundle's."""
    shuffled = dict(reversed(list(FILES.items())))
    m = rules.manifest(
        shuffled, case_id="c1", made_at="2026-03-01T12:00:00Z", made_by=BY, key_id="k" * 64
    )
    assert [f["path"] for f in m["files"]] == list(rules.ORDER)
    for f in m["files"]:
        assert f["sha256"] == hashlib.sha256(FILES[f["path"]]).hexdigest()
    assert m["format"] == "jikimi-bundle/1"
    assert m["signature"] == {"algorithm": "Ed25519", "key_id": "k" * 64, "file": "manifest.sig"}
    assert m["made_by"] == BY


@pytest.mark.parametrize("name", ["manifest.json", "manifest.sig", "notes.txt"])
def test_the_manifest_refuses_a_file_that_is_not_the_bundles(name: str) -> None:
    """The manifest and its signature cannot list themselves; nothing else may slip in."""
    with pytest.raises(ValueError, match="not a file of the bundle"):
        rules.manifest(FILES | {name: b"x"}, case_id="c", made_at="t", made_by=BY, key_id="k")


def test_json_files_are_utf8_with_sorted_keys_and_the_same_bytes_every_time() -> None:
    """Korean stays readable (not \\u escapes), and equal data gives equal bytes."""
    a = rules.json_bytes({"b": 1, "a": "김지은"})
    assert a == rules.json_bytes({"a": "김지은", "b": 1})
    assert "김지은".encode() in a
    assert a.endswith(b"\n")
    assert json.loads(a) == {"a": "김지은", "b": 1}


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_korean_time_is_nine_hours_ahead_of_utc(naive: datetime) -> None:
    """Korea keeps no summer time: KST is UTC+9 on every date, and says so."""
    at = naive.replace(tzinfo=UTC)
    shown = rules.kst(at.isoformat().replace("+00:00", "Z"))
    expected = (naive + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
    assert shown == f"{expected} KST"


def test_no_time_is_shown_as_nothing() -> None:
    """An alert never acknowledged has no time to show."""
    assert rules.kst(None) == ""
    assert rules.kst("") == ""
