"""The server's evidence key: an Ed25519 key pair that signs each evidence bundle's
manifest. Generated on first run beside the data keys, kept as a PKCS#8 PEM file readable
by its owner only (the same care as the key ring); the public half is published
(`GET /api/v1/evidence-key`) and copied into every bundle.

The key id is the SHA-256 of the raw 32-byte public key, in hex: what a court records
when it obtains the key, and what each manifest names.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jikimi.core import private_files

log = logging.getLogger(__name__)
ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class EvidenceKey:
    """The private key that signs, and what may be published of it."""

    private: Ed25519PrivateKey

    @property
    def public_pem(self) -> bytes:
        """The public key as a SubjectPublicKeyInfo PEM (what `openssl` reads)."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def key_id(self) -> str:
        """SHA-256 of the raw public key, hex."""
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return hashlib.sha256(raw).hexdigest()

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `data`."""
        return self.private.sign(data)


def default_path(key_file: str) -> Path:
    """Where the evidence key lives when no path is set: beside the data key ring."""
    return Path(key_file).parent / "evidence-key.pem"


def load(path: Path) -> EvidenceKey:
    """The key in `path`; a first run generates it (0600, in a 0700 directory)."""
    if not path.exists() and _create(path):
        log.warning(
            "generated a new evidence signing key in %s: back it up; bundles signed with "
            "it verify only against its public key",
            path,
        )
    private_files.tighten(path)  # a file a looser run (or a copy) left readable
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds no Ed25519 private key")
    return EvidenceKey(key)


def _create(path: Path) -> bool:
    """Write a new key to `path` unless another process got there first."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_files.make_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # atomic, and fails if the file appeared meanwhile
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
    return True
