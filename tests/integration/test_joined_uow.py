"""Judging inside the storing transaction: a savepoint that commits with its caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select

from jikimi.bootstrap import Container
from jikimi.store import tables as t
from jikimi.store.db import KEEP_SAVEPOINT
from jikimi.store.tx import reading, transaction
from jikimi.store.uow import JoinedUnitOfWork


def test_work_committed_inside_commits_with_the_caller_and_rolled_back_work_does_not(
    container: Container,
) -> None:
    """On PostgreSQL without a RELEASE round trip (the caller's COMMIT ends it)."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(container.engine, "before_cursor_execute", note)
    now = datetime.now(UTC)
    try:
        with transaction(container.sessions) as s:
            with JoinedUnitOfWork(s, container.pack) as uow:
                s.execute(insert(t.SeenSignature), {"signature": "kept", "seen_at": now})
                uow.commit()
            with JoinedUnitOfWork(s, container.pack) as uow:
                s.execute(insert(t.SeenSignature), {"signature": "dropped", "seen_at": now})
                uow.rollback()
            assert KEEP_SAVEPOINT not in s.connection().info
            s.commit()
    finally:
        event.remove(container.engine, "before_cursor_execute", note)
    with reading(container.read_sessions) as s:
        assert set(s.scalars(select(t.SeenSignature.signature))) == {"kept"}
    releases = [x for x in sent if x.startswith("RELEASE")]
    postgres = container.engine.dialect.name == "postgresql"
    assert len(releases) == (0 if postgres else 1)
