"""Field encryption at rest: AES-256-GCM per field, the record id and column as associated
data, several keys with one active, and a keyed hash (HMAC-SHA256) as the lookup index.

A sealed value reads `jk1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`. Because the
associated data names the table, column and record, a ciphertext copied to another
record or column fails to open: swapping two people's names is detected, not believed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jikimi.core import private_files

log = logging.getLogger(__name__)
PREFIX = "jk1"


class SealBroken(RuntimeError):
    """A stored value failed its integrity check (tampered, swapped, or an unknown key)."""


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


@dataclass
class KeyRing:
    """The data keys (one active) and the index key, from a key file or the environment."""

    keys: dict[str, bytes]
    active: str
    index_key: bytes
    path: Path | None = None
    _mtime: float = 0.0
    _checked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def generate(cls) -> KeyRing:
        """A new ring with one key."""
        return cls({"k1": secrets.token_bytes(32)}, "k1", secrets.token_bytes(32))

    @classmethod
    def from_json(cls, text: str, path: Path | None = None) -> KeyRing:
        """Parse `{"active", "keys": {id: base64}, "index_key": base64}`."""
        raw = json.loads(text)
        keys = {k: _unb64(v) for k, v in raw["keys"].items()}
        if raw["active"] not in keys or any(len(k) != 32 for k in keys.values()):
            raise ValueError("key ring: the active key must exist and every key be 32 bytes")
        return cls(keys, raw["active"], _unb64(raw["index_key"]), path)

    def to_json(self) -> str:
        """The ring as JSON (secret: file mode 0600)."""
        return json.dumps(
            {
                "active": self.active,
                "index_key": _b64(self.index_key),
                "keys": {k: _b64(v) for k, v in self.keys.items()},
            },
            indent=2,
        )

    @classmethod
    def load(cls, env_json: str | None, path: Path) -> KeyRing:
        """From JIKIMI_KEYS if set, else the key file; a first run generates the file."""
        if env_json:
            return cls.from_json(env_json)
        if not path.exists() and cls._create(path):
            log.warning(
                "generated new data keys in %s: back this file up; without it the "
                "personal data in the database cannot be read",
                path,
            )
        private_files.tighten(path)  # a file a looser run (or a copy) left readable
        ring = cls.from_json(path.read_text("utf-8"), path)
        ring._mtime = path.stat().st_mtime
        return ring

    @classmethod
    def _create(cls, path: Path) -> bool:
        """Write a new ring to `path` unless another process got there first."""
        ring = cls.generate()
        private_files.make_dirs(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(ring.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails if the file appeared meanwhile
        except FileExistsError:
            return False
        finally:
            tmp.unlink()
        return True

    def save(self) -> None:
        """Write the key file atomically, readable by its owner only."""
        assert self.path is not None
        private_files.make_dirs(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)
        self._mtime = self.path.stat().st_mtime

    def rotate(self) -> str:
        """Add a new key and make it active; return its id."""
        n = 1 + max(int(k[1:]) for k in self.keys if k[1:].isdigit())
        kid = f"k{n}"
        self.keys[kid] = secrets.token_bytes(32)
        self.active = kid
        if self.path is not None:
            self.save()
        return kid

    def _refresh(self, force: bool = False) -> None:
        # Another process (`jikimi keys rotate`) may have added a key: pick it up.
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < 5:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = self.path.stat().st_mtime
            except FileNotFoundError:
                return
            if mtime != self._mtime:
                fresh = KeyRing.from_json(self.path.read_text("utf-8"), self.path)
                self.keys, self.active, self._mtime = fresh.keys, fresh.active, mtime

    def seal(self, value: str | None, aad: str) -> str | None:
        """Encrypt `value` bound to `aad` (table.column:id) with the active key."""
        if value is None:
            return None
        self._refresh()
        nonce = secrets.token_bytes(12)
        ct = AESGCM(self.keys[self.active]).encrypt(nonce, value.encode("utf-8"), aad.encode())
        return f"{PREFIX}:{self.active}:{_b64(nonce + ct)}"

    def open(self, token: str | None, aad: str) -> str | None:
        """Decrypt; raise SealBroken when the value is not what was sealed for `aad`
        (or is not text), naming the column and never the value."""
        if token is None:
            return None
        return self.opener()(token, aad.encode())

    def seal_many(self, values: list[str], aads: list[str]) -> list[str]:
        """`seal` for a batch (one key look-up; positions arrive by the thousand)."""
        self._refresh()
        aead, head = AESGCM(self.keys[self.active]), f"{PREFIX}:{self.active}:"
        # The same random 96-bit nonce per value as `seal`, drawn in one call.
        nonces = secrets.token_bytes(12 * len(values))
        encrypt, b64 = aead.encrypt, binascii.b2a_base64
        out = []
        for i, (value, aad) in enumerate(zip(values, aads, strict=True)):
            nonce = nonces[12 * i : 12 * i + 12]
            ct = encrypt(nonce, value.encode(), aad.encode())
            out.append(head + b64(nonce + ct, newline=False).decode("ascii"))
        return out

    def open_many(self, tokens: list[str], aads: list[str]) -> list[str]:
        """`open` for a batch; raises SealBroken on the first value that fails."""
        opened = self.opener()
        return [opened(token, aad.encode()) for token, aad in zip(tokens, aads, strict=True)]

    def opener(self) -> Callable[[str, bytes], str]:
        """`open` for a batch read one value at a time, with `aad` as bytes:
        each key's cipher made once (the log is read by the thousand, and the work per
        value is the decryption, not the look-ups around it)."""
        aeads: dict[str, Callable[[bytes, bytes, bytes], bytes]] = {}
        head = len(PREFIX) + 1
        unb64 = binascii.a2b_base64

        def opened(token: str, aad: bytes) -> str:
            try:
                end = token.index(":", head)
                if token[: head - 1] != PREFIX or token[head - 1] != ":":
                    raise ValueError(token[:head])
                kid = token[head:end]
                decrypt = aeads.get(kid)
                if decrypt is None:
                    if kid not in self.keys:
                        self._refresh(force=True)
                    decrypt = aeads[kid] = AESGCM(self.keys[kid]).decrypt
                blob = unb64(token[end + 1 :], strict_mode=True)
                return decrypt(blob[:12], blob[12:], aad).decode("utf-8")
            except (ValueError, KeyError, InvalidTag, binascii.Error) as exc:  # and Unicode
                where = aad.split(b":", 1)[0].decode("utf-8", "replace")
                raise SealBroken(f"{where} failed its integrity check") from exc

        return opened

    def key_id(self, token: str) -> str:
        """The id of the key that sealed `token`."""
        return token.split(":", 2)[1]

    def index(self, value: str) -> str:
        """The keyed hash used to find a value without decrypting every row."""
        return hmac.new(self.index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_ring: KeyRing | None = None


def install(ring: KeyRing) -> None:
    """Make `ring` the process's key ring (bootstrap does this)."""
    global _ring
    _ring = ring


def ring() -> KeyRing:
    """The process's key ring."""
    if _ring is None:
        raise RuntimeError("no key ring installed: build the container first")
    return _ring
