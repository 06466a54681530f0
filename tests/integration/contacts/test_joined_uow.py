"""Judging inside the storing transaction: a savepoint whose work commits with its caller,
or is discarded alone (the event stays stored for the worker)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.bootstrap.uow import JoinedUnitOfWork
from jikimi.core.tx import reading, transaction


def test_work_committed_inside_commits_with_the_caller_and_rolled_back_work_does_not(
    container: Container,
) -> None:
    now = datetime.now(UTC)
    with transaction(container.sessions) as s:
        s.execute(insert(t.SeenSignature), {"signature": "caller", "seen_at": now})
        with JoinedUnitOfWork(s, container.pack) as uow:
            s.execute(insert(t.SeenSignature), {"signature": "kept", "seen_at": now})
            uow.commit()
        with JoinedUnitOfWork(s, container.pack) as uow:
            s.execute(insert(t.SeenSignature), {"signature": "dropped", "seen_at": now})
            uow.rollback()
        s.commit()
    with reading(container.read_sessions) as s:
        assert set(s.scalars(select(t.SeenSignature.signature))) == {"caller", "kept"}
