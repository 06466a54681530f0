"""verify.py's checks on a bundle in memory: the signature over the manifest's bytes,
each file's hash, the evidence chains, and files outside the manifest."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jikimi.bundle import verify
from jikimi.cases import evidence

KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def bundle(files: dict[str, bytes], key: Ed25519PrivateKey = KEY) -> dict[str, bytes]:
    """`files` with the key, a manifest of them and its signature."""
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    out = files | {"evidence-key.pem": pem}
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest = {
        "format": "jikimi-bundle/1",
        "case_id": "c1",
        "public_key": "evidence-key.pem",
        "signature": {"algorithm": "Ed25519", "key_id": hashlib.sha256(raw).hexdigest()},
        "files": [{"path": p, "sha256": hashlib.sha256(d).hexdigest()} for p, d in out.items()],
    }
    body = json.dumps(manifest).encode()
    return out | {"manifest.json": body, "manifest.sig": key.sign(body)}


def chain() -> bytes:
    """A jikimi-evidence/1 document of two items."""
    doc = evidence.chained(
        "c1",
        [("event", {"id": "e1", "kind": "call"}), ("event", {"id": "e2", "kind": "sms"})],
        datetime(2026, 3, 1, tzinfo=UTC),
        "officer",
        "test",
    )
    return json.dumps(doc, ensure_ascii=False).encode()


def test_an_intact_bundle_verifies() -> None:
    """Nothing fails and nothing is outside the manifest."""
    assert verify.verify(bundle({"events.json": chain(), "case.pdf": b"%PDF"}), None) == ([], [])


def test_a_changed_file_is_named() -> None:
    """A file whose bytes differ from the manifest's hash."""
    files = bundle({"case.pdf": b"%PDF-1.7 original"})
    files["case.pdf"] = b"%PDF-1.7 altered!"
    failures, _ = verify.verify(files, None)
    assert failures == ["case.pdf: its SHA-256 differs from the manifest's (changed)"]


def test_a_chain_rebuilt_inside_a_file_is_caught_even_with_its_hash_signed() -> None:
    """A chain altered before signing (its hash in the manifest matches) still fails."""
    doc = json.loads(chain())
    doc["items"][0]["data"]["kind"] = "sms"
    failures, _ = verify.verify(bundle({"events.json": json.dumps(doc).encode()}), None)
    assert failures == ["events.json: hash chain broken: item 1 (event) was altered"]


def test_a_missing_file_and_an_extra_one_are_told_apart() -> None:
    """A listed file gone fails; an unlisted one present is only named."""
    files = bundle({"case.pdf": b"%PDF", "events.json": chain()})
    del files["case.pdf"]
    files["notes.txt"] = b"added"
    assert verify.verify(files, None) == (["case.pdf: missing"], ["notes.txt"])


def test_the_given_key_decides_origin() -> None:
    """A bundle signed by another key verifies on its own key, never on the given one."""
    forged = bundle({"case.pdf": b"%PDF"}, Ed25519PrivateKey.generate())
    assert verify.verify(forged, None) == ([], [])
    failures, _ = verify.verify(forged, PEM)
    assert failures[0] == "the bundle names another signing key than the one given"
    assert failures[1].startswith("the signature does not verify")
    assert verify.verify(bundle({"case.pdf": b"%PDF"}), PEM) == ([], [])


def test_a_manifest_that_is_not_json_fails_its_signature_first() -> None:
    """One byte changed in the manifest: the signature, then the manifest itself."""
    files = bundle({"case.pdf": b"%PDF"})
    files["manifest.json"] = b"{" + files["manifest.json"][2:]
    failures, _ = verify.verify(files, None)
    assert failures[0].startswith("the signature does not verify")
    assert failures[1] == "manifest.json is not a jikimi-bundle/1 manifest"
