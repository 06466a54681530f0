"""The evidence key: made once on first run, its owner's alone, the same key after."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from jikimi.core import evidence_key


def test_a_first_run_makes_the_key_0600_in_a_0700_folder(tmp_path: Path) -> None:
    """Like the data keys: nobody but the server's account can read it."""
    path = tmp_path / "keys" / "evidence-key.pem"
    key = evidence_key.load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = evidence_key.load(path)
    assert again.key_id == key.key_id
    assert again.public_pem == key.public_pem


def test_a_loose_key_file_is_tightened(tmp_path: Path) -> None:
    """A copy left readable by others loses those bits on start."""
    path = tmp_path / "evidence-key.pem"
    evidence_key.load(path)
    path.chmod(0o644)
    evidence_key.load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_key_id_is_the_sha256_of_the_raw_public_key(tmp_path: Path) -> None:
    """What a court can recompute from the PEM it holds."""
    key = evidence_key.load(tmp_path / "k.pem")
    public = serialization.load_pem_public_key(key.public_pem)
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key.key_id == hashlib.sha256(raw).hexdigest()
    signature = key.sign(b"manifest")
    assert isinstance(public, Ed25519PublicKey)
    public.verify(signature, b"manifest")


def test_the_default_place_is_beside_the_key_ring() -> None:
    """One folder to back up."""
    assert evidence_key.default_path("/srv/jikimi/keys.json") == Path(
        "/srv/jikimi/evidence-key.pem"
    )


def test_a_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    """An ECDSA key in the file is a configuration mistake, said at start."""
    path = tmp_path / "k.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ValueError, match="no Ed25519 private key"):
        evidence_key.load(path)
