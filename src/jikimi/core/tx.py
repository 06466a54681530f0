"""Transactions for the plain record-keeping routes (CRUD needs no message bus)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits as one block on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    finally:
        session.rollback()
        session.close()


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only session."""
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def reading_without_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only session for looks that need no snapshot across statements (polls, the
    live stream, token checks). On PostgreSQL its statements run without a transaction
    block, which saves the BEGIN and ROLLBACK round trips; each statement of a
    READ COMMITTED transaction sees its own snapshot anyway."""
    session = factory()
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session
    finally:
        session.rollback()
        session.close()
