"""The Alembic migrations build exactly the schema the code expects, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from jikimi.core.db import migrate
from jikimi.schema import Base


def test_migrations_match_the_models(database_url: str) -> None:
    """A fresh database migrated to head has no difference from the tables in code, so a
    model change without its migration fails here rather than on a police server."""
    engine = create_engine(database_url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
