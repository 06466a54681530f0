"""The SQLite database, its WAL and shared-memory files, the key file and the directories
Jikimi makes for them are its owner's alone, whatever the umask; files a looser run left
behind are tightened on start."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jikimi.accounts.tokens import create_token
from jikimi.bootstrap import build
from jikimi.core.access import Role
from jikimi.core.settings import Settings
from jikimi.core.tx import transaction


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give (0022: new files 0644, directories 0755)."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


def run_once(db: Path, keys: Path) -> None:
    """Start Jikimi on `db`, write something personal, and stop it."""
    c = build(Settings(database_url=f"sqlite:///{db}", key_file=str(keys)))
    try:
        with transaction(c.sessions) as s:
            create_token(s, Role.OFFICER, name="김경위", agency="seoul-mapo")
            s.commit()
        with c.engine.connect():  # the WAL and its index exist while connected
            for suffix in ("", "-wal", "-shm"):
                assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
    finally:
        c.close()


def test_new_files_and_directories_are_the_owners_alone(tmp_path: Path, usual_umask: None) -> None:
    """The tester's reproduction: under umask 0022 the database came out 0644, readable by
    every account on the machine (password hashes, staff names, the access trail)."""
    db = tmp_path / "var" / "jikimi" / "jikimi.db"
    keys = tmp_path / "data" / "keys.json"
    run_once(db, keys)
    assert mode(db) == 0o600
    assert mode(keys) == 0o600
    for made in (db.parent, db.parent.parent, keys.parent):
        assert mode(made) == 0o700, made
    for left in Path(f"{db}-wal"), Path(f"{db}-shm"):
        if left.exists():
            assert mode(left) == 0o600, left


def test_files_left_readable_are_tightened_on_start(tmp_path: Path, usual_umask: None) -> None:
    """A database, WAL, shared-memory and key file another run left at 0644 are 0600 after
    the next start; a directory that was there already is left as its owner set it."""
    db, keys = tmp_path / "jikimi.db", tmp_path / "data" / "keys.json"
    run_once(db, keys)
    left_open = sqlite3.connect(db)  # keeps the WAL and its index on disk
    left_open.execute("PRAGMA journal_mode=WAL")
    left_open.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    left_open.commit()
    loose = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), keys]
    for path in loose:
        path.chmod(0o644)
    tmp_path.chmod(0o755)
    try:
        run_once(db, keys)
        for path in loose:
            assert mode(path) == 0o600, path
        assert mode(tmp_path) == 0o755
    finally:
        left_open.close()
