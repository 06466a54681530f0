"""SQLite is served by one process: a separate `jikimi worker`, or an API process that
leaves the judging to one, refuses to start on it and says to use PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jikimi.cli.main import app
from jikimi.cli.serving import refusal
from jikimi.core.settings import Settings

PG = "postgresql+psycopg://jikimi@db.police.internal:5432/jikimi"


@pytest.mark.parametrize(
    ("command", "env"),
    [(["worker"], {}), (["serve"], {"JIKIMI_WORKER": "false"})],
    ids=["jikimi worker", "JIKIMI_WORKER=false jikimi serve"],
)
def test_a_second_process_on_sqlite_is_refused_before_it_touches_the_database(
    tmp_path: Path, command: list[str], env: dict[str, str]
) -> None:
    db = tmp_path / "jikimi.db"
    result = CliRunner().invoke(app, command, env={"JIKIMI_DATABASE_URL": f"sqlite:///{db}", **env})
    assert result.exit_code == 2
    assert "refused" in result.stderr
    assert "PostgreSQL" in result.stderr
    assert not db.exists()


def test_one_process_on_sqlite_and_any_process_on_postgresql_may_start() -> None:
    assert refusal(Settings(database_url="sqlite:///./jikimi.db")) is None
    for worker_only in (False, True):
        assert refusal(Settings(database_url=PG, worker=False), worker_only=worker_only) is None
        assert refusal(Settings(database_url=PG), worker_only=worker_only) is None
