"""The evidence key on the wire (the bundle itself is a ZIP, not JSON)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from jikimi.http.schemas import Out


class EvidenceKeyRead(Out):
    """The public half of the key that signs evidence bundles."""

    algorithm: Literal["Ed25519"]
    key_id: str = Field(description="SHA-256 of the raw 32-byte public key, hex")
    public_key_pem: str = Field(description="SubjectPublicKeyInfo PEM, as in each bundle")
