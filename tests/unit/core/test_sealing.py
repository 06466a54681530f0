"""Reading sealed values by the thousand (the position log) checks each value exactly as
reading one does: a value opens only for the row it was sealed for, unaltered."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jikimi.core import sealing as crypto
from jikimi.core.sealing import KeyRing, SealBroken
from jikimi.proximity import positions

AAD = "positions.fix:dev-1:2026-11-23T09:00:00.000000+00:00"


def _flip(token: str, i: int) -> str:
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


def test_a_batch_opens_what_was_sealed_for_each_row() -> None:
    ring = KeyRing.generate()
    aads = [f"positions.fix:dev-{i}:2026-11-23T09:00:00.000000+00:00" for i in range(3)]
    tokens = ring.seal_many(["37.5,127.0,10.0", "37.6,127.1,5.0", "위치"], aads)
    assert ring.open_many(tokens, aads) == ["37.5,127.0,10.0", "37.6,127.1,5.0", "위치"]
    opened = ring.opener()
    assert opened(tokens[2], aads[2].encode()) == "위치"


@pytest.mark.parametrize(
    "alter",
    [
        # Characters well inside the value: each carries six of its bits (the last one
        # before the padding may carry two, so changing it can change nothing).
        pytest.param(lambda tok: _flip(tok, len(tok) // 2 + 6), id="flipped"),
        pytest.param(lambda tok: _flip(tok, len(tok) - 5), id="flipped-near-end"),
        pytest.param(lambda tok: tok[:-1] + "!", id="not-base64"),
        pytest.param(lambda tok: "jk2" + tok[3:], id="other-scheme"),
        pytest.param(lambda tok: tok.split(":", 2)[2], id="no-header"),
        pytest.param(lambda tok: "jk1:unknown:" + tok.split(":", 2)[2], id="unknown-key"),
    ],
)
def test_an_altered_value_in_a_batch_fails_its_integrity_check(
    alter: Callable[[str], str],
) -> None:
    ring = KeyRing.generate()
    for _ in range(20):  # fresh nonces, so no one encoding happens to hide the change
        token = ring.seal("37.5,127.0,10.0", AAD)
        assert token is not None
        bad = alter(token)
        with pytest.raises(SealBroken, match=r"positions\.fix failed its integrity check"):
            ring.open_many([token, bad], [AAD, AAD])
        with pytest.raises(SealBroken):
            ring.opener()(bad, AAD.encode())
        with pytest.raises(SealBroken):
            ring.open(bad, AAD)


def test_a_value_moved_to_another_row_does_not_open_there() -> None:
    ring = KeyRing.generate()
    token = ring.seal("37.5,127.0,10.0", AAD)
    assert token is not None
    with pytest.raises(SealBroken):
        ring.open_many([token], [AAD.replace("dev-1", "dev-2")])


def test_a_sealed_value_that_is_not_text_fails_without_quoting_it() -> None:
    """Only a holder of the key could seal bytes that are not UTF-8; reading them says
    the value failed its check and never shows what it held."""
    ring = KeyRing.generate()
    nonce = b"\x00" * 12
    blob = nonce + AESGCM(ring.keys[ring.active]).encrypt(nonce, b"\xff secret", AAD.encode())
    bad = f"jk1:{ring.active}:{base64.b64encode(blob).decode()}"
    for read in (lambda: ring.open_many([bad], [AAD]), lambda: ring.open(bad, AAD)):
        with pytest.raises(SealBroken) as caught:
            read()
        assert "secret" not in str(caught.value)
        assert "0xff" not in str(caught.value)


def test_a_logged_fix_that_holds_no_position_fails_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log reader (the judge) refuses a sealed value that is not a position, and
    says so without the value."""
    ring = KeyRing.generate()
    monkeypatch.setattr(crypto, "_ring", ring)  # the process's ring, for this test only
    at = "2026-11-23 09:00:00.000000"
    aad = "positions.fix:dev-1:2026-11-23T09:00:00.000000+00:00"
    good, bad = ring.seal_many(["37.5,127.0,10.0", "secret,127.0,10.0"], [aad, aad])
    assert positions._read([(1, "dev-1", at, good)])[0].lat == 37.5
    with pytest.raises(SealBroken, match="holds no position") as caught:
        positions._read([(1, "dev-1", at, good), (2, "dev-1", at, bad)])
    assert "secret" not in str(caught.value)
    assert caught.value.__cause__ is None
