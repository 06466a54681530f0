"""Files that hold personal data or keys (the SQLite database and its companions, the
key ring) are their owner's alone: 0600, in directories Jikimi makes 0700, whatever the
umask. Files a looser run left behind lose their group and other bits on start.

A directory that already exists is left as its owner set it: it may be the working
directory or a shared volume, which is not Jikimi's to close.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
# What SQLite keeps beside a database: its WAL, the WAL's shared-memory index and a
# rollback journal (briefly, before WAL is on).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_dirs(directory: Path) -> None:
    """Create `directory` and its missing parents, each 0700."""
    missing = []
    here = directory
    while not here.exists():
        missing.append(here)
        here = here.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it first
        _chmod(d, DIR_MODE)  # exact: the umask only ever takes bits away


def tighten(path: Path) -> None:
    """Take the group's and others' bits off `path`, if it exists."""
    try:
        bits = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if bits & 0o077:
        _chmod(path, bits & 0o700)


def create_file(path: Path) -> None:
    """Create `path` empty and 0600 unless it exists (then only `tighten` it).

    An existing file is never opened here: closing a descriptor of a SQLite database
    drops every lock this process holds on it (POSIX advisory locks are per process).
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        tighten(path)
        return
    os.close(fd)
    _chmod(path, FILE_MODE)


def secure_sqlite(database: Path) -> None:
    """Before SQLite opens `database`: its directory made 0700 if missing, the file made
    0600 if missing (SQLite gives the WAL and shared-memory files the database's own
    mode), and the database and its companions from an earlier run tightened."""
    make_dirs(database.parent)
    create_file(database)
    for suffix in SQLITE_COMPANIONS:
        tighten(Path(f"{database}{suffix}"))


def _chmod(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except OSError as exc:
        # Another account's file, a read-only volume: the server still starts, and the
        # operator is told (a path is not personal data).
        log.warning("cannot restrict %s to its owner (mode %o): %s", path, mode, exc.strerror)
