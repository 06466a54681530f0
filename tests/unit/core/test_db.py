"""Which database errors mean "the database is away" (503, and the worker waits)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from jikimi.core.db import unavailable


def test_a_lost_or_unreachable_database_is_unavailable() -> None:
    assert unavailable(OperationalError("SELECT 1", None, Exception("server closed")))
    dropped = DBAPIError("SELECT 1", None, Exception("connection lost"))
    dropped.connection_invalidated = True
    assert unavailable(dropped)


def test_a_statement_the_database_refuses_is_not() -> None:
    assert not unavailable(IntegrityError("INSERT", None, Exception("duplicate key")))
    assert not unavailable(DBAPIError("INSERT", None, Exception("value too long")))
