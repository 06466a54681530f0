#!/usr/bin/env python3
"""Verify a Jikimi evidence bundle (format jikimi-bundle/1) without Jikimi.

Usage: python verify.py PATH [--key PUBLIC_KEY.pem]

PATH is the bundle's ZIP file or the folder it was unpacked into. Needs Python 3.8+ and
the `cryptography` package, nothing else.

Checks that manifest.sig is a valid Ed25519 signature of manifest.json's exact bytes,
that every file the manifest lists is present with the SHA-256 it names, and that the
hash chains of the jikimi-evidence/1 files (case.json, events.json, alerts.json) are
intact. Files present but not in the manifest are named: they are not part of the
signed bundle.

Without --key the signature is checked against the public key inside the bundle: that
proves the files are as the holder of that key signed them (integrity), not who that
holder is. Give --key with the public key the court obtained from the police separately
to prove the bundle was signed by the police's key (origin).

Exit status: 0 everything verifies; 1 a signature, hash or chain fails (named on
stderr); 2 the bundle cannot be read or the usage is wrong; 3 everything in the manifest
verifies but files outside it are present.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_public_key,
    )
except ImportError:  # said plainly, not as a traceback
    sys.exit("verify.py needs the Python package `cryptography` (pip install cryptography)")

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "evidence-key.pem"
CHAIN_FORMAT = "jikimi-evidence/1"


def read_bundle(path: str) -> dict[str, bytes]:
    """Every file of the bundle by its path inside it ("/"-separated)."""
    files: dict[str, bytes] = {}
    if os.path.isdir(path):
        for root, _dirs, names in os.walk(path):
            for name in names:
                full = os.path.join(root, name)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                with open(full, "rb") as fh:
                    files[rel] = fh.read()
        return files
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.is_dir():
                files[info.filename] = zf.read(info)
    return files


def canonical(obj: object) -> bytes:
    """The bytes a jikimi-evidence/1 item's hash covers."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def chain_problem(doc: dict[str, object]) -> str | None:
    """What is wrong with a jikimi-evidence/1 document's chain, or None."""
    prev = "0" * 64
    items = doc.get("items")
    if not isinstance(items, list):
        return "it has no items"
    for i, item in enumerate(items, start=1):
        if item.get("n") != i or item.get("prev") != prev:
            return f"item {i} is missing or out of order"
        body = canonical({"n": item["n"], "type": item["type"], "data": item["data"]})
        if hashlib.sha256(prev.encode() + b"\n" + body).hexdigest() != item.get("hash"):
            return f"item {i} ({item.get('type')}) was altered"
        prev = item["hash"]
    if doc.get("head") != prev or doc.get("count") != len(items):
        return "items were removed from the end, or the head was changed"
    return None


def load_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (raises ValueError otherwise)."""
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex (what the manifest names)."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def signature_ok(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    """Whether `signature` is the key's Ed25519 signature of `data`."""
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def signature_failures(files: dict[str, bytes], given_key: bytes | None) -> list[str]:
    """What is wrong with manifest.sig, checked on the manifest's bytes as they are."""
    pem = given_key if given_key is not None else files.get(PUBLIC_KEY)
    if pem is None:
        return [f"the public key {PUBLIC_KEY} is missing"]
    try:
        key = load_key(pem)
    except ValueError:
        return ["the public key is not an Ed25519 public key in PEM"]
    failures = []
    if given_key is not None:
        try:
            named = json.loads(files[MANIFEST].decode("utf-8"))["signature"]["key_id"]
        except (ValueError, KeyError, TypeError):
            named = None
        if named != key_id(key):
            failures.append("the bundle names another signing key than the one given")
    if not signature_ok(key, files[SIGNATURE], files[MANIFEST]):
        failures.append(
            f"the signature does not verify: {MANIFEST} or {SIGNATURE} was changed, or it "
            "was signed by another key"
        )
    return failures


def verify(files: dict[str, bytes], given_key: bytes | None) -> tuple[list[str], list[str]]:
    """(failures, files outside the manifest) for the bundle's `files`."""
    if MANIFEST not in files or SIGNATURE not in files:
        return [f"{MANIFEST} or {SIGNATURE} is missing"], []
    failures = signature_failures(files, given_key)
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8"))
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    except (ValueError, KeyError, TypeError):
        return [*failures, f"{MANIFEST} is not a jikimi-bundle/1 manifest"], []
    for path, digest in listed.items():
        if path not in files:
            failures.append(f"{path}: missing")
        elif hashlib.sha256(files[path]).hexdigest() != digest:
            failures.append(f"{path}: its SHA-256 differs from the manifest's (changed)")
        elif path.endswith(".json"):
            failures += _chain_failures(path, files[path])
    extra = sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE})
    return failures, extra


def _chain_failures(path: str, data: bytes) -> list[str]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except ValueError:
        return [f"{path}: not JSON"]
    if not isinstance(doc, dict) or doc.get("format") != CHAIN_FORMAT:
        return []
    problem = chain_problem(doc)
    return [] if problem is None else [f"{path}: hash chain broken: {problem}"]


def main(argv: list[str]) -> int:
    """Verify the bundle named in `argv`; print what was found; the exit status."""
    args = argv[1:]
    given_key = None
    if "--key" in args:
        i = args.index("--key")
        if i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        with open(args[i + 1], "rb") as fh:
            given_key = fh.read()
        del args[i : i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        files = read_bundle(args[0])
    except (OSError, zipfile.BadZipFile) as exc:
        print(f"cannot read {args[0]}: {exc}", file=sys.stderr)
        return 2
    failures, extra = verify(files, given_key)
    for name in extra:
        print(f"NOT IN THE MANIFEST (not part of the signed bundle): {name}", file=sys.stderr)
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(files[MANIFEST]).hexdigest()
    manifest = json.loads(files[MANIFEST].decode("utf-8"))
    print(
        f"verified: case {manifest['case_id']}, {len(manifest['files'])} files, signed by key "
        f"{manifest['signature']['key_id']}{' (the key given)' if given_key else ''}"
    )
    print(f"manifest SHA-256: {digest}")
    return 3 if extra else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
