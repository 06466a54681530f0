"""A PostgreSQL that takes connections but never answers: the connection fails in bounded
time (and the request is a 503) instead of holding a thread for good."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.exc import OperationalError

from jikimi.core.db import make_engine


@pytest.mark.timeout(60)  # without the connect timeout this would wait forever
def test_a_database_that_never_answers_fails_the_connection() -> None:
    # The kernel completes the handshake from the listen backlog; nobody ever answers.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://jikimi@127.0.0.1:{port}/jikimi")
        try:
            with pytest.raises(OperationalError):
                engine.connect()
        finally:
            engine.dispose()
