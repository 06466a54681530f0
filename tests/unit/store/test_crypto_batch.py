"""Reading sealed values by the thousand (the position log) checks each value exactly as
reading one does: a value opens only for the row it was sealed for, unaltered."""

from __future__ import annotations

import pytest

from jikimi.store.crypto import KeyRing, SealBroken

AAD = "positions.fix:dev-1:2026-11-23T09:00:00.000000+00:00"


def test_a_batch_opens_what_was_sealed_for_each_row() -> None:
    ring = KeyRing.generate()
    aads = [f"positions.fix:dev-{i}:2026-11-23T09:00:00.000000+00:00" for i in range(3)]
    tokens = ring.seal_many(["37.5,127.0,10.0", "37.6,127.1,5.0", "위치"], aads)
    assert ring.open_many(tokens, aads) == ["37.5,127.0,10.0", "37.6,127.1,5.0", "위치"]
    opened = ring.opener()
    assert opened(tokens[2], aads[2].encode()) == "위치".encode()


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(
            lambda tok: tok[:-3] + ("A" if tok[-3] != "A" else "B") + tok[-2:], id="flipped"
        ),
        pytest.param(lambda tok: tok[:-1] + "!", id="not-base64"),
        pytest.param(lambda tok: "jk2" + tok[3:], id="other-scheme"),
        pytest.param(lambda tok: tok.split(":", 2)[2], id="no-header"),
        pytest.param(lambda tok: "jk1:unknown:" + tok.split(":", 2)[2], id="unknown-key"),
    ],
)
def test_an_altered_value_in_a_batch_fails_its_integrity_check(alter: object) -> None:
    ring = KeyRing.generate()
    token = ring.seal("37.5,127.0,10.0", AAD)
    assert token is not None
    bad = alter(token)  # type: ignore[operator]
    with pytest.raises(SealBroken, match=r"positions\.fix failed its integrity check"):
        ring.open_many([token, bad], [AAD, AAD])
    with pytest.raises(SealBroken):
        ring.opener()(bad, AAD.encode())


def test_a_value_moved_to_another_row_does_not_open_there() -> None:
    ring = KeyRing.generate()
    token = ring.seal("37.5,127.0,10.0", AAD)
    assert token is not None
    with pytest.raises(SealBroken):
        ring.open_many([token], [AAD.replace("dev-1", "dev-2")])
