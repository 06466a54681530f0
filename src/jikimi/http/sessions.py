"""The database sessions a request's services run on; services' dependencies use them,
routes never do (`lint-imports` checks it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.core.tx import reading, transaction
from jikimi.http.deps import ContainerDep


def write_session(c: ContainerDep) -> Iterator[Session]:
    """A session that commits when the route returns normally, before the answer is sent."""
    with transaction(c.sessions) as s:
        yield s


def read_session(c: ContainerDep) -> Iterator[Session]:
    """A read-only session."""
    with reading(c.read_sessions) as s:
        yield s


WriteDb = Annotated[Session, Depends(write_session, scope="function")]
ReadDb = Annotated[Session, Depends(read_session)]
