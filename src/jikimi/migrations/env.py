"""Alembic environment: runs on the connection bootstrap hands it, or on the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from jikimi.features import metadata

config = context.config
target = metadata()


def run() -> None:
    """Run migrations online, on a given connection when there is one."""
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=target, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
